import seedrandom from 'seedrandom';

/** A seeded source of randomness, so that a scenario and its faults can be replayed from its seed. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] (both included). */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Key drawn with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  hex(length: number): string;
  shuffle<T>(items: T[]): T[];
}

const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function createRandom(seed: number | string): Random {
  const prng = seedrandom(String(seed));
  const next = (): number => prng();
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (probability) => probability > 0 && next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick() from an empty list');
      return items[int(0, items.length - 1)];
    },
    weighted: (weights) => {
      const entries = Object.entries(weights) as [keyof typeof weights & string, number][];
      const total = entries.reduce((sum, [, weight]) => sum + Math.max(0, weight), 0);
      if (total <= 0) throw new Error('weighted() needs at least one positive weight');
      let roll = next() * total;
      for (const [key, weight] of entries) {
        roll -= Math.max(0, weight);
        if (roll < 0) return key;
      }
      return entries[entries.length - 1][0];
    },
    hex: (length) => {
      let out = '';
      while (out.length < length) {
        const word = prng.int32();
        out +=
          BYTE_HEX[word & 0xff] +
          BYTE_HEX[(word >>> 8) & 0xff] +
          BYTE_HEX[(word >>> 16) & 0xff] +
          BYTE_HEX[word >>> 24];
      }
      return out.length === length ? out : out.slice(0, length);
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i -= 1) {
        const j = int(0, i);
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
}
