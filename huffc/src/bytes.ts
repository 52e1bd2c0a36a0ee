/** Growable byte buffer used for code generation. */
export class ByteBuf {
  buf: Uint8Array;
  len = 0;
  constructor(initial = 4096) {
    this.buf = new Uint8Array(initial);
  }
  private grow(extra: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  push(b: number): void {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = b;
  }
  push3(a: number, b: number, c: number): void {
    if (this.len + 3 > this.buf.length) this.grow(3);
    this.buf[this.len++] = a;
    this.buf[this.len++] = b;
    this.buf[this.len++] = c;
  }
  pushBytes(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) this.grow(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }
  /** Appends `n` zero bytes (placeholders). */
  skip(n: number): void {
    if (this.len + n > this.buf.length) this.grow(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

/** Even-length hex digits → bytes. */
export function hexToBytes(digits: string): Uint8Array {
  const out = new Uint8Array(digits.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.substr(2 * i, 2), 16);
  return out;
}

export const MAX_U256 = (1n << 256n) - 1n;

/** Big-endian bytes of `v` without leading zero bytes; zero gives one byte `00`. */
export function minimalBytes(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array([0]);
  let h = v.toString(16);
  if (h.length & 1) h = '0' + h;
  return hexToBytes(h);
}

/** `v` as exactly `n` big-endian bytes (v must fit). */
export function fixedBytes(v: bigint, n: number): Uint8Array {
  return hexToBytes(v.toString(16).padStart(2 * n, '0'));
}
