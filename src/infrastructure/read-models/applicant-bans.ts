import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { ApplicantBans } from '../../application/project.commands';
import { ApplicantBan } from '../../domain/project/project.commands';
import { ReadModels } from './read-models';

/** An applicant's bans from its other projects (suspended or revoked), as the project read model holds them. */
@Injectable()
export class ReadModelApplicantBans implements ApplicantBans {
  /** Prepared on first use: the table exists once the projections have started. */
  private query?: Statement<[string], { program_type: string; ban_until: string; status: string }>;

  constructor(private readonly readModels: ReadModels) {}

  async bansOf(applicantOrg: string): Promise<readonly ApplicantBan[]> {
    // Bans come from decisions long past; the read models are waited for so a fresh one counts too.
    const { lastPosition } = await this.readModels.store.status();
    await this.readModels.reach(lastPosition);
    this.query ??= this.readModels.db.prepare('SELECT program_type, ban_until, status FROM project_status WHERE applicant_org = ? AND ban_until IS NOT NULL');
    const rows = this.query.all(applicantOrg);
    return rows.map((row) => ({ programType: row.program_type, until: row.ban_until, reason: `project ${row.status.toLowerCase()}` }));
  }
}
