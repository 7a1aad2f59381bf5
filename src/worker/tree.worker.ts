// The Worker that runs the tree engine off the main thread: TreeLabWorker
// (tree-lab-worker.ts) exposed through Comlink.
import * as Comlink from 'comlink';
import { TreeLabWorker } from './tree-lab-worker.js';

Comlink.expose(new TreeLabWorker());
