import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { ModelsModule } from '../models/models.module.js';
import { ReferralOutcomesConsumer } from './referral-outcomes.consumer.js';
import { ReferredCaseController } from './referred-case.controller.js';

/**
 * Where a table's answer comes back: accepted or returned referrals applied to the case; and where a table member
 * takes, through an accepted referral, a transition the model gives tables.
 */
@Module({ imports: [CasesModule, ModelsModule], controllers: [ReferredCaseController], providers: [ReferralOutcomesConsumer] })
export class ReferralsModule {}
