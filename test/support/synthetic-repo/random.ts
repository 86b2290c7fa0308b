/**
 * Seeded pseudo-random numbers for the synthetic repository (mulberry32), plus the random-looking
 * version and digest strings built from them. Pure and deterministic for a seed; no other randomness source.
 */

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  shuffle<T>(xs: readonly T[]): T[];
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)] as T,
    shuffle: <T>(xs: readonly T[]) => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
  };
}

export function version(rng: Rng): string {
  return `${rng.int(0, 12)}.${rng.int(0, 40)}.${rng.int(0, 15)}`;
}

export function digest(rng: Rng): string {
  let out = "";
  for (let i = 0; i < 8; i++)
    out += Math.floor(rng.next() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return out;
}
