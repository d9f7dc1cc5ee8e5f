import { Module } from '@nestjs/common';
import { RetentionConfigModule } from '../privacy/retention/retention-config.module.js';
import { ModelRegistry } from './model-registry.js';
import { ModelsController } from './models.controller.js';
import { PublishModelService } from './publish-model.service.js';

/** The escalation-model registry (built-ins plus published versions) and its API; publishing checks versions against the retention rules. */
@Module({
  imports: [RetentionConfigModule],
  controllers: [ModelsController],
  providers: [ModelRegistry, PublishModelService],
  exports: [ModelRegistry],
})
export class ModelsModule {}
