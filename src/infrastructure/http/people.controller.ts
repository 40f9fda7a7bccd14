import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DecidePerson, PersonCommandInput } from '../../application/accounts.commands';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest, readState } from '../../application/handle-command';
import { nameBasedUuid } from '../../application/ids';
import { personStream } from '../../application/streams';
import { forbidden } from '../../domain/errors';
import { Actor } from '../../domain/messages';
import { administers } from '../../domain/person/grants';
import { personDecider } from '../../domain/person/person.decider';
import { standingOf } from '../../domain/person/person.state';
import { PeopleQueries } from '../read-models/people/people.query';
import { ReadModels } from '../read-models/read-models';
import { CurrentActor } from './auth.guard';
import { answer, CurrentCommand, etagOf } from './command-request';
import { CommandHeaders, CommandResponses } from './openapi';
import { DeactivatePersonDto, ExpertProfileDto, GrantRoleDto, PeopleListQuery, RegisterPersonDto, RevokeGrantDto } from './people.dto';
import { ProblemError } from './problem.filter';

/** The roles that read every person: the office, and auditors (who must see who could do what, when). */
const READS_EVERY_PERSON: readonly string[] = ['office', 'auditor'];

const notReadable = () => forbidden('not-own-organisation', 'a person is read by themselves, their organisation’s admins, the office and auditors');

/**
 * People and their grants. Who may register, grant, revoke, declare and deactivate is the person
 * door's to decide, from the standing the actor's own grants give (grants.ts); who may read a person
 * is the person, their organisation's admins (by the same standing), the office and auditors. The
 * domain has no access policy for people as it has for projects (project.access.ts), so the read rule
 * is stated here, with the domain's `administers`.
 */
@ApiTags('people')
@ApiBearerAuth()
@Controller('people')
export class PeopleController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: FoldedStreams,
    private readonly people: PeopleQueries,
    private readonly readModels: ReadModels,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a person of a registered organisation; answers the person id — that organisation’s admin, or the office’s' })
  @CommandHeaders()
  @CommandResponses({ created: true })
  async register(@Body() body: RegisterPersonDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const personId = body.personId ?? nameBasedUuid(`person:${request.commandId}`);
    const data = { personId, name: body.name, organisationId: body.organisationId, ...(body.email !== undefined ? { email: body.email } : {}) };
    const outcome = await this.commands.execute(new DecidePerson(personId, { type: 'RegisterPerson', data }, request));
    return { ...answer(reply, outcome, `/people/${personId}`), personId };
  }

  @Get()
  @ApiOperation({ summary: 'The people of an organisation with the grants they hold now — that organisation’s admins; the office and auditors (who may list everyone)' })
  @ApiOkResponse({ schema: { example: { items: [{ personId: '6f1c…', name: '王老师', organisationId: '12140100MB1000001K', email: null, status: 'Active', expert: null, revision: 1, grants: [{ grantId: '9a2e…', kind: 'project-lead', projectId: null }] }], total: 1, limit: 50, offset: 0 } } })
  async list(@Query() query: PeopleListQuery, @CurrentActor() actor: Actor) {
    if (!READS_EVERY_PERSON.includes(actor.role)) {
      if (query.organisationId === undefined || !(await this.administers(actor, query.organisationId))) throw notReadable();
    }
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    return this.people.people({ organisationId: query.organisationId }, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A person as folded from their stream, with the grants they hold now and their ETag — the person, their organisation’s admins, office, auditor' })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    const { state, revision } = await readState(this.streams, personDecider, personStream(id));
    if (state.status === 'None') throw new ProblemError({ status: 404, code: 'person-not-found', title: 'Not Found', detail: `no person ${id.slice(0, 100)}` });
    if (!READS_EVERY_PERSON.includes(actor.role) && actor.id !== id && !(await this.administers(actor, state.organisationId))) throw notReadable();
    reply.header('etag', etagOf(revision));
    const { grantIds: _everGiven, ...person } = state;
    return { id, revision, ...person };
  }

  @Post(':id/grants')
  @ApiOperation({ summary: 'Give the person a grant (a duty in their organisation); answers the grant id — as the grants table says: the office’s admin, or the school’s for its leads, liaisons and head' })
  @CommandHeaders()
  @CommandResponses()
  async grant(@Param('id') id: string, @Body() body: GrantRoleDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const grantId = nameBasedUuid(`grant:${request.commandId}`);
    const data = { grantId, kind: body.kind, reason: body.reason, ...(body.projectId !== undefined ? { projectId: body.projectId } : {}) };
    return { ...(await this.decide(id, { type: 'GrantRole', data }, request, reply)), grantId };
  }

  @Post(':id/grants/:grantId/revoke')
  @ApiOperation({ summary: 'Revoke one of the person’s grants, with a reason — whoever may give it' })
  @CommandHeaders()
  @CommandResponses()
  async revoke(@Param('id') id: string, @Param('grantId') grantId: string, @Body() body: RevokeGrantDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'RevokeGrant', data: { grantId, reason: body.reason } }, request, reply);
  }

  @Post(':id/expert-profile')
  @ApiOperation({ summary: 'Declare an expert’s fields and affiliations (read by the conflict-of-interest check) — the expert, or the office’s admin' })
  @CommandHeaders()
  @CommandResponses()
  async expertProfile(@Param('id') id: string, @Body() body: ExpertProfileDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'DeclareExpertProfile', data: { fields: body.fields, affiliations: body.affiliations } }, request, reply);
  }

  @Post(':id/deactivate')
  @ApiOperation({ summary: 'Deactivate the person, ending every grant they hold, with a reason — their organisation’s admin, or the office’s' })
  @CommandHeaders()
  @CommandResponses()
  async deactivate(@Param('id') id: string, @Body() body: DeactivatePersonDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.decide(id, { type: 'DeactivatePerson', data: { reason: body.reason } }, request, reply);
  }

  private async decide(id: string, command: PersonCommandInput, request: CommandRequest, reply: FastifyReply) {
    return answer(reply, await this.commands.execute(new DecidePerson(id, command, request)));
  }

  /** Whether the actor's own grants (read from their own stream, as the person door reads them) make them an admin of the organisation's people. */
  private async administers(actor: Actor, organisationId: string): Promise<boolean> {
    const standing = standingOf((await readState(this.streams, personDecider, personStream(actor.id))).state);
    return standing !== null && administers(standing, organisationId);
  }
}
