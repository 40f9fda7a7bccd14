import { DecidePersonHandler, DecideRegistryHandler } from './application/accounts.commands';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { DecideProgramHandler } from './application/program.commands';
import { DecideFundsHandler } from './application/funding.commands';
import { AssignPanelHandler, REVIEWER_LOAD } from './application/panels';
import { ReadModelReviewerLoad } from './infrastructure/read-models/projects/reviewer-load';
import { FundingController } from './infrastructure/http/funding.controller';
import { FundingQueries } from './infrastructure/read-models/funding/funding.query';
import { CALENDAR } from './application/calendar';
import { CATALOG } from './application/catalog';
import { Clock, CLOCK } from './application/clock';
import { DecideCycleHandler } from './application/cycle.commands';
import { CROSS_STREAM_EFFECTS } from './application/cross-stream-effects';
import { DecideEnterpriseHandler } from './application/enterprise.commands';
import { EVENT_STORE, EventStore } from './application/event-store';
import { FoldedStreams } from './application/folded-streams';
import { GracefulShutdown } from './infrastructure/http/graceful-shutdown';
import { MetricsController } from './infrastructure/http/metrics.controller';
import { Metrics } from './infrastructure/metrics/metrics';
import { APPLICANT_RECORD, DecideProjectHandler } from './application/project.commands';
import { AppConfig } from './config';
import { EventStoreModule } from './infrastructure/event-store/event-store.module';
import { Checkpointer } from './infrastructure/audit/checkpointer.service';
import { AuditController } from './infrastructure/http/audit.controller';
import { AuthGuard } from './infrastructure/http/auth.guard';
import { ClockController } from './infrastructure/http/clock.controller';
import { ProgramsController } from './infrastructure/http/programs.controller';
import { CyclesController } from './infrastructure/http/cycles.controller';
import { EnterprisesController } from './infrastructure/http/enterprises.controller';
import { CITED_DOCUMENTS } from './application/documents';
import { DocumentStore, FolderDocumentStore } from './infrastructure/documents/document-store';
import { PostgresDocumentStore } from './infrastructure/documents/postgres-document-store';
import { DocumentsController } from './infrastructure/http/documents.controller';
import { HealthController } from './infrastructure/http/health.controller';
import { OrganisationsController } from './infrastructure/http/organisations.controller';
import { PeopleController } from './infrastructure/http/people.controller';
import { ProblemFilter } from './infrastructure/http/problem.filter';
import { ProjectsController } from './infrastructure/http/projects.controller';
import { PublicController } from './infrastructure/http/public.controller';
import { ReadModelsController } from './infrastructure/http/read-models.controller';
import { NotificationsController } from './infrastructure/http/notifications.controller';
import { NotificationPreferencesController } from './infrastructure/http/notification-preferences.controller';
import { NotificationDispatcher } from './infrastructure/notifications/dispatcher';
import { NotificationQueries } from './infrastructure/read-models/notifications/notifications.query';
import { ReadModelApplicantRecord } from './infrastructure/read-models/projects/applicant-record';
import { CycleQueries } from './infrastructure/read-models/cycles/cycles.query';
import { DocumentCitations } from './infrastructure/read-models/documents/document-citations.query';
import { EnterpriseQueries } from './infrastructure/read-models/enterprises/enterprises.query';
import { PeopleQueries } from './infrastructure/read-models/people/people.query';
import { ProjectQueries } from './infrastructure/read-models/projects/projects.query';
import { ReadModels } from './infrastructure/read-models/read-models';
import { accountStoreFor, signInThrottleFor } from './infrastructure/accounts/account-stores';
import { AccountStore } from './infrastructure/accounts/account-store';
import { Authenticator } from './infrastructure/http/authenticator';
import { FirstStart } from './infrastructure/accounts/first-start.service';
import { SignInThrottle } from './infrastructure/accounts/sign-in-throttle';
import { SignInController } from './infrastructure/http/sign-in.controller';
import { OIDC_SIGN_IN, OidcController } from './infrastructure/http/oidc.controller';
import { Sessions } from './infrastructure/http/sessions';
import { OidcSignIn } from './infrastructure/accounts/oidc-client';
import { ReactorService } from './infrastructure/reactor/reactor.service';
import { DeadlinesService } from './infrastructure/scheduling/deadlines.service';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), EventStoreModule.forConfig(config)],
      controllers: [
        HealthController,
        DocumentsController,
        CyclesController,
        FundingController,
        ProgramsController,
        ProjectsController,
        EnterprisesController,
        ReadModelsController,
        PublicController,
        AuditController,
        OrganisationsController,
        PeopleController,
        NotificationsController,
        MetricsController,
        NotificationPreferencesController,
        SignInController,
        OidcController,
        ...(config.clock === 'simulated' ? [ClockController] : []),
      ],
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: CATALOG, useValue: config.catalog },
        { provide: CALENDAR, useValue: config.calendar },
        // The one cache of folded streams (and queue of commands per stream) over the app's store, every command counted.
        { provide: FoldedStreams, useFactory: (store: EventStore, metrics: Metrics) => new FoldedStreams(store, undefined, metrics), inject: [EVENT_STORE, Metrics] },
        GracefulShutdown,
        DecideCycleHandler,
        DecideProgramHandler,
        DecideFundsHandler,
        AssignPanelHandler,
        { provide: REVIEWER_LOAD, useClass: ReadModelReviewerLoad },
        DecideRegistryHandler,
        DecidePersonHandler,
        PeopleQueries,
        DecideEnterpriseHandler,
        DecideProjectHandler,
        ReadModels,
        ProjectQueries,
        EnterpriseQueries,
        CycleQueries,
        FundingQueries,
        NotificationQueries,
        NotificationDispatcher,
        DocumentCitations,
        DeadlinesService,
        ReactorService,
        Checkpointer,
        { provide: CROSS_STREAM_EFFECTS, useExisting: ReactorService },
        { provide: APPLICANT_RECORD, useClass: ReadModelApplicantRecord },
        // In accounts.db, or with the PostgreSQL store in the database, where every instance signs people in alike.
        { provide: AccountStore, useFactory: () => accountStoreFor(config) },
        { provide: SignInThrottle, useFactory: () => signInThrottleFor(config) },
        Authenticator,
        FirstStart,
        Sessions,
        { provide: OIDC_SIGN_IN, useFactory: () => (config.oidcSignIn ? new OidcSignIn(config.oidcSignIn) : null) },
        // With the PostgreSQL store the documents live beside the events, where every instance reaches them.
        {
          provide: DocumentStore,
          useFactory: () =>
            config.postgres
              ? new PostgresDocumentStore({ connectionString: config.postgres.url, schema: config.postgres.schema, maxBytes: config.documentMaxBytes })
              : new FolderDocumentStore(config.dataDir, config.documentMaxBytes),
        },
        { provide: CITED_DOCUMENTS, useExisting: DocumentStore },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
