import { Injectable } from '@nestjs/common';
import { ApplicantRecord } from '../../../application/project.commands';
import { ApplicantBan, EarlierApplication } from '../../../domain/project/project.commands';
import { preparedOnce } from '../../projections/projection';
import { read } from '../query';
import { ReadModels } from '../read-models';

interface BanRow {
  readonly id: string;
  readonly program_type: string;
  readonly status: string;
  readonly ban_until: string | null;
  readonly barring_grade: string | null;
  readonly barred_since: string | null;
}

/** Prepared on first use: the tables exist once the projections have started. */
const bansQuery = preparedOnce((db) =>
  db.prepare<[string], BanRow>(
    `SELECT id, program_type, status, ban_until, barring_grade, barred_since FROM project_status
     WHERE applicant_org = ? AND (ban_until IS NOT NULL OR barring_grade IS NOT NULL)`,
  ),
);
/** Applications that ended without being selected; approved ones (approved_on set) were selected. */
const NOT_SELECTED = ['NotSelected', 'NotRecommended', 'FormallyRejected', 'RemovedAfterObjection', 'RemovedFromList'];
const earlierQuery = preparedOnce((db) =>
  db.prepare<[string, string, string], { id: string; cycle_id: string; selected: number }>(
    `SELECT id, cycle_id, approved_on IS NOT NULL AS selected FROM project_status
     WHERE applicant_org = ? AND program_type = ? AND subject_identity = ?
       AND (approved_on IS NOT NULL OR status IN (${NOT_SELECTED.map((s) => `'${s}'`).join(', ')}))
     ORDER BY cycle_id, id`,
  ),
);
const cyclesQuery = preparedOnce((db) => db.prepare<[string], { id: string; opens_at: string }>('SELECT id, opens_at FROM cycle_dashboard WHERE program_type = ?'));

/**
 * An applicant's record from its other projects, as the project read model holds them: its bans —
 * suspended or revoked (for a time), or given a barring grade (from the program's first cycle to open
 * after it) — and its decided applications of one major or course.
 */
@Injectable()
export class ReadModelApplicantRecord implements ApplicantRecord {
  constructor(private readonly readModels: ReadModels) {}

  async bansOf(applicantOrg: string): Promise<readonly ApplicantBan[]> {
    // Bans come from decisions long past; the read models are waited for so a fresh one counts too.
    await this.readModels.reachStored();
    const db = this.readModels.db;
    const rows = read('project_status', () => bansQuery(db).all(applicantOrg));
    return rows.flatMap((row): ApplicantBan[] => [
      ...(row.ban_until === null ? [] : [{ kind: 'until', programType: row.program_type, until: row.ban_until, reason: `project ${row.status.toLowerCase()}` } as const]),
      ...this.nextCycleBan(row),
    ]);
  }

  async earlierApplications(applicantOrg: string, programType: string, identity: string): Promise<readonly EarlierApplication[]> {
    await this.readModels.reachStored();
    const rows = read('project_status', () => earlierQuery(this.readModels.db).all(applicantOrg, programType, identity));
    return rows.map((row) => ({ projectId: row.id, cycleId: row.cycle_id, selected: row.selected === 1 }));
  }

  private nextCycleBan(row: BanRow): ApplicantBan[] {
    if (row.barring_grade === null || row.barred_since === null) return [];
    const since = Date.parse(row.barred_since);
    // Instants with different offsets do not order as strings: compared as times.
    const next = read('cycle_dashboard', () => cyclesQuery(this.readModels.db).all(row.program_type))
      .filter((cycle) => Date.parse(cycle.opens_at) > since)
      .sort((a, b) => Date.parse(a.opens_at) - Date.parse(b.opens_at))[0];
    return next ? [{ kind: 'next-cycle', programType: row.program_type, cycleId: next.id, grade: row.barring_grade, projectId: row.id }] : [];
  }
}
