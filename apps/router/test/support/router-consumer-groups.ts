import { REFERRAL_TOPICS } from '#contracts';
import { REFERRAL_OUTCOMES_CONSUMER } from '../../src/referrals/referral-outcomes.consumer.js';
import type { GroupTopics } from '../../../../test/support/kafka-probe.js';
import { ROUTER_SIGNALS_CONSUMER, ROUTER_SIGNALS_TOPICS } from '../../src/signals/router-signals.projection.js';

/** The router's consumer groups for a KAFKA_CLIENT_ID (the signals read model reads the signals and cases topics). */
export const ROUTER_CONSUMER_GROUPS = (clientId: string): GroupTopics[] => [
  { groupId: `${clientId}.${ROUTER_SIGNALS_CONSUMER}`, topics: ROUTER_SIGNALS_TOPICS },
  { groupId: `${clientId}.${REFERRAL_OUTCOMES_CONSUMER}`, topics: [REFERRAL_TOPICS.referrals] },
];
