import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { addCalendarDays, chinaDateOf, chinaStartOfDay, defaultCalendar, noticeEnd } from '../domain/calendar';
import { ProgramCatalog } from '../domain/catalog/program-catalog';
import { EnterpriseRules } from '../domain/catalog/program-rules';
import { EnterpriseCommand, EnterpriseCommandType, EnterpriseContext, OpenPublicNoticeData } from '../domain/enterprise/enterprise.commands';
import { enterpriseDecider } from '../domain/enterprise/enterprise.decider';
import { validation } from '../domain/errors';
import { DocumentRef } from '../domain/messages';
import { CITED_DOCUMENTS, CitedDocuments, documentRefsIn } from './documents';
import { CATALOG } from './catalog';
import { Clock, CLOCK } from './clock';
import { FoldedStreams } from './folded-streams';
import { CommandOutcome, CommandRequest, contextOf, handleCommand } from './handle-command';
import { registered } from './registry';
import { enterpriseStream } from './streams';

type NoticeType = 'OpenPublicNotice' | 'OpenCertificationNotice';
type DomainInput = { [T in EnterpriseCommandType]: { type: T; data: Extract<EnterpriseCommand, { type: T }>['data'] } }[EnterpriseCommandType];

/** A public notice as the office opens it: its first day; the period follows from the rules and the working-day calendar. */
export interface NoticeRequest {
  readonly startsOn: string;
  readonly notice?: DocumentRef;
}

export type EnterpriseCommandInput = Exclude<DomainInput, { type: NoticeType }> | { type: NoticeType; data: NoticeRequest };

/** The enterprise's unified social credit code is its id: every application round, and any ban, lives in one stream. */

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
 * rules in force, from the configured catalog, and a notice's period), whoever sends it.
 */
@CommandHandler(DecideEnterprise)
export class DecideEnterpriseHandler implements ICommandHandler<DecideEnterprise, CommandOutcome> {
  constructor(
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
    @Inject(CITED_DOCUMENTS) private readonly documents: CitedDocuments,
  ) {}

  async execute({ creditCode, command, request }: DecideEnterprise): Promise<CommandOutcome> {
    // A client's command may cite only documents that were uploaded, with the size it claims.
    if (!request.issuedBy) this.documents.verifyReferences(documentRefsIn(command.data));
    const recordedAt = this.clock.now().toISOString();
    const now = request.issuedBy?.decidedAt ?? recordedAt;
    const context = { ...this.context(), ...(command.type === 'ApplyForIncubation' ? { applicant: await registered(this.streams, request.actor.org) } : {}) };
    return handleCommand(
      this.streams,
      enterpriseDecider,
      enterpriseStream(creditCode),
      { type: command.type, data: this.dataFor(command, context.rules, now), actor: request.actor, now, context } as EnterpriseCommand,
      contextOf(request, recordedAt, context.rulesVersion),
    );
  }

  /** The enterprise scheme's rules in force, from the catalog. */
  private context(): EnterpriseContext {
    const programType = this.catalog.enterprise;
    if (programType?.lifecycle !== 'enterprise') throw new Error("the catalog has no 'enterprise' program type");
    return { rules: programType.defaultRules, rulesVersion: programType.rulesVersion };
  }

  /** The command's data as the domain takes it: a notice's period is computed here. */
  private dataFor(command: EnterpriseCommandInput, rules: EnterpriseRules, now: string) {
    switch (command.type) {
      case 'OpenPublicNotice':
      case 'OpenCertificationNotice':
        return noticePeriod(command.data, rules, now);
      default:
        return command.data;
    }
  }
}

/** From the start of its first day to the end of its last, Beijing time, as many days as the rules prescribe. */
function noticePeriod({ startsOn, notice }: NoticeRequest, rules: EnterpriseRules, now: string): OpenPublicNoticeData {
  const today = chinaDateOf(now);
  if (startsOn < today) throw validation('notice-start-in-past', `a notice cannot start before today (${today})`);
  const endsOn = noticeEnd(defaultCalendar, startsOn, rules.publicNotice);
  return { startsAt: chinaStartOfDay(startsOn), endsAt: chinaStartOfDay(addCalendarDays(endsOn, 1)), ...(notice ? { notice } : {}) };
}
