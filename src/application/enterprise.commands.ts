import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WorkingDayCalendar } from '../domain/calendar';
import { ProgramCatalog } from '../domain/catalog/program-catalog';
import { EnterpriseCommand, EnterpriseCommandType, EnterpriseContext } from '../domain/enterprise/enterprise.commands';
import { enterpriseDecider } from '../domain/enterprise/enterprise.decider';
import { CITED_DOCUMENTS, CitedDocuments, documentRefsIn } from './documents';
import { CALENDAR } from './calendar';
import { CATALOG } from './catalog';
import { Clock, CLOCK } from './clock';
import { FoldedStreams } from './folded-streams';
import { CommandOutcome, CommandRequest, contextOf, handleCommand } from './handle-command';
import { registered } from './registry';
import { enterpriseStream } from './streams';

/** The enterprise's unified social credit code is its id: every application round, and any ban, lives in one stream. */
export type EnterpriseCommandInput = { [T in EnterpriseCommandType]: { type: T; data: Extract<EnterpriseCommand, { type: T }>['data'] } }[EnterpriseCommandType];

/** A command on an enterprise's stream: as a client asked for it, or as the scheduler fires one of its deadlines. */
export class DecideEnterprise extends Command<CommandOutcome> {
  constructor(
    readonly creditCode: string,
    readonly command: EnterpriseCommandInput,
    readonly request: CommandRequest,
  ) {
    super();
  }
}

/**
 * The enterprise's one door: the only place an enterprise command's context is gathered (the scheme's
 * rules in force, from the configured catalog, and the working-day calendar), whoever sends it.
 */
@CommandHandler(DecideEnterprise)
export class DecideEnterpriseHandler implements ICommandHandler<DecideEnterprise, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
    @Inject(CALENDAR) private readonly calendar: WorkingDayCalendar,
    @Inject(CITED_DOCUMENTS) private readonly documents: CitedDocuments,
  ) {}

  async execute({ creditCode, command, request }: DecideEnterprise): Promise<CommandOutcome> {
    // A client's command may cite only documents that were uploaded, with the size it claims.
    if (!request.issuedBy) await this.documents.verifyReferences(documentRefsIn(command.data));
    const recordedAt = this.clock.now().toISOString();
    const now = request.issuedBy?.decidedAt ?? recordedAt;
    const context = { ...this.context(), calendar: this.calendar, ...(command.type === 'ApplyForIncubation' ? { applicant: await registered(this.streams, request.actor.org) } : {}) };
    return handleCommand(
      this.streams,
      enterpriseDecider,
      enterpriseStream(creditCode),
      { type: command.type, data: command.data, actor: request.actor, now, context } as EnterpriseCommand,
      contextOf(request, recordedAt, context.rulesVersion),
    );
  }

  /** The enterprise scheme's rules in force, from the catalog. */
  private context(): EnterpriseContext {
    const programType = this.catalog.enterprise;
    if (programType?.lifecycle !== 'enterprise') throw new Error("the catalog has no 'enterprise' program type");
    return { rules: programType.defaultRules, rulesVersion: programType.rulesVersion };
  }
}
