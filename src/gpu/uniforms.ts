// Uniform structs whose byte layout is computed from the field list, never hand-padded.
// The WGSL side declares the same fields in the same order.

export type ScalarType = 'u32' | 'i32' | 'f32';

export interface UniformLayout<F extends string> {
  readonly fields: ReadonlyArray<readonly [F, ScalarType]>;
  readonly offsets: Readonly<Record<F, number>>;
  /** Struct size in bytes, rounded up to 16 as uniform bindings want. */
  readonly size: number;
}

/** Lays out scalar fields by WGSL rules (4-byte size and alignment each). */
export function uniformLayout<F extends string>(fields: ReadonlyArray<readonly [F, ScalarType]>): UniformLayout<F> {
  const offsets = {} as Record<F, number>;
  let off = 0;
  for (const [name] of fields) {
    offsets[name] = off;
    off += 4;
  }
  return { fields, offsets, size: Math.max(16, Math.ceil(off / 16) * 16) };
}

export function packUniforms<F extends string>(layout: UniformLayout<F>, values: Readonly<Record<F, number>>): ArrayBuffer {
  const buf = new ArrayBuffer(layout.size);
  const view = new DataView(buf);
  for (const [name, type] of layout.fields) {
    const v = values[name];
    const o = layout.offsets[name];
    if (type === 'f32') view.setFloat32(o, v, true);
    else if (type === 'i32') view.setInt32(o, v, true);
    else view.setUint32(o, v >>> 0, true);
  }
  return buf;
}
