import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 16 * 1024;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

/**
 * `size` bytes from the platform CSPRNG (`randomFillSync`), drawn from a pool refilled 16 KiB at a time: one
 * call into OpenSSL per few hundred IVs and keys instead of one each (the same thing Node does for
 * `randomUUID`). Every byte is handed out once; the result is a copy, so callers may keep it.
 */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
