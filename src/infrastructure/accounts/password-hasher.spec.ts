import { performance } from 'node:perf_hooks';
import { CURRENT_COST, PasswordHasher } from './password-hasher';

const PHC = /^\$scrypt\$ln=15,r=8,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

describe('password hasher', () => {
  const hasher = new PasswordHasher();
  let stored: string;
  beforeAll(async () => {
    stored = await hasher.hash('correct horse battery staple');
  });

  it('writes a PHC string naming scrypt, its parameters, a 16-byte salt and a 32-byte key', async () => {
    expect(CURRENT_COST).toEqual({ ln: 15, r: 8, p: 1 });
    const match = PHC.exec(stored);
    expect(match).not.toBeNull();
    expect(Buffer.from(match![1], 'base64')).toHaveLength(16);
    expect(Buffer.from(match![2], 'base64')).toHaveLength(32);
    const again = await hasher.hash('correct horse battery staple');
    expect(again).not.toBe(stored);
    expect(PHC.exec(again)![1]).not.toBe(match![1]);
  });

  it('verifies the right password and refuses a wrong one, even one character off', async () => {
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapl', stored)).resolves.toBe(false);
    await expect(hasher.verify('Correct horse battery staple', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
  });

  it('verifies a password typed full-width against the same password chosen half-width', async () => {
    const ascii = await hasher.hash('shanxi taiyuan 2025');
    await expect(hasher.verify('ｓｈａｎｘｉ　ｔａｉｙｕａｎ　２０２５', ascii)).resolves.toBe(true);
  });

  it('answers false, never throws, for a stored value that is not a well-formed hash', async () => {
    const [, , params, salt, key] = stored.split('$');
    const flipped = key[0] === 'A' ? `B${key.slice(1)}` : `A${key.slice(1)}`;
    const malformed = [
      '',
      'correct horse battery staple',
      '$scrypt$',
      `$scrypt$${params}$${salt}`,
      `$scrypt$${params}$${salt}$`,
      `$scrypt$${params}$${salt}$${key.slice(0, 21)}`,
      `$scrypt$${params}$${salt}$${key}=`,
      `$scrypt$${params}$${salt}$${key}$`,
      `$scrypt$${params}$!!!!$${key}`,
      `$scrypt$ln=99,r=8,p=1$${salt}$${key}`,
      `$scrypt$ln=30,r=8,p=1$${salt}$${key}`,
      `$scrypt$ln=15,r=0,p=1$${salt}$${key}`,
      // Each within its own bound, together 4 GiB of memory or 256 times today's work.
      `$scrypt$ln=20,r=32,p=1$${salt}$${key}`,
      `$scrypt$ln=17,r=16,p=16$${salt}$${key}`,
      `$scrypt$ln=15,r=8$${salt}$${key}`,
      `$argon2id$v=19$m=65536,t=3,p=4$${salt}$${key}`,
      `$scrypt$ln=15,r=8,p=1$${salt.slice(0, 4)}$${key}`,
      undefined as unknown as string,
      null as unknown as string,
    ];
    const started = performance.now();
    for (const bad of malformed) {
      await expect(hasher.verify('correct horse battery staple', bad)).resolves.toBe(false);
    }
    // Refused before any scrypt runs: the absurd parameters alone would take many seconds.
    expect(performance.now() - started).toBeLessThan(1000);
    // Well-formed but altered: the comparison itself fails.
    await expect(hasher.verify('correct horse battery staple', `$scrypt$${params}$${salt}$${flipped}`)).resolves.toBe(false);
  });

  it('keeps verifying a hash made with older, cheaper parameters, and asks for a rehash of it', async () => {
    const older = await new PasswordHasher({ ln: 14, r: 8, p: 1 }).hash('correct horse battery staple');
    expect(older).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
    await expect(hasher.verify('correct horse battery staple', older)).resolves.toBe(true);
    expect(hasher.needsRehash(older)).toBe(true);
    expect(hasher.needsRehash(stored)).toBe(false);
    expect(hasher.needsRehash(stored.replace('r=8', 'r=4'))).toBe(true);
    expect(hasher.needsRehash(stored.replace('r=8', 'r=16'))).toBe(false);
    expect(hasher.needsRehash('$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')).toBe(true);
    expect(hasher.needsRehash('')).toBe(true);
    // A stronger hasher finds today's hashes too weak.
    expect(new PasswordHasher({ ln: 15, r: 8, p: 2 }).needsRehash(stored)).toBe(true);
  });

  it('refuses to be built with parameters it would itself call malformed', () => {
    expect(() => new PasswordHasher({ ln: 40, r: 8, p: 1 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ ln: 15, r: 0, p: 1 })).toThrow(RangeError);
  });

  it('has a dummy verification, for unknown accounts, that is false and costs about what a real one costs', async () => {
    await expect(hasher.dummyVerify('correct horse battery staple')).resolves.toBe(false);
    await expect(hasher.dummyVerify()).resolves.toBe(false);
    const median = async (work: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        await work();
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[2];
    };
    const real = await median(() => hasher.verify('wrong password, wrong!', stored));
    const dummy = await median(() => hasher.dummyVerify('wrong password, wrong!'));
    // Loose bounds, for a shared machine: a dummy that skipped scrypt would take well under a millisecond.
    expect(dummy).toBeGreaterThan(real / 3);
    expect(dummy).toBeLessThan(real * 3);
  });
});
