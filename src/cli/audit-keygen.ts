import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKey, isInside } from '../infrastructure/audit/signing-key';

const USAGE = [
  'Creates the Ed25519 key that signs the audit checkpoints of the log; prints its public key on stdout.',
  '',
  'usage: npm run -s audit:keygen -- --out <file>',
  '',
  '  --out <file>   required: where the private key is written (PKCS#8 PEM, mode 0600); never overwritten.',
  '                 It must be outside the data folder (DATA_DIR, ./data by default): whoever can write the',
  '                 data folder must not be able to sign. Point AUDIT_SIGNING_KEY_FILE at it.',
  '  --help         prints this text',
  '',
  'Give the printed public key and key id to the auditor: with them a checkpoint can be checked without the',
  'service (docs/audit.md).',
].join('\n');

function main(): number {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) {
    process.stderr.write(`missing --out\n\n${USAGE}\n`);
    return 2;
  }
  const out = resolve(values.out);
  const dataDir = resolve(process.env.DATA_DIR || './data');
  if (isInside(out, dataDir)) {
    process.stderr.write(`refused: ${out} is inside the data folder ${dataDir}; keep the key where the data folder's writers cannot reach it\n`);
    return 2;
  }
  const key = generateSigningKey();
  try {
    writeFileSync(out, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    process.stderr.write(`could not write ${out}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`private key written to ${out}; set AUDIT_SIGNING_KEY_FILE=${out}\nkey id ${key.keyId}; public key:\n`);
  process.stdout.write(key.publicKeyPem);
  return 0;
}

process.exitCode = main();
