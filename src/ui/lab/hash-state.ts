// The lab's settings in the URL hash, as in TensorFlow Playground: "#method=random&
// rounds=2&train-samples=1000". Keys are the element's attribute names; only values
// that differ from the defaults are written, so a link stays short and readable.

/** "#a=1&b=x" from attribute values (in the given order; empty strings kept). */
export function encodeHash(values: ReadonlyArray<[string, string]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of values) q.append(k, v);
  const s = q.toString();
  return s ? `#${s}` : '';
}

/** The [key, value] pairs of a hash ("#a=1&b" gives b = ""), keys in order, the last of a repeated key winning. */
export function decodeHash(hash: string): Array<[string, string]> {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const out = new Map<string, string>();
  for (const [k, v] of q) out.set(k, v);
  return [...out];
}
