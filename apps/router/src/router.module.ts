import { Module } from '@nestjs/common';
import { CasesModule } from './cases/cases.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { ModelsModule } from './models/models.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { RouterSignalsModule } from './signals/router-signals.module.js';
import { StatisticsModule } from './statistics/statistics.module.js';
import { TriageModule } from './triage/triage.module.js';

/**
 * The router: coordinators triage signals (subjects, dismissals) and turn them into cases that run through
 * versioned escalation models, with durable deadlines and regie. Its read models (signals, subjects, case
 * view) are fed by its own events and the signals and cases topics; tables' answers to referrals come back
 * on the referrals topic.
 */
@Module({
  imports: [ModelsModule, RouterSignalsModule, TriageModule, CasesModule, DeadlinesModule, ReferralsModule, PrivacyModule, StatisticsModule],
})
export class RouterModule {}
