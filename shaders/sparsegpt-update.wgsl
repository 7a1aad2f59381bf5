// sparsegpt-update: SparseGPT's lazy batch update after a block of columns i1…i2−1
// (columns = the layer's inputs): W[:, c] −= Σ_t E[t, :] · U[i1 + t, c] for every
// input c ≥ i2, with E the block's scaled errors (w − q)/U_ii and U the upper
// Cholesky factor of H⁻¹. One thread per updated weight; one dependent matmul of
// rows × count × (K − i2) per block.
//
// Letters: `rows` outputs, K inputs, `count` columns in the block. E is count×rows
// (row-major), U is K×K (row-major). Weight (row, col) lies at row·rowStride +
// col·colStride (Linear K×N storage: 1 and N; conv F×(C·k·k): C·k·k and 1).
// Bindings: 0 uniform Params, 1 E f32[count·rows], 2 U f32[K·K], 3 W f32 (rewritten).
// Dispatch: (ceil(rows / WG), K − i2) workgroups of WG.

override WG: u32 = 64u;

struct Params { rows: u32, K: u32, i1: u32, i2: u32, count: u32, rowStride: u32, colStride: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> e: array<f32>;
@group(0) @binding(2) var<storage, read> u: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  let col = p.i2 + gid.y;
  if (row >= p.rows || col >= p.K) { return; }
  var acc = 0.0;
  for (var t = 0u; t < p.count; t++) {
    acc += e[t * p.rows + row] * u[(p.i1 + t) * p.K + col];
  }
  let at = row * p.rowStride + col * p.colStride;
  w[at] = w[at] - acc;
}
