// The bytes of a run link (base64url, deflate): small and without zod, so a link's first frame can read it before the validator loads (linkPeek.ts).

/** Longest run link read at all (characters). */
export const MAX_HASH = 4_000_000;

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream as unknown as ReadableWritablePair<Uint8Array, Uint8Array>));
  return new Uint8Array(await out.arrayBuffer());
}

export const canCompress = (): boolean => typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

/** Whether a hash looks like a run link at all (anything else is left alone). */
export function isRunHash(hash: string): boolean {
  return /^#[zj]=/.test(hash);
}


/** Inflates deflate-raw bytes, giving up (null) once the output passes `max` bytes or the data is damaged. */
export async function inflateBounded(bytes: Uint8Array, max: number): Promise<Uint8Array | null> {
  const r = await inflateLimited(bytes, max);
  return typeof r === 'string' ? null : r;
}

/**
 * Inflates deflate-raw bytes, stopping as soon as the output passes `max` bytes ('too big': a link of a
 * few MB can unpack to GBs, which inflating whole froze the tab for seconds), or 'damaged'.
 */
export async function inflateLimited(bytes: Uint8Array, max: number): Promise<Uint8Array | 'too big' | 'damaged'> {
  try {
    const reader = new Blob([bytes as BlobPart])
      .stream()
      .pipeThrough(new DecompressionStream('deflate-raw') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)
      .getReader();
    const parts: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        void reader.cancel();
        return 'too big';
      }
      parts.push(value);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  } catch {
    return 'damaged';
  }
}
