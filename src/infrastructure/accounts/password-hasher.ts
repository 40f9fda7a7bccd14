import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { normalizePassword } from '../../domain/accounts/password-policy';

/**
 * Password hashes for local accounts: scrypt (memory-hard, in node:crypto, run on libuv's thread pool so
 * the event loop keeps serving), stored as a PHC-style string that names its own parameters,
 *
 *   $scrypt$ln=15,r=8,p=1$<salt, base64 without padding>$<key, base64 without padding>
 *
 * so parameters can be raised later: a stored hash keeps verifying with the parameters it names, and
 * `needsRehash` tells the sign-in to store a new hash once the password has been verified.
 *
 * The password is NFKC-normalised first, as the password policy counts it, so full-width and half-width
 * input of the same password agree.
 */

export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  readonly ln: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
}

/**
 * N = 2^15, r = 8, p = 1: 32 MiB per hash. That is below the OWASP Password Storage Cheat Sheet's minimum
 * (2^17, r=8, p=1, or the equally strong 2^15, r=8, p=3); raising `p` or `ln` here is all it takes, since
 * stored hashes name their parameters and `needsRehash` upgrades them at the next sign-in.
 */
export const CURRENT_COST: ScryptCost = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Bounds on what a stored string may ask for: anything outside is malformed, so a corrupted or planted
 * row cannot make a verification allocate gigabytes or run for minutes.
 */
const LIMITS = { ln: { min: 10, max: 20 }, r: { min: 1, max: 32 }, p: { min: 1, max: 16 }, saltBytes: { min: 8, max: 64 }, keyBytes: { min: 16, max: 64 } };
/** 128·N·r bytes of memory at most: 256 MiB, eight times today's. */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
/** N·r·p at most: sixteen times today's work. */
const MAX_WORK = 2 ** 22;

function acceptableCost({ ln, r, p }: ScryptCost): boolean {
  if (!within(ln, LIMITS.ln) || !within(r, LIMITS.r) || !within(p, LIMITS.p)) return false;
  return 128 * 2 ** ln * r <= MAX_MEMORY_BYTES && 2 ** ln * r * p <= MAX_WORK;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface Parsed extends ScryptCost {
  readonly salt: Buffer;
  readonly key: Buffer;
}

/**
 * scrypt needs 128·r·(N + 2) bytes plus 128·r·p (OpenSSL's check); Node's default ceiling, 32 MiB, is
 * just too small for N = 2^15, r = 8, so the ceiling follows the parameters, with a little to spare.
 */
function scryptOptions(cost: ScryptCost): ScryptOptions {
  const N = 2 ** cost.ln;
  return { N, r: cost.r, p: cost.p, maxmem: 128 * cost.r * (N + 2 + cost.p) + 1024 * 1024 };
}

function scrypt(password: string, salt: Buffer, keyBytes: number, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(normalizePassword(password), salt, keyBytes, scryptOptions(cost), (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function within(value: number, { min, max }: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** The parts of a stored hash, or undefined when it is not one this hasher wrote or could have written. */
function parse(stored: unknown): Parsed | undefined {
  if (typeof stored !== 'string') return undefined;
  const match = PHC.exec(stored);
  if (!match) return undefined;
  const [ln, r, p] = [match[1], match[2], match[3]].map(Number);
  // Canonical base64 only: the length of an unpadded encoding is never 1 modulo 4.
  if (match[4].length % 4 === 1 || match[5].length % 4 === 1) return undefined;
  const salt = Buffer.from(match[4], 'base64');
  const key = Buffer.from(match[5], 'base64');
  if (b64(salt) !== match[4] || b64(key) !== match[5]) return undefined;
  if (!acceptableCost({ ln, r, p })) return undefined;
  if (!within(salt.length, LIMITS.saltBytes) || !within(key.length, LIMITS.keyBytes)) return undefined;
  return { ln, r, p, salt, key };
}

export class PasswordHasher {
  private readonly cost: ScryptCost;
  /** A fixed stand-in for an account that does not exist: same parameters, same lengths as a real hash. */
  private readonly dummy: Parsed;

  constructor(cost: ScryptCost = CURRENT_COST) {
    if (!acceptableCost(cost)) {
      throw new RangeError(`scrypt cost out of range: ln=${cost.ln}, r=${cost.r}, p=${cost.p}`);
    }
    this.cost = { ...cost };
    this.dummy = { ...this.cost, salt: randomBytes(SALT_BYTES), key: randomBytes(KEY_BYTES) };
  }

  /** A new hash of `password` with a fresh random salt and the current parameters. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await scrypt(password, salt, KEY_BYTES, this.cost);
    return `$scrypt$ln=${this.cost.ln},r=${this.cost.r},p=${this.cost.p}$${b64(salt)}$${b64(key)}`;
  }

  /**
   * Whether `password` is the one `stored` was made from, comparing in constant time. A stored value
   * that is not a well-formed hash (empty, truncated, another algorithm, absurd parameters) is false,
   * never an exception: the caller answers "wrong account or password" either way.
   */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    return this.compare(password, parsed);
  }

  /**
   * Costs what a verification costs and is always false: call it when the account is unknown (or has no
   * local password), so the answer takes as long as for a wrong password and does not tell, by timing,
   * which accounts exist.
   */
  async dummyVerify(password = ''): Promise<false> {
    await this.compare(password, this.dummy);
    return false;
  }

  /**
   * Whether `stored` should be replaced by a new hash after a successful verification: its parameters or
   * lengths are below the current ones, or it is not a hash this hasher can read.
   */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (!parsed) return true;
    return parsed.ln < this.cost.ln || parsed.r < this.cost.r || parsed.p < this.cost.p || parsed.salt.length < SALT_BYTES || parsed.key.length < KEY_BYTES;
  }

  private async compare(password: string, stored: Parsed): Promise<boolean> {
    const key = await scrypt(password, stored.salt, stored.key.length, stored);
    return timingSafeEqual(key, stored.key);
  }
}
