import { Injectable } from '@nestjs/common';
import { ApplicantBans } from '../../../application/project.commands';
import { ApplicantBan } from '../../../domain/project/project.commands';
import { preparedOnce } from '../../projections/projection';
import { read } from '../query';
import { ReadModels } from '../read-models';

/** Prepared on first use: the table exists once the projections have started. */
const bansQuery = preparedOnce((db) =>
  db.prepare<[string], { program_type: string; ban_until: string; status: string }>(
    'SELECT program_type, ban_until, status FROM project_status WHERE applicant_org = ? AND ban_until IS NOT NULL',
  ),
);

/** An applicant's bans from its other projects (suspended or revoked), as the project read model holds them. */
@Injectable()
export class ReadModelApplicantBans implements ApplicantBans {
  constructor(private readonly readModels: ReadModels) {}

  async bansOf(applicantOrg: string): Promise<readonly ApplicantBan[]> {
    // Bans come from decisions long past; the read models are waited for so a fresh one counts too.
    await this.readModels.reachStored();
    const rows = read('project_status', () => bansQuery(this.readModels.db).all(applicantOrg));
    return rows.map((row) => ({ programType: row.program_type, until: row.ban_until, reason: `project ${row.status.toLowerCase()}` }));
  }
}
