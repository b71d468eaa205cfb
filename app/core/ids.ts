/**
 * Time-ordered ids (UUID version 7) keep inserts append-only in the store's indexes. Random bits
 * come from a pool refilled 4 KiB at a time: asking the system for 10 bytes per id costs more
 * than the rest of making one. Ids made in the same millisecond stay in order through a counter.
 */
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** The two hex digits of each byte value, as character codes. */
const HIGH_DIGIT = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(0));
const LOW_DIGIT = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(1));
const DASH = 45;

/**
 * The id's characters, filled in place and made into one flat string at once: joining 20 pieces
 * with + builds a chain of partial strings that every use of the id then has to flatten.
 */
const chars = new Array<number>(36).fill(DASH);

function putByte(at: number, byte: number): void {
  chars[at] = HIGH_DIGIT[byte];
  chars[at + 1] = LOW_DIGIT[byte];
}

let lastMs = -1;
let counter = 0;

function take(count: number): number {
  if (poolOffset + count > POOL_BYTES) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += count;
  return at;
}

export function newId(): string {
  let ms = Date.now();
  const r = take(10);
  if (ms > lastMs) {
    lastMs = ms;
    // Start low in the 12-bit counter so many ids fit in one millisecond.
    counter = ((pool[r] & 0x07) << 8) | pool[r + 1];
  } else {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      lastMs = ++ms;
      counter = 0;
    }
  }
  const hi = Math.floor(ms / 0x1000000);
  const lo = ms % 0x1000000;
  putByte(0, (hi >>> 16) & 0xff);
  putByte(2, (hi >>> 8) & 0xff);
  putByte(4, hi & 0xff);
  putByte(6, (lo >>> 16) & 0xff);
  putByte(9, (lo >>> 8) & 0xff);
  putByte(11, lo & 0xff);
  putByte(14, 0x70 | (counter >>> 8));
  putByte(16, counter & 0xff);
  putByte(19, 0x80 | (pool[r + 2] & 0x3f));
  putByte(21, pool[r + 3]);
  for (let i = 0; i < 6; i++) putByte(24 + 2 * i, pool[r + 4 + i]);
  return String.fromCharCode.apply(null, chars);
}
