import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { DocumentRejectedError, DocumentStore, FolderDocumentStore } from '../../src/infrastructure/documents/document-store';
import { PostgresDocumentStore } from '../../src/infrastructure/documents/postgres-document-store';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';

const PDF = (text: string) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(text)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const upload = (by: string, name: string) => ({ by, org: 'school-a', name, at: '2027-09-02T02:00:00.000Z' });
const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

interface Made {
  readonly stores: readonly [DocumentStore, DocumentStore];
  readonly dispose: () => Promise<void>;
}

/** Two stores over the same place (two instances' views), for each kind of store. */
const KINDS: readonly [string, (maxBytes: number) => Made][] = [
  [
    'the data folder',
    (maxBytes) => {
      const dir = mkdtempSync(join(tmpdir(), 'als-documents-'));
      return { stores: [new FolderDocumentStore(dir, maxBytes), new FolderDocumentStore(dir, maxBytes)], dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    (maxBytes) => {
      const schema = freshSchema('documents');
      const make = () => new PostgresDocumentStore({ connectionString: TEST_DATABASE_URL, schema, maxBytes });
      const stores = [make(), make()] as const;
      return {
        stores,
        dispose: async () => {
          await Promise.all(stores.map((s) => s.onApplicationShutdown()));
          await dropSchema(schema);
        },
      };
    },
  ],
];

describe.each(KINDS)('documents in %s', (_kind, make) => {
  let made: Made;
  beforeEach(() => {
    made = make(64 * 1024);
  });
  afterEach(() => made.dispose());

  it('keeps a document once under its hash, every upload of it, readable through another instance', async () => {
    const [one, other] = made.stores;
    const bytes = PDF('申报书');
    const stored = await one.save(Readable.from([bytes]), 'application/pdf', upload('u-1', '申报书.pdf'));
    expect(stored).toEqual({ sha256: sha(bytes), size: bytes.length, mediaType: 'application/pdf' });
    expect(await other.save(Readable.from([bytes]), 'application/pdf', upload('u-2', '副本.pdf'))).toEqual(stored);
    expect(await other.describe(stored.sha256)).toEqual(stored);
    expect((await one.uploadsOf(stored.sha256)).map((u) => [u.by, u.name])).toEqual([
      ['u-1', '申报书.pdf'],
      ['u-2', '副本.pdf'],
    ]);
    expect(await read(await other.open(stored.sha256))).toEqual(bytes);
    await expect(other.verifyReferences([{ sha256: stored.sha256, size: bytes.length, name: 'x.pdf' }])).resolves.toBeUndefined();
  });

  it('refuses what is not the type it says, too large, or cited but never uploaded or of another size, storing nothing', async () => {
    const [one] = made.stores;
    const refusal = async (promise: Promise<unknown>) => ((await promise.then(() => undefined, (error: unknown) => error)) as DocumentRejectedError | undefined)?.code;
    expect(await refusal(one.save(Readable.from([Buffer.from('plain text')]), 'application/pdf', upload('u-1', 'a.pdf')))).toBe('unsupported-document-type');
    expect(await refusal(one.save(Readable.from([PDF('x')]), 'text/html', upload('u-1', 'a.html')))).toBe('unsupported-document-type');
    const large = PDF('x'.repeat(64 * 1024));
    expect(await refusal(one.save(Readable.from([large]), 'application/pdf', upload('u-1', 'big.pdf')))).toBe('document-too-large');
    expect(await one.describe(sha(large))).toBeUndefined();
    expect(await one.describe('not-a-hash')).toBeUndefined();
    expect(await one.uploadsOf('../../etc/passwd')).toEqual([]);
    const kept = await one.save(Readable.from([PDF('y')]), 'application/pdf', upload('u-1', 'y.pdf'));
    expect(await refusal(one.verifyReferences([{ sha256: sha(large), size: large.length, name: 'big.pdf' }]))).toBe('unknown-document');
    expect(await refusal(one.verifyReferences([{ sha256: kept.sha256, size: kept.size + 1, name: 'y.pdf' }]))).toBe('document-mismatch');
  });
});
