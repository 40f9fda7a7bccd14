import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CitedDocuments } from '../../application/documents';
import { DocumentRef } from '../../domain/messages';

export interface StoredDocument {
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
}

/** Media types accepted, each with the leading bytes its files must start with. */
const SIGNATURES: Record<string, readonly number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};
export const ALLOWED_MEDIA_TYPES = Object.keys(SIGNATURES);

/** Who uploaded a document, under which file name: a document is readable by its uploaders. */
export interface Upload {
  readonly by: string;
  readonly org: string;
  readonly name: string;
  readonly at: string;
}

export class DocumentRejectedError extends Error {
  constructor(
    readonly code: 'unsupported-document-type' | 'document-too-large' | 'unknown-document' | 'document-mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'DocumentRejectedError';
  }
}

/**
 * Uploaded files, content-addressed: a file is kept under the SHA-256 of its bytes, so it is stored once
 * however often it is uploaded, and a hash cited in an event proves which bytes were meant. What is
 * checked of an upload (its type by its first bytes, its size) is checked here; where the bytes live is
 * the subclass's: the data folder (FolderDocumentStore, the embedded default) or PostgreSQL beside the
 * events (PostgresDocumentStore), which every instance on one store reaches.
 */
export abstract class DocumentStore implements CitedDocuments {
  constructor(readonly maxBytes: number) {}

  async save(content: Readable, mediaType: string, upload: Upload): Promise<StoredDocument> {
    const signature = SIGNATURES[mediaType];
    if (!signature) {
      content.resume();
      throw new DocumentRejectedError('unsupported-document-type', `${mediaType} is not accepted; send one of ${ALLOWED_MEDIA_TYPES.join(', ')}`);
    }
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of content as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBytes) {
        content.resume();
        throw new DocumentRejectedError('document-too-large', `documents are limited to ${this.maxBytes} bytes`);
      }
      hash.update(chunk);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    if (!signature.every((byte, i) => bytes[i] === byte)) {
      throw new DocumentRejectedError('unsupported-document-type', `the file's content is not ${mediaType}`);
    }
    const stored: StoredDocument = { sha256: hash.digest('hex'), size, mediaType };
    await this.keep(stored, bytes, upload);
    return stored;
  }

  /** Every recorded upload of the document, oldest first (none for files stored before uploads were recorded). */
  abstract uploadsOf(sha256: string): Promise<Upload[]>;

  /** The document under this hash, if one was uploaded. */
  abstract describe(sha256: string): Promise<StoredDocument | undefined>;

  /** The bytes of a document `describe` found. */
  abstract open(sha256: string): Promise<Readable>;

  /** Every cited document must have been uploaded, with the size the citation claims. */
  async verifyReferences(refs: readonly DocumentRef[]): Promise<void> {
    for (const ref of refs) {
      const stored = await this.describe(ref.sha256);
      if (!stored) throw new DocumentRejectedError('unknown-document', `no document with sha256 ${ref.sha256} was uploaded`);
      if (stored.size !== ref.size) {
        throw new DocumentRejectedError('document-mismatch', `document ${ref.sha256} has ${stored.size} bytes, not ${ref.size}`);
      }
    }
  }

  /** Stores the bytes under their hash unless they are there already, and records the upload either way. */
  protected abstract keep(stored: StoredDocument, bytes: Buffer, upload: Upload): Promise<void>;
}

/** A hash as the stores name files by: 64 lower-case hex digits, nothing else reaches a path or a query. */
export const isSha256 = (value: string): boolean => /^[0-9a-f]{64}$/.test(value);

/** Documents in the data folder (`documents/`), the embedded default. */
export class FolderDocumentStore extends DocumentStore {
  private readonly root: string;

  constructor(dataDir: string, maxBytes: number) {
    super(maxBytes);
    this.root = join(dataDir, 'documents');
    mkdirSync(join(this.root, 'incoming'), { recursive: true });
  }

  protected async keep(stored: StoredDocument, bytes: Buffer, upload: Upload): Promise<void> {
    const { sha256 } = stored;
    if (!existsSync(this.pathOf(sha256))) {
      // Written aside and renamed, so a reader never sees half a file under its hash.
      const incoming = join(this.root, 'incoming', randomUUID());
      writeFileSync(incoming, bytes);
      writeFileSync(`${incoming}.json`, JSON.stringify(stored));
      mkdirSync(join(this.root, sha256.slice(0, 2)), { recursive: true });
      renameSync(`${incoming}.json`, `${this.pathOf(sha256)}.json`);
      renameSync(incoming, this.pathOf(sha256));
    }
    // One line per upload, appended whole (O_APPEND), so several processes may record uploads of the same bytes.
    appendFileSync(`${this.pathOf(sha256)}.uploads`, `${JSON.stringify(upload)}\n`);
  }

  async uploadsOf(sha256: string): Promise<Upload[]> {
    const file = `${this.pathOf(sha256)}.uploads`;
    if (!isSha256(sha256) || !existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Upload);
  }

  async describe(sha256: string): Promise<StoredDocument | undefined> {
    if (!isSha256(sha256) || !existsSync(this.pathOf(sha256))) return undefined;
    return JSON.parse(readFileSync(`${this.pathOf(sha256)}.json`, 'utf8')) as StoredDocument;
  }

  async open(sha256: string): Promise<Readable> {
    return createReadStream(this.pathOf(sha256));
  }

  private pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }
}
