import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK } from '../../application/clock';
import { Actor } from '../../domain/messages';
import { AccountStore } from '../accounts/account-store';
import { NotificationQueries } from '../read-models/notifications/notifications.query';
import { ReadModels } from '../read-models/read-models';
import { CurrentActor } from './auth.guard';
import { MarkNotificationsReadDto } from './notifications.dto';
import { PageQuery } from './read-models.controller';

/**
 * What concerns the person signed in (domain/notifications): each person reads their own and no one
 * else's, whatever their role, so the office and auditors see only theirs too.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationQueries,
    private readonly accounts: AccountStore,
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The acting person’s notifications, newest first, each with the record it links to and whether it is read; and how many are unread — everyone signed in' })
  @ApiOkResponse({
    schema: {
      example: {
        items: [{ id: '3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11.selection', kind: 'selection', subject: 'project', recordId: '9a2e…', title: '机电一体化技术', outcome: 'shortlisted', dueOn: null, at: '2026-10-15T02:00:00.000Z', read: false }],
        total: 1,
        limit: 50,
        offset: 0,
        unread: 1,
      },
    },
  })
  async list(@Query() query: PageQuery, @CurrentActor() actor: Actor) {
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    return this.notifications.of(actor.id, await this.accounts.notificationsRead(actor.id), query);
  }

  @Post('read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark some (ids) or all (all: true) of the acting person’s notifications read; answers how many stay unread — everyone signed in' })
  @ApiOkResponse({ schema: { example: { marked: 1, unread: 0 } } })
  async markRead(@Body() body: MarkNotificationsReadDto, @CurrentActor() actor: Actor) {
    const own = this.notifications.idsOf(actor.id);
    // Only the person's own notifications are marked: an id from elsewhere is left alone, not stored.
    const ids = body.all ? own : own.filter((id) => body.ids!.includes(id));
    await this.accounts.markNotificationsRead(actor.id, ids, this.clock.now());
    return { marked: ids.length, unread: this.notifications.unread(actor.id, await this.accounts.notificationsRead(actor.id)) };
  }
}
