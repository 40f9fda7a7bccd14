import { Readable } from 'node:stream';
import { OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { inTransaction, tablesOnce } from '../postgres/transactions';
import { DocumentStore, isSha256, StoredDocument, Upload } from './document-store';

/**
 * Documents in PostgreSQL beside the events (EVENT_STORE=postgres), in the store's schema: every
 * instance on the store reads what any of them received. One row per content (`documents`, its bytes
 * as bytea, at most DOCUMENT_MAX_BYTES), one per upload (`document_uploads`); a document is read whole
 * into memory to be sent, which the size limit bounds.
 */
export class PostgresDocumentStore extends DocumentStore implements OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly tables: { readonly documents: string; readonly uploads: string };
  /** The tables, made once per process (transactions.ts). */
  private readonly created: () => Promise<void>;

  constructor(options: { readonly connectionString: string; readonly schema: string; readonly maxBytes: number }) {
    super(options.maxBytes);
    if (!/^[a-z_][a-z0-9_]{0,55}$/.test(options.schema)) throw new Error(`not a schema name: ${options.schema}`);
    this.pool = new Pool({ connectionString: options.connectionString, max: 4, application_name: 'accreditation-lifecycle-service documents' });
    this.tables = { documents: `"${options.schema}".documents`, uploads: `"${options.schema}".document_uploads` };
    this.created = tablesOnce(this.pool, options.schema, `${options.schema}.documents`, () => documentSchemaSql(options.schema));
  }

  protected async keep(stored: StoredDocument, bytes: Buffer, upload: Upload): Promise<void> {
    await this.created();
    await inTransaction(this.pool, async (client) => {
      await client.query(`INSERT INTO ${this.tables.documents} (sha256, media_type, size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`, [stored.sha256, stored.mediaType, stored.size, bytes]);
      await client.query(`INSERT INTO ${this.tables.uploads} (sha256, upload) VALUES ($1, $2)`, [stored.sha256, JSON.stringify(upload)]);
    });
  }

  async uploadsOf(sha256: string): Promise<Upload[]> {
    if (!isSha256(sha256)) return [];
    await this.created();
    const { rows } = await this.pool.query<{ upload: Upload }>(`SELECT upload FROM ${this.tables.uploads} WHERE sha256 = $1 ORDER BY id`, [sha256]);
    return rows.map((row) => row.upload);
  }

  async describe(sha256: string): Promise<StoredDocument | undefined> {
    if (!isSha256(sha256)) return undefined;
    await this.created();
    const { rows } = await this.pool.query<{ size: number; media_type: string }>(`SELECT size, media_type FROM ${this.tables.documents} WHERE sha256 = $1`, [sha256]);
    return rows[0] ? { sha256, size: rows[0].size, mediaType: rows[0].media_type } : undefined;
  }

  async open(sha256: string): Promise<Readable> {
    const { rows } = await this.pool.query<{ bytes: Buffer }>(`SELECT bytes FROM ${this.tables.documents} WHERE sha256 = $1`, [sha256]);
    if (!rows[0]) throw new Error(`no document ${sha256}`);
    return Readable.from([rows[0].bytes]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** The document tables' DDL, idempotent (a DBA may run it ahead). */
export function documentSchemaSql(schema: string): string[] {
  const documents = `"${schema}".documents`;
  const uploads = `"${schema}".document_uploads`;
  return [
    `CREATE TABLE IF NOT EXISTS ${documents} (
      sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'), media_type text NOT NULL, size integer NOT NULL, bytes bytea NOT NULL,
      stored_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE IF NOT EXISTS ${uploads} (id bigserial PRIMARY KEY, sha256 text NOT NULL REFERENCES ${documents} (sha256), upload jsonb NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS document_uploads_by_document ON ${uploads} (sha256, id)`,
  ];
}

