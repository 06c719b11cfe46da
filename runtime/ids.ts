import { randomFillSync } from 'node:crypto';

// Ids made per invocation (trace ids, captured event ids) come from a pooled random buffer: one
// randomBytes call per id would cost more than a short pipeline run.

const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomSlice(bytes: number): Buffer {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += bytes;
  return pool.subarray(offset - bytes, offset);
}

/** 32 lowercase hex characters, as OTLP trace ids are. */
export function newTraceId(): string {
  return randomSlice(16).toString('hex');
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `evt_` + a ULID (48-bit time, 80 random bits, Crockford base32): ids sort by capture time. */
export function newEventId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = crockford.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const random = randomSlice(10);
  let bits = 0;
  let value = 0;
  let tail = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += crockford.charAt((value >> bits) & 31);
    }
    value &= (1 << bits) - 1;
  }
  return `evt_${time}${tail}`;
}
