import { Injectable } from '@nestjs/common';
import { ApplicantBans } from '../../application/project.commands';
import { ApplicantBan } from '../../domain/project/project.commands';
import { ReadModels } from './read-models';

/** An applicant's bans from its other projects (suspended or revoked), as the project read model holds them. */
@Injectable()
export class ReadModelApplicantBans implements ApplicantBans {
  constructor(private readonly readModels: ReadModels) {}

  async bansOf(applicantOrg: string): Promise<readonly ApplicantBan[]> {
    // Bans come from decisions long past; the read models are waited for so a fresh one counts too.
    const { lastPosition } = await this.readModels.store.status();
    await this.readModels.reach(lastPosition);
    const rows = this.readModels.db
      .prepare(`SELECT program_type, ban_until, status FROM project_status WHERE applicant_org = ? AND ban_until IS NOT NULL`)
      .all(applicantOrg) as { program_type: string; ban_until: string; status: string }[];
    return rows.map((row) => ({ programType: row.program_type, until: row.ban_until, reason: `project ${row.status.toLowerCase()}` }));
  }
}
