// Minimal Keccak-256 (the Ethereum variant, padding 0x01), dependency free so the CLI starts fast.
// 64-bit lanes are kept as pairs of 32-bit halves (lo/hi) in a Uint32Array.

const RC_LO = new Uint32Array(24);
const RC_HI = new Uint32Array(24);
const ROT = new Uint8Array(25);
const PI = new Uint8Array(25);

(function init(): void {
  // Round constants via the LFSR from the Keccak reference.
  let r = 1;
  for (let round = 0; round < 24; round++) {
    let lo = 0;
    let hi = 0;
    for (let j = 0; j < 7; j++) {
      r = ((r << 1) ^ ((r >> 7) * 0x71)) & 0xff;
      if (r & 2) {
        const bit = (1 << j) - 1;
        if (bit < 32) lo ^= 1 << bit;
        else hi ^= 1 << (bit - 32);
      }
    }
    RC_LO[round] = lo >>> 0;
    RC_HI[round] = hi >>> 0;
  }
  // Rotation offsets and pi permutation.
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    ROT[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    const nx = y;
    const ny = (2 * x + 3 * y) % 5;
    x = nx;
    y = ny;
  }
  for (let px = 0; px < 5; px++) for (let py = 0; py < 5; py++) PI[px + 5 * py] = py + 5 * ((2 * px + 3 * py) % 5);
})();

function keccakF(s: Uint32Array): void {
  const c = new Uint32Array(10);
  const b = new Uint32Array(50);
  for (let round = 0; round < 24; round++) {
    // theta
    for (let x = 0; x < 5; x++) {
      c[2 * x] = s[2 * x]! ^ s[2 * x + 10]! ^ s[2 * x + 20]! ^ s[2 * x + 30]! ^ s[2 * x + 40]!;
      c[2 * x + 1] = s[2 * x + 1]! ^ s[2 * x + 11]! ^ s[2 * x + 21]! ^ s[2 * x + 31]! ^ s[2 * x + 41]!;
    }
    for (let x = 0; x < 5; x++) {
      const x1 = (x + 1) % 5;
      const x4 = (x + 4) % 5;
      const lo = c[2 * x4]! ^ ((c[2 * x1]! << 1) | (c[2 * x1 + 1]! >>> 31));
      const hi = c[2 * x4 + 1]! ^ ((c[2 * x1 + 1]! << 1) | (c[2 * x1]! >>> 31));
      for (let y = 0; y < 25; y += 5) {
        s[2 * (x + y)] = s[2 * (x + y)]! ^ lo;
        s[2 * (x + y) + 1] = s[2 * (x + y) + 1]! ^ hi;
      }
    }
    // rho + pi: b[PI[i]] = rot(s[i], ROT[i])
    for (let i = 0; i < 25; i++) {
      const lo = s[2 * i]!;
      const hi = s[2 * i + 1]!;
      const r = ROT[i]!;
      let nlo: number;
      let nhi: number;
      if (r === 0) {
        nlo = lo;
        nhi = hi;
      } else if (r < 32) {
        nlo = (lo << r) | (hi >>> (32 - r));
        nhi = (hi << r) | (lo >>> (32 - r));
      } else if (r === 32) {
        nlo = hi;
        nhi = lo;
      } else {
        const q = r - 32;
        nlo = (hi << q) | (lo >>> (32 - q));
        nhi = (lo << q) | (hi >>> (32 - q));
      }
      const d = PI[i]!;
      b[2 * d] = nlo;
      b[2 * d + 1] = nhi;
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const i = x + y;
        const i1 = ((x + 1) % 5) + y;
        const i2 = ((x + 2) % 5) + y;
        s[2 * i] = b[2 * i]! ^ (~b[2 * i1]! & b[2 * i2]!);
        s[2 * i + 1] = b[2 * i + 1]! ^ (~b[2 * i1 + 1]! & b[2 * i2 + 1]!);
      }
    }
    // iota
    s[0] = s[0]! ^ RC_LO[round]!;
    s[1] = s[1]! ^ RC_HI[round]!;
  }
}

/** Keccak-256 of `data`, 32 bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  const rate = 136;
  const s = new Uint32Array(50);
  const padded = new Uint8Array(Math.floor(data.length / rate) * rate + rate);
  padded.set(data);
  padded[data.length] = padded[data.length]! ^ 0x01;
  padded[padded.length - 1] = padded[padded.length - 1]! ^ 0x80;
  for (let off = 0; off < padded.length; off += rate) {
    for (let i = 0; i < rate / 4; i++) {
      const p = off + 4 * i;
      s[i] = s[i]! ^ (padded[p]! | (padded[p + 1]! << 8) | (padded[p + 2]! << 16) | (padded[p + 3]! << 24));
    }
    keccakF(s);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const w = s[i]!;
    out[4 * i] = w & 0xff;
    out[4 * i + 1] = (w >>> 8) & 0xff;
    out[4 * i + 2] = (w >>> 16) & 0xff;
    out[4 * i + 3] = (w >>> 24) & 0xff;
  }
  return out;
}

/** Keccak-256 of the UTF-8 bytes of `text`. */
export function keccakText(text: string): Uint8Array {
  return keccak256(new TextEncoder().encode(text));
}
