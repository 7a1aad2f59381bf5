// Reading ONNX tensors (initializers, Constant values, sparse initializers) into
// typed arrays, with every size and type checked. Weights come out as Float32Array:
// FLOAT is taken as is, DOUBLE and FLOAT16 are converted (rounded to f32); integer
// tensors (INT64, INT32) are read only where a shape is expected, BOOL only as a flag. Every refusal is
// a PruneLabError('invalid-data') naming the tensor.
import { PruneLabError } from '../errors.js';
import { onnx, int64, int64Clamped, type Int64, type ITensorProto, type ISparseTensorProto } from './proto.js';

const DT = onnx.TensorProto.DataType;

/** A decoded tensor: f32 values (weights) or integers (shapes), with its dims. */
export interface Tensor {
  name: string;
  dims: number[];
  /** FLOAT, DOUBLE, FLOAT16 → f32. */
  f32?: Float32Array;
  /** INT64, INT32 (BOOL as 0/1) → safe integers. */
  ints?: number[];
}

/** At most this many elements in one tensor (256 MiB of f32). */
export const MAX_TENSOR_ELEMENTS = 2 ** 26;

export function bad(message: string, field: string): never {
  throw new PruneLabError('invalid-data', `onnx: ${message}`, field);
}

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DT).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]));

export function dataTypeName(t: number): string {
  return TYPE_NAMES[t] ?? `data type ${t}`;
}

/** dims as safe integers ≥ 0 and their product, bounded. */
export function readDims(dims: Int64[] | null | undefined, what: string, field: string): { dims: number[]; count: number } {
  const out: number[] = [];
  let count = 1;
  for (const [i, d] of (dims ?? []).entries()) {
    const n = int64(d);
    if (!Number.isInteger(n) || n < 0) bad(`${what} has dims[${i}] = ${String(n)}; dims must be integers ≥ 0`, field);
    out.push(n);
    count *= n;
  }
  if (out.length > 8) bad(`${what} has ${out.length} dims; at most 8 are read`, field);
  if (count > MAX_TENSOR_ELEMENTS) bad(`${what} has ${count} elements; at most ${MAX_TENSOR_ELEMENTS} are read`, field);
  return { dims: out, count };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const SIZES: Partial<Record<number, number>> = { [DT.FLOAT]: 4, [DT.DOUBLE]: 8, [DT.FLOAT16]: 2, [DT.INT64]: 8, [DT.INT32]: 4, [DT.BOOL]: 1 };

/**
 * Decodes a TensorProto. `want` says what the caller reads it as: 'float' (weights) or
 * 'int' (a shape); any other data type, external data, segments, or a data length that
 * does not match the dims is refused, naming the tensor.
 */
export function readTensor(t: ITensorProto, want: 'float' | 'int' | 'bool', what: string): Tensor {
  const name = t.name ?? '';
  const field = name || what;
  const label = name ? `${what} '${name}'` : what;
  const type = t.dataType ?? 0;
  const { dims, count } = readDims(t.dims as Int64[] | null | undefined, label, field);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    bad(`${label} keeps its data in an external file; only tensors stored inside the .onnx file are read (save with all tensors in one file)`, field);
  }
  if (t.segment) bad(`${label} is a segment of a larger tensor; segmented tensors are not read`, field);
  const floatTypes = [DT.FLOAT, DT.DOUBLE, DT.FLOAT16];
  const intTypes = [DT.INT64, DT.INT32];
  const ok = want === 'float' ? floatTypes : want === 'int' ? intTypes : [DT.BOOL];
  if (!ok.includes(type)) {
    const expected = { float: 'weights must be FLOAT (DOUBLE and FLOAT16 are converted to FLOAT)', int: 'a shape must be INT64 or INT32', bool: 'a flag must be BOOL' }[want];
    bad(`${label} has data type ${dataTypeName(type)}; ${expected}`, field);
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const typed: ArrayLike<number | Int64> = ({ [DT.FLOAT]: t.floatData, [DT.DOUBLE]: t.doubleData, [DT.FLOAT16]: t.int32Data, [DT.INT32]: t.int32Data, [DT.INT64]: t.int64Data, [DT.BOOL]: t.int32Data } as Record<number, ArrayLike<number | Int64> | null | undefined>)[type] ?? [];
  const fieldName = ({ [DT.FLOAT]: 'float_data', [DT.DOUBLE]: 'double_data', [DT.FLOAT16]: 'int32_data', [DT.INT32]: 'int32_data', [DT.INT64]: 'int64_data', [DT.BOOL]: 'int32_data' } as Record<number, string>)[type]!;
  if (raw && typed.length > 0) bad(`${label} has both raw_data and ${fieldName}; a tensor holds its values in one of them`, field);
  const n = raw ? raw.length / SIZES[type]! : typed.length;
  if (n !== count) {
    bad(`${label} has dims [${dims.join(', ')}] (${count} values) but its ${raw ? `raw_data holds ${raw.length} bytes (${SIZES[type]} per ${dataTypeName(type)} value)` : `${fieldName} holds ${typed.length} values`}`, field);
  }
  if (want !== 'float') {
    const ints: number[] = new Array<number>(count);
    if (raw) {
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < count; i++) {
        ints[i] = type === DT.INT64 ? int64Clamped({ low: dv.getUint32(8 * i, true), high: dv.getInt32(8 * i + 4, true) }) : type === DT.BOOL ? dv.getUint8(i) : dv.getInt32(4 * i, true);
      }
    } else {
      for (let i = 0; i < count; i++) ints[i] = type === DT.INT64 ? int64Clamped(typed[i] as Int64) : Number(typed[i]);
    }
    const badAt = ints.findIndex((v) => !Number.isSafeInteger(v));
    if (badAt >= 0) bad(`${label} value [${badAt}] is not a safe integer`, field);
    return { name, dims, ints };
  }
  const f32 = new Float32Array(count);
  if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) f32[i] = type === DT.FLOAT ? dv.getFloat32(4 * i, true) : type === DT.DOUBLE ? dv.getFloat64(8 * i, true) : halfToFloat(dv.getUint16(2 * i, true));
  } else {
    for (let i = 0; i < count; i++) f32[i] = type === DT.FLOAT16 ? halfToFloat(Number(typed[i]) & 0xffff) : Number(typed[i]);
  }
  const nonFinite = f32.findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) bad(`${label} value [${nonFinite}] is ${f32[nonFinite]}; weights must be finite`, field);
  return { name, dims, f32 };
}

/**
 * A sparse initializer (COO) as a dense f32 tensor plus the set positions (1 = listed).
 * Indices are INT64, either linear [NNZ] or coordinates [NNZ, rank], in range and distinct.
 */
export function readSparseTensor(s: ISparseTensorProto): Tensor & { listed: Uint8Array } {
  if (!s.values) bad('a sparse_initializer has no values tensor', 'sparse_initializer');
  const values = readTensor(s.values, 'float', 'sparse_initializer values');
  const name = values.name;
  const label = `sparse_initializer '${name}'`;
  if (!name) bad('a sparse_initializer has no name (its values tensor names it)', 'sparse_initializer');
  const { dims, count } = readDims(s.dims as Int64[] | null | undefined, label, name);
  if (dims.length === 0) bad(`${label} has no dims`, name);
  const nnz = values.f32!.length;
  if (values.dims.length !== 1) bad(`${label} values must be 1-D [NNZ] (got dims [${values.dims.join(', ')}])`, name);
  if (!s.indices) bad(`${label} has no indices tensor`, name);
  const idx = readTensor(s.indices, 'int', `${label} indices`);
  const linear = idx.dims.length === 1 && idx.dims[0] === nnz;
  const coords = idx.dims.length === 2 && idx.dims[0] === nnz && idx.dims[1] === dims.length;
  if (!linear && !coords) bad(`${label} indices must be [${nnz}] or [${nnz}, ${dims.length}] (got [${idx.dims.join(', ')}])`, name);
  const f32 = new Float32Array(count);
  const listed = new Uint8Array(count);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let j = 0; j < nnz; j++) {
    let at = 0;
    if (linear) {
      at = idx.ints![j]!;
    } else {
      for (let r = 0; r < dims.length; r++) {
        const c = idx.ints![j * dims.length + r]!;
        if (c < 0 || c >= dims[r]!) bad(`${label} index ${j} has coordinate ${c} outside dim ${r} (size ${dims[r]})`, name);
        at += c * strides[r]!;
      }
    }
    if (!(at >= 0 && at < count)) bad(`${label} index ${j} (${at}) is outside its ${count} elements`, name);
    if (listed[at]) bad(`${label} lists position ${at} twice`, name);
    listed[at] = 1;
    f32[at] = values.f32![j]!;
  }
  return { name, dims, f32, listed };
}
