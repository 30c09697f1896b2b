/**
 * What production asks of `GATE_SECRET` and `GATE_ADMIN_KEY`, besides their length: not a
 * value anyone could read somewhere, and not one anyone could guess.
 *
 * - **Known values** are refused: the development secret below and every value written for
 *   either variable in the repository's docs, examples and tests (`test/secrets.test.ts` reads
 *   the repository and fails when a new one is missing here).
 * - **Low entropy** is refused: fewer than 10 different characters, or fewer than 96 bits by
 *   the Shannon entropy of its characters (length × the entropy of their frequencies). `a` × 32
 *   has 1 character and 0 bits; 32 random hex digits (`openssl rand -hex 16`) have about 115
 *   bits; `openssl rand -base64 48` about 340. Ten and not sixteen characters: hex digits are
 *   only sixteen, and 32 random ones often repeat some.
 */

/** Used in development when `GATE_SECRET` is unset; refused in production. */
export const DEV_SECRET = 'tour-gate-development-secret-do-not-use-in-production';

const KNOWN_SECRETS = new Set([
  DEV_SECRET,
  // The test harness's (packages/gate-server/test/harness.ts).
  'test-secret-0123456789abcdef0123456789abcdef',
  // The fault suite's (packages/gate-server/test/faults/cluster.ts).
  'fault-suite-secret-7c1e4f9a2b6d8e0f3a5c7e9b1d3f5a7c',
]);

const MIN_DISTINCT = 10;
const MIN_BITS = 96;

/** Length × the Shannon entropy of the character frequencies, in bits. */
function entropyBits(value: string): { distinct: number; bits: number } {
  const chars = [...value];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return { distinct: counts.size, bits: perChar * chars.length };
}

/** The problems of a secret for production, each a sentence naming the variable; none: []. */
export function secretProblems(name: string, value: string): string[] {
  const advice = 'generate one, e.g. with `openssl rand -base64 48`';
  if (KNOWN_SECRETS.has(value)) {
    return [`${name} is a known value (the development secret or one written in the repository); ${advice}`];
  }
  const { distinct, bits } = entropyBits(value);
  if (distinct < MIN_DISTINCT || bits < MIN_BITS) {
    return [
      `${name} is too easy to guess: ${distinct} different character${distinct === 1 ? '' : 's'}, about ${Math.round(bits)} bits ` +
        `of entropy (at least ${MIN_DISTINCT} different characters and ${MIN_BITS} bits); ${advice}`,
    ];
  }
  return [];
}
