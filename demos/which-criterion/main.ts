// Which criterion wins? The page is the sweep element, sized by its attributes in
// the markup (small defaults that finish in minutes on a software GPU).
import '../../src/ui/lab/index.js';
