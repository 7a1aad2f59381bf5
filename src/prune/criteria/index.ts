// The registry of weight criteria: name → module. Adding one is a module in this
// folder, its oracle in src/ref/criteria/, its tests, and one line here.
import { PruneLabError } from '../../errors.js';
import { WEIGHT_CRITERIA, type WeightCriterion, type WeightCriterionName } from './criterion.js';
import { magnitude } from './magnitude.js';
import { random } from './random.js';
import { movement } from './movement.js';
import { wanda } from './wanda.js';
import { sparsegpt } from './sparsegpt.js';
import { lamp } from './lamp.js';
import { taylor } from './taylor.js';
import { snip } from './snip.js';
import { synflow } from './synflow.js';

const REGISTRY: Partial<Record<WeightCriterionName, WeightCriterion>> = {
  magnitude,
  random,
  movement,
  wanda,
  sparsegpt,
  lamp,
  taylor,
  snip,
  synflow,
};

/** The criterion module for `name`; refuses names not in WEIGHT_CRITERIA, and those not yet built. */
export function weightCriterion(name: WeightCriterionName): WeightCriterion {
  if (!(WEIGHT_CRITERIA as readonly string[]).includes(name)) {
    throw new PruneLabError('invalid-config', `prune.criterion must be one of ${WEIGHT_CRITERIA.join(', ')} (got ${JSON.stringify(name)})`, 'prune.criterion');
  }
  const c = Object.prototype.hasOwnProperty.call(REGISTRY, name) ? REGISTRY[name] : undefined;
  if (!c) throw new PruneLabError('invalid-config', `prune.criterion '${name}' has no scoring module in this build`, 'prune.criterion');
  return c;
}
