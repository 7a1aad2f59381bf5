// CPU oracle of the random criterion: the same PCG hash as shaders/score-elementwise.wgsl (OP 4).

function pcg(v: number): number {
  const s = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

/** The hash seed of layer `layer` (its index in net.layers) for run seed `seed`. */
export function layerSeed(seed: number, layer: number): number {
  return pcg((Math.imul(seed >>> 0, 0x9e3779b9) + Math.imul(layer + 1, 0x85ebca6b)) >>> 0);
}

/** Score of each of n weights: (pcg(seed ^ pcg(i)) >> 8 + 1) / 2^24, in (0, 1]. */
export function randomScores(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (((pcg((seed ^ pcg(i)) >>> 0) >>> 8) + 1) / 16777216);
  return out;
}
