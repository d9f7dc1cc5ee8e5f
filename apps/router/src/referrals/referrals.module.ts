import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { ReferralOutcomesConsumer } from './referral-outcomes.consumer.js';

/** Where a table's answer comes back: accepted or returned referrals applied to the case. */
@Module({ imports: [CasesModule], providers: [ReferralOutcomesConsumer] })
export class ReferralsModule {}
