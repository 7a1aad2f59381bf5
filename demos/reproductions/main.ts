// Reproductions: the cards and the lab they load runs into, both set up by the markup.
import '../../src/ui/reproductions/reproductions.js';
import '../../src/ui/lab/index.js';
