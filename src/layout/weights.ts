// How prunable weights are stored and quantized, shared by the inference formats
// and the CPU oracles.

/** Which way a layer's weights are stored: Linear K×N (in × out) or Conv F×(C·KH·KW). */
export type WeightLayout = 'in-out' | 'out-in';

/** Round half away from zero: the rule int8 weights are quantized with. */
export function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}
