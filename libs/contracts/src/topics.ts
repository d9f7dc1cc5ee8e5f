/** Kafka topic names. Versioned: a breaking change gets a new topic, never a rewrite of the old one. */
export const TOPICS = {
  signals: 'signaalroute.signals.v1',
  cases: 'signaalroute.cases.v1',
  deadLetter: 'signaalroute.dead-letter.v1',
  inbound: (source: string) => `signaalroute.inbound.${source}.v1`,
} as const;
