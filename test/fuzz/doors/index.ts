// Every door of the browser fuzz suite, in the order they run. Adding a door is one
// module under doors/ and one line here (the CLI's door is test/fuzz/cli-door.mjs).
import type { Door, FuzzCase } from '../harness.js';
import { idxDoor } from './idx.js';
import { csvDoor } from './csv.js';
import { tabularDoor } from './tabular.js';
import { configDoor } from './config.js';
import { configRunDoor } from './config-run.js';
import { specDoor } from './spec.js';
import { checkpointDoor } from './checkpoint.js';
import { reportDoor } from './report.js';
import { labElementDoor } from './lab-element.js';
import { treeElementDoor } from './tree-element.js';
import { engineDoor } from './engine.js';
import { onnxDoor } from './onnx.js';
import { boostDoor } from './boost.js';

export const DOORS: ReadonlyArray<Door<FuzzCase>> = [
  idxDoor, csvDoor, tabularDoor, configDoor, configRunDoor, specDoor, checkpointDoor, reportDoor, labElementDoor, treeElementDoor, engineDoor, onnxDoor, boostDoor,
] as unknown as ReadonlyArray<Door<FuzzCase>>;
