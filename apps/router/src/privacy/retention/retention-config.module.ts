import { Module } from '@nestjs/common';
import { RETENTION_CONFIG_PROVIDER } from './retention-config.provider.js';

/**
 * The deployment's retention rules (`RETENTION_CONFIG`), loaded and checked once at start-up: the retention job
 * applies them, and publishing a model version checks its retention classes against them.
 */
@Module({ providers: [RETENTION_CONFIG_PROVIDER], exports: [RETENTION_CONFIG_PROVIDER] })
export class RetentionConfigModule {}
