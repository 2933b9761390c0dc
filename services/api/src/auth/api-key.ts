import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'ras';
const PATTERN = /^ras_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A freshly minted API key: the plain key is shown once; only the hash is stored. */
export interface MintedKey {
  readonly id: string;
  readonly key: string;
  readonly secretHash: string;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Mints a key `ras_<id>_<secret>`: the id finds the stored row, the 256-bit random secret is
 * checked against its SHA-256 hash (a slow password hash adds nothing for secrets this long).
 */
export function mintApiKey(id: string): MintedKey {
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `${PREFIX}_${id.replaceAll('-', '')}_${secret}`, secretHash: sha256(secret).toString('hex') };
}

/** Splits a presented key into its id and secret, or `null` when it is not shaped like one. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = PATTERN.exec(key);
  if (!match) return null;
  const [, hex = '', secret = ''] = match;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, secret };
}

/** Compares a presented secret with a stored hash (decoded from its hex) in constant time. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = sha256(secret);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}

/** Compares two strings (e.g. the operator token) in constant time. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/**
 * Compares two strings in time that depends on their length only, not on where they differ
 * (secrets of a fixed shape, so the length says nothing).
 */
export function textsMatch(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
