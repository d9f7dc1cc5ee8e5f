import { REFERRAL_TOPICS, TOPICS } from '#contracts';
import { ROUTER_MIGRATIONS } from './router.migrations.js';
import { CASE_VIEW_PROJECTION } from './cases/case-view.projection.js';
import { checkRouterConfiguration } from './router.configuration.js';
import { RouterModule } from './router.module.js';
import { ROUTER_SIGNALS_CONSUMER, ROUTER_SIGNALS_PROJECTION, ROUTER_SIGNALS_TOPICS } from './signals/router-signals.projection.js';
import { SUBJECT_REGISTRY_PROJECTION } from './subjects/subject-registry.projection.js';

/**
 * What the router app contributes to a process: its module, its tables, its topics, its rebuildable read models and
 * the check of its configuration files.
 */
export const ROUTER_APP = {
  name: 'router',
  module: RouterModule,
  migrations: ROUTER_MIGRATIONS,
  topics: [TOPICS.cases, TOPICS.signals, REFERRAL_TOPICS.referrals],
  projections: [CASE_VIEW_PROJECTION, ROUTER_SIGNALS_PROJECTION, SUBJECT_REGISTRY_PROJECTION],
  inboxConsumers: [{ consumer: ROUTER_SIGNALS_CONSUMER, topics: ROUTER_SIGNALS_TOPICS }],
  requestKeyTables: [{ table: 'case_request_keys' }, { table: 'subject_request_keys' }, { table: 'legal_hold_request_keys' }],
  checkConfiguration: checkRouterConfiguration,
} as const;
