import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig } from './config';
import { EventStoreModule } from './infrastructure/event-store/event-store.module';
import { HealthController } from './infrastructure/http/health.controller';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), EventStoreModule.forConfig(config)],
      controllers: [HealthController],
    };
  }
}
