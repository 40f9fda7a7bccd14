import { WorkingDayCalendar } from '../domain/calendar';
import { ProgramCatalog } from '../domain/catalog/program-catalog';
import { Clock } from './clock';
import { CrossStreamEffects } from './cross-stream-effects';
import { CycleCommandInput, DecideCycle, DecideCycleHandler } from './cycle.commands';
import { CitedDocuments } from './documents';
import { DecideEnterprise, DecideEnterpriseHandler, EnterpriseCommandInput } from './enterprise.commands';
import { FoldedStreams } from './folded-streams';
import { CommandOutcome, CommandRequest } from './handle-command';
import { ApplicantRecord, DecideProject, DecideProjectHandler, ProjectCommandInput } from './project.commands';

/** What each aggregate's door takes, by stream category: its commands' type and data, as a client's request carries them. */
export interface DoorCommands {
  readonly project: ProjectCommandInput;
  readonly cycle: CycleCommandInput;
  readonly enterprise: EnterpriseCommandInput;
}

/** The one door of each aggregate: sends a command on the aggregate named by its id to its one handler. */
export type CommandDoors<Commands = DoorCommands> = {
  readonly [Category in keyof Commands]: (id: string, command: Commands[Category], request: CommandRequest) => Promise<CommandOutcome>;
};

/** A command the reactor or the scheduler issues: the category of the aggregate, and a command its door takes. */
export type IssuedCommand<Commands = DoorCommands> = {
  [Category in keyof Commands]: { readonly category: Category; readonly command: Commands[Category] };
}[keyof Commands];

/** Sends an issued command through the door of its aggregate. */
export function send<Commands, Category extends keyof Commands>(
  doors: CommandDoors<Commands>,
  id: string,
  issued: { readonly category: Category; readonly command: Commands[Category] },
  request: CommandRequest,
): Promise<CommandOutcome> {
  return doors[issued.category](id, issued.command, request);
}

/** The message of each aggregate's one handler. */
export type AggregateMessage = DecideProject | DecideCycle | DecideEnterprise;

/** What delivers a message to its handler: Nest's CommandBus in the service. */
export interface CommandSender {
  execute(message: AggregateMessage): Promise<CommandOutcome>;
}

/**
 * The door of each aggregate, by stream category: the reactor and the scheduler send their commands
 * through these, as the HTTP controllers do, so the handlers alone gather a command's context. Their
 * commands are typed where they are built (reactions.ts, deadlines.ts), as a DTO types a client's.
 */
export function commandDoors(sender: CommandSender): CommandDoors {
  return {
    project: (id, command, request) => sender.execute(new DecideProject(id, command, request)),
    cycle: (id, command, request) => sender.execute(new DecideCycle(id, command, request)),
    enterprise: (id, command, request) => sender.execute(new DecideEnterprise(id, command, request)),
  };
}

export interface AggregateHandlers {
  readonly project: DecideProjectHandler;
  readonly cycle: DecideCycleHandler;
  readonly enterprise: DecideEnterpriseHandler;
}

/** What the handlers need, as app.module provides it. */
export interface HandlerDependencies {
  readonly streams: FoldedStreams;
  readonly clock: Clock;
  readonly catalog: ProgramCatalog;
  readonly calendar: WorkingDayCalendar;
  readonly applicants: ApplicantRecord;
  readonly effects: CrossStreamEffects;
  readonly documents: CitedDocuments;
}

/** The three handlers over one cache, for code that runs them without Nest (benchmarks, tests). */
export function handlersOf({ streams, clock, catalog, calendar, applicants, effects, documents }: HandlerDependencies): AggregateHandlers {
  return {
    project: new DecideProjectHandler(streams, clock, applicants, effects, documents),
    cycle: new DecideCycleHandler(streams, clock, catalog, calendar, effects),
    enterprise: new DecideEnterpriseHandler(streams, clock, catalog, calendar, documents),
  };
}

/** Delivers each message straight to its handler, as the CommandBus does in the service. */
export function sendingTo(handlers: AggregateHandlers): CommandSender {
  return {
    execute: (message) =>
      message instanceof DecideProject
        ? handlers.project.execute(message)
        : message instanceof DecideCycle
          ? handlers.cycle.execute(message)
          : handlers.enterprise.execute(message),
  };
}
