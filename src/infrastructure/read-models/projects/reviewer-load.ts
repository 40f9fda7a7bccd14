import { Injectable } from '@nestjs/common';
import { ReviewerLoad } from '../../../application/panels';
import { ProjectQueries } from './projects.query';

/** The experts' load in a cycle from the read models: their assignments not recused from. */
@Injectable()
export class ReadModelReviewerLoad implements ReviewerLoad {
  constructor(private readonly projects: ProjectQueries) {}

  async assignmentsIn(cycleId: string): Promise<Readonly<Record<string, number>>> {
    return Object.fromEntries(this.projects.expertProgress(cycleId).map((row) => [String(row.reviewerId), Number(row.assigned)]));
  }
}
