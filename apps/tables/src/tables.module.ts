import { Module } from '@nestjs/common';
import { CaseEventsConsumer } from './case-events/case-events.consumer.js';
import { CaseSheetStore } from './case-events/case-sheet.store.js';
import { PendingEscalationFactsStore } from './case-events/pending-escalation-facts.store.js';
import { PendingReferralStore } from './case-events/pending-referral.store.js';
import { TABLES_CONFIG_PROVIDERS } from './config/tables-config.provider.js';
import { DisclosuresController } from './disclosures/disclosures.controller.js';
import { EscalationRaiser } from './liaison/escalation-raiser.js';
import { EscalationStepsService } from './liaison/escalation-steps.service.js';
import { EscalationRepository } from './liaison/escalation.repository.js';
import { LiaisonController } from './liaison/liaison.controller.js';
import { LiaisonFeedNotifier } from './liaison/liaison-feed.notifier.js';
import { LiaisonFeedRepository } from './liaison/liaison-feed.repository.js';
import { ReferralDecisionService } from './referrals/referral-decision.service.js';
import { ReferralPublisher } from './referrals/referral-publisher.js';
import { CaseMinimiser } from './shared/case-minimiser.js';
import { TableStatisticsModule } from './statistics/table-statistics.module.js';
import { ReferralRegisterRepository } from './referrals/referral-register.repository.js';
import { TableReferralsController } from './referrals/table-referrals.controller.js';
import { AwaitingAnswerGauges } from './timers/awaiting-answer.gauges.js';
import { TablesTimers } from './timers/tables-timers.js';

/**
 * Tables and police liaisons: referrals leave the municipality here, minimised under each table's sharing
 * profile and recorded as disclosures; table members accept or return them; escalations go to the police
 * tier by tier until someone acknowledges.
 */
@Module({
  imports: [TableStatisticsModule],
  controllers: [TableReferralsController, LiaisonController, DisclosuresController],
  providers: [
    ...TABLES_CONFIG_PROVIDERS,
    CaseSheetStore,
    PendingReferralStore,
    PendingEscalationFactsStore,
    CaseEventsConsumer,
    ReferralPublisher,
    CaseMinimiser,
    ReferralRegisterRepository,
    ReferralDecisionService,
    EscalationRaiser,
    EscalationRepository,
    EscalationStepsService,
    LiaisonFeedNotifier,
    LiaisonFeedRepository,
    TablesTimers,
    AwaitingAnswerGauges,
  ],
})
export class TablesModule {}
