/** Approximate size in bytes of an IPC payload: typed arrays by byteLength, the rest as JSON text. */
export function payloadSize(value: unknown, budget = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0 && total <= budget) {
    const v = stack.pop();
    if (v === null || v === undefined) total += 4;
    else if (typeof v === 'string') total += v.length * 2 + 2;
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') total += 8;
    else if (ArrayBuffer.isView(v)) total += v.byteLength;
    else if (v instanceof ArrayBuffer) total += v.byteLength;
    else if (typeof v === 'object') {
      if (seen.has(v)) continue;
      seen.add(v);
      if (Array.isArray(v)) {
        total += 2;
        for (const item of v) stack.push(item);
      } else {
        for (const [key, item] of Object.entries(v)) {
          total += key.length * 2 + 4;
          stack.push(item);
        }
      }
    } else total += 8;
  }
  return total;
}
