import { Body, Controller, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK } from '../../application/clock';
import { Actor } from '../../domain/messages';
import { requireOperation } from '../../domain/service.access';
import { NotificationDispatcher } from '../notifications/dispatcher';
import { Preferences, SMS_KINDS } from '../notifications/postbox';
import { retryWhileBusy } from '../projections/sqlite-busy';
import { PeopleQueries } from '../read-models/people/people.query';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { CurrentActor } from './auth.guard';
import { DeadLetterDto, EMAIL_KINDS, NotificationPreferencesDto } from './notification-preferences.dto';
import { ProblemError } from './problem.filter';

/**
 * How the person signed in is told beyond the console (docs/notifications.md): their own choices only,
 * whoever they are; and, for the office, the deliveries that could not be made.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationPreferencesController {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly people: PeopleQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('preferences')
  @ApiOperation({ summary: 'The acting person’s delivery preferences (e-mail kinds, immediate or daily digest, language, SMS reminders), with the e-mail address on record and the channels the service has — everyone signed in' })
  @ApiOkResponse({
    schema: {
      example: {
        emailKinds: ['approval', 'deadline-ahead'],
        emailMode: 'immediate',
        language: 'zh',
        mobile: null,
        smsReminders: false,
        email: 'wang@tyvtc.edu.cn',
        kinds: ['approval', 'deadline-ahead'],
        smsKinds: SMS_KINDS,
        channels: { email: true, sms: false },
        digestHour: 8,
      },
    },
  })
  async get(@CurrentActor() actor: Actor) {
    return this.view(actor.id, await this.dispatcher.postbox.preferences(actor.id));
  }

  @Put('preferences')
  @ApiOperation({ summary: 'Set the acting person’s delivery preferences, for what is notified from now on — everyone signed in, for themselves' })
  @ApiOkResponse({ description: 'The preferences as GET answers them' })
  async put(@Body() body: NotificationPreferencesDto, @CurrentActor() actor: Actor) {
    const preferences: Preferences = {
      mutedKinds: EMAIL_KINDS.filter((kind) => !body.emailKinds.includes(kind)),
      emailMode: body.emailMode,
      language: body.language,
      mobile: body.mobile ?? null,
      smsReminders: body.smsReminders,
    };
    await retryWhileBusy(() => this.dispatcher.postbox.setPreferences(actor.id, preferences, this.clock.now()), { operation: 'save notification preferences' });
    return this.view(actor.id, preferences);
  }

  @Get('dead-letters')
  @ApiOperation({ summary: 'E-mails and SMS that could not be delivered after every attempt, with the last error — office' })
  @ApiOkResponse({ schema: { example: { items: [{ personId: 'tyvtc-0042', id: '3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11.approval', channel: 'email', kind: 'approval', attempts: 8, lastError: '451 EENVELOPE: …', plannedAt: '2027-10-31T02:00:00.000Z' }], total: 1 } } })
  async deadLetters(@CurrentActor() actor: Actor) {
    requireOperation('ReadReactionFailures', actor);
    const items = (await this.dispatcher.postbox.deliveries({ status: 'dead' })).map((d) => ({
      personId: d.personId,
      id: d.id,
      channel: d.channel,
      kind: d.notice?.kind ?? 'digest',
      attempts: d.attempts,
      lastError: d.lastError,
      plannedAt: d.plannedAt,
    }));
    return { items, total: items.length };
  }

  @Post('dead-letters/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Try a dead-lettered delivery again, with all its attempts (after the address or the server was put right) — office' })
  @ApiOkResponse({ schema: { example: { retried: true } } })
  async retry(@Body() body: DeadLetterDto, @CurrentActor() actor: Actor) {
    requireOperation('ReadReactionFailures', actor);
    const retried = await retryWhileBusy(() => this.dispatcher.postbox.retry(body, this.clock.now()), { operation: 'retry a delivery' });
    if (!retried) throw new ProblemError({ status: 404, code: 'dead-letter-not-found', title: 'Not Found', detail: `no dead-lettered ${body.channel} delivery ${body.id} to ${body.personId}` });
    return { retried: true };
  }

  private view(personId: string, preferences: Preferences) {
    const person = this.people.person(personId) as { email?: string | null } | undefined;
    return {
      emailKinds: EMAIL_KINDS.filter((kind) => !preferences.mutedKinds.includes(kind)),
      emailMode: preferences.emailMode,
      language: preferences.language,
      mobile: preferences.mobile,
      smsReminders: preferences.smsReminders,
      email: person?.email ?? null,
      kinds: EMAIL_KINDS,
      smsKinds: SMS_KINDS,
      channels: { email: this.dispatcher.channels.email !== undefined, sms: this.dispatcher.channels.sms !== undefined },
      digestHour: this.config.notifications.digestHour,
    };
  }
}
