import { Injectable } from '@nestjs/common';
import { preparedOnce } from '../../projections/projection';
import { read } from '../query';
import { ReadModels } from '../read-models';

/** Prepared on first use: the table exists once the projections have started. */
const citingQuery = preparedOnce((db) => db.prepare<[string], { stream: string }>('SELECT stream FROM document_citations WHERE sha256 = ? ORDER BY stream'));

/** Which records cite a document (document-citations.projection.ts): a download is allowed to whoever may read one of them. */
@Injectable()
export class DocumentCitations {
  constructor(private readonly readModels: ReadModels) {}

  /** The streams whose events cite the document, as of everything stored now: a document cited a moment ago is found. */
  async streamsCiting(sha256: string): Promise<string[]> {
    await this.readModels.reachStored();
    return read('document_citations', () => citingQuery(this.readModels.db).all(sha256).map((row) => row.stream));
  }
}
