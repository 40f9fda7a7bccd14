import { Injectable } from '@nestjs/common';
import { Actor } from '../../../domain/messages';
import { GRANT_RULES, GrantKind } from '../../../domain/person/grants';
import { preparedOnce } from '../../projections/projection';
import { equalities, Page, pageOf, Paging, read, where, withJson } from '../query';
import { ReadModels } from '../read-models';

/** One way a person may act: a grant they hold now, and the actor it makes them. */
export interface ActingGrant {
  readonly grantId: string;
  readonly kind: GrantKind;
  readonly projectId: string | null;
  readonly actor: Actor;
}

const grantsQuery = preparedOnce((db) =>
  db.prepare<[string], { grant_id: string; kind: GrantKind; organisation_id: string; project_id: string | null; city: string | null }>(
    `SELECT g.grant_id, g.kind, g.organisation_id, g.project_id, o.city FROM grants g
     JOIN people p ON p.id = g.person_id AND p.status = 'Active'
     LEFT JOIN organisations o ON o.credit_code = g.organisation_id
     WHERE g.person_id = ? ORDER BY g.granted_at, g.grant_id`,
  ),
);

const ORGANISATION_COLUMNS = 'credit_code AS creditCode, kind, name, city, sub_kind AS subKind';
const PERSON_COLUMNS = 'id AS personId, name, organisation_id AS organisationId, email, status, expert, revision';

/** The registry and the people read models (people.projection.ts), as sign-in and the lists read them. */
@Injectable()
export class PeopleQueries {
  constructor(private readonly readModels: ReadModels) {}

  /** Waits (bounded) until the read models include everything stored now: a grant just given is found. */
  async upToDate(): Promise<void> {
    await this.readModels.reachStored();
  }

  /**
   * The grants a person holds now, each with the actor it makes them: the role its kind gives, the
   * organisation it is held in, and that organisation's city from the registry — never from a token.
   */
  actingGrants(personId: string): ActingGrant[] {
    return read('grants', () => grantsQuery(this.readModels.db).all(personId)).map((row) => ({
      grantId: row.grant_id,
      kind: row.kind,
      projectId: row.project_id,
      actor: {
        id: personId,
        role: GRANT_RULES[row.kind].role,
        org: row.organisation_id,
        ...(row.city ? { region: row.city } : {}),
        ...(row.project_id ? { project: row.project_id } : {}),
      },
    }));
  }

  organisations(filters: { readonly kind?: string; readonly city?: string }, paging: Paging): Page<Record<string, unknown>> {
    return pageOf(this.readModels.db, 'organisations', ORGANISATION_COLUMNS, equalities({ kind: filters.kind, city: filters.city }), 'kind, city, name, credit_code', paging, (row) => row);
  }

  /** Organisations' names as the registry holds them, by credit code (a code the registry lacks is left out). */
  organisationNames(codes: readonly string[]): Map<string, string> {
    const unique = [...new Set(codes)];
    if (unique.length === 0) return new Map();
    const rows = read('organisations', () =>
      this.readModels.db.prepare(`SELECT credit_code AS code, name FROM organisations WHERE credit_code IN (${unique.map(() => '?').join(', ')})`).all(...unique),
    ) as { code: string; name: string }[];
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  organisation(creditCode: string): Record<string, unknown> | undefined {
    return pageOf(this.readModels.db, 'organisations', ORGANISATION_COLUMNS, [where('credit_code = ?', creditCode)], 'credit_code', { limit: 1 }, (row) => row).items[0];
  }

  person(personId: string): Record<string, unknown> | undefined {
    return pageOf(this.readModels.db, 'people', PERSON_COLUMNS, [where("status <> 'None'"), where('id = ?', personId)], 'id', { limit: 1 }, (row) => withJson(row, 'expert')).items[0];
  }

  people(filters: { readonly organisationId?: string }, paging: Paging): Page<Record<string, unknown>> {
    return pageOf(this.readModels.db, 'people', PERSON_COLUMNS, [where("status <> 'None'"), ...equalities({ organisation_id: filters.organisationId })], 'organisation_id, name, id', paging, (row) => ({
      ...withJson(row, 'expert'),
      grants: this.actingGrants(String(row.personId)).map(({ grantId, kind, projectId }) => ({ grantId, kind, projectId })),
    }));
  }
}
