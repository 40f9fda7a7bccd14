import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { SigningKey, signingKeyFrom } from '../../application/checkpoints';

/** The path with its symbolic links resolved as far as it exists, so a link into the data folder is seen for what it is. */
function real(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : resolve(real(parent), relative(parent, absolute));
}

/** True when `path` is `dir` or lies anywhere below it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(real(dir), real(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Reads an Ed25519 private key (PKCS#8 PEM). */
export function readSigningKey(file: string): SigningKey {
  return signingKeyFrom(createPrivateKey(readFileSync(file)));
}

/** Why the file cannot sign checkpoints, or undefined when it can: checked once at start. */
export function signingKeyProblem(file: string): string | undefined {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    return `must name a readable file (${(error as Error).message})`;
  }
  try {
    signingKeyFrom(createPrivateKey(pem));
    return undefined;
  } catch (error) {
    return `must hold an Ed25519 private key in PEM (npm run audit:keygen -- --out <file> writes one): ${(error as Error).message}`;
  }
}

/** A new key pair: the private key as PKCS#8 PEM, the public key as SPKI PEM, and the key id checkpoints name. */
export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = signingKeyFrom(privateKey);
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: key.keyId,
  };
}
