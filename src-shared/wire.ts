/**
 * JSON encoding for the WebSocket transport. Typed arrays travel as {"$bytes": base64} so that the
 * same payloads Electron's structured clone carries natively survive JSON.
 */
const BYTES_KEY = '$bytes';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { [BYTES_KEY]: toBase64(v) };
    if (ArrayBuffer.isView(v)) {
      const view = v as ArrayBufferView;
      return { [BYTES_KEY]: toBase64(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)) };
    }
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && keys[0] === BYTES_KEY && typeof record[BYTES_KEY] === 'string') {
        return fromBase64(record[BYTES_KEY]);
      }
    }
    return v;
  });
}

/** Messages of the WebSocket protocol. */
export type ClientMessage = { kind: 'call'; id: number; channel: string; input: unknown };
export type ServerMessage =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'event'; event: string; payload: unknown }
  | { kind: 'error'; error: { code: string; message: string } };
