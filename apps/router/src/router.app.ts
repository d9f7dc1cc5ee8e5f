import { REFERRAL_TOPICS, TOPICS } from '#contracts';
import { ROUTER_MIGRATIONS } from './router.migrations.js';
import { RouterModule } from './router.module.js';

/** What the router app contributes to a process: its module, its tables and its topics. */
export const ROUTER_APP = {
  name: 'router',
  module: RouterModule,
  migrations: ROUTER_MIGRATIONS,
  topics: [TOPICS.cases, TOPICS.signals, REFERRAL_TOPICS.referrals],
} as const;
