import { randomBytes, randomInt } from 'node:crypto';
import type { GroupTopics } from '../../../../test/support/kafka-probe.js';
import { INTAKE_APP } from '../../src/intake.app.js';
import { INBOUND_TOPICS } from '../../src/signals/inbound-signal.consumer.js';
import { TRIAGE_QUEUE_CONSUMER, TRIAGE_QUEUE_TOPICS } from '../../src/triage-queue/triage-queue.projection.js';

export { INTAKE_APP };

/** The intake's consumer groups for a KAFKA_CLIENT_ID (see inbound-signal.consumer.ts and triage-queue.projection.ts). */
export const intakeConsumerGroups = (clientId: string): GroupTopics[] => [
  { groupId: `${clientId}.intake.inbound`, topics: INBOUND_TOPICS },
  { groupId: `${clientId}.${TRIAGE_QUEUE_CONSUMER}`, topics: TRIAGE_QUEUE_TOPICS },
];

/** A short random tag, to make values findable (and their absence provable) in raw bytes. */
export const tag = (): string => randomBytes(5).toString('hex');

/**
 * A syntactically valid CBS code (GM9xxx) of no real municipality, unique enough per test file: signals
 * of other test runs on the shared topics reach every running triage queue, and a municipality of its
 * own keeps a test's queue listing free of them.
 */
export const testMunicipality = (): string => `GM9${String(randomInt(0, 1000)).padStart(3, '0')}`;

/** Two different test municipalities. */
export function twoMunicipalities(): [string, string] {
  const a = testMunicipality();
  let b = testMunicipality();
  while (b === a) b = testMunicipality();
  return [a, b];
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

export function mmaPayload(municipality: string, overrides: Record<string, unknown> = {}) {
  return {
    externalRef: `MMA-${tag()}`,
    receivedAt: minutesAgo(5),
    theme: 'drugs',
    description: 'Vermoedelijk een hennepkwekerij op zolder; veel stroomverbruik en afgeplakte ramen.',
    location: { municipality, area: 'Binnenstad' },
    ...overrides,
  };
}

export function internMeldpuntPayload(municipality: string, reporter = { employeeId: `E-${tag()}`, department: `Vergunningen-${tag()}` }, overrides: Record<string, unknown> = {}) {
  return {
    description: 'Contante betalingen voor een horecavergunning, wisselende leidinggevenden.',
    indicators: ['contante betalingen', 'wisselende huurders'],
    location: { municipality, address: 'Marktstraat 1', postcode: '7511 AA' },
    involved: { kind: 'business', name: 'Snackbar De Hoek', kvkNumber: '12345678' },
    reporter,
    ...overrides,
  };
}

export function zorgmeldingPayload(
  municipality: string,
  reporter = { name: `Melder ${tag()}`, contact: `melder-${tag()}@example.nl`, relation: 'familie' },
  overrides: Record<string, unknown> = {},
) {
  return {
    subject: { name: 'J. de Vries', birthDate: '1980-05-17', bsn: '111222333', address: 'Dorpsstraat 2' },
    concern: 'Verward gedrag, verwaarloost zichzelf, dreigt huis uit gezet te worden.',
    urgency: 'hoog',
    wvggz: true,
    location: { municipality },
    reporter,
    ...overrides,
  };
}
