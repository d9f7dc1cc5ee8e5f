import type { ModelDefinition, ModelNotification } from '../model-definition.js';
import { freezeModel } from '../freeze-model.js';

const COORDINATOR = ['coordinator'] as const;

/**
 * Under the Wvggz only an essentiële naaste who reported may be told the outcome: the event says so,
 * and for any other reporter nothing about the reporter is raised at all.
 */
const REPORTER_MAY_BE_INFORMED: readonly ModelNotification[] = [
  { type: 'ReporterMayBeInformed', audience: 'melder', when: { reporterRelationIs: 'essentiele-naaste' } },
];

/**
 * Wvggz verkennend onderzoek: after a Wvggz melding the municipality investigates within 14 days of the
 * report (a default: configurable by publishing a version), then decides on voluntary care, an application
 * to the officier van justitie for a zorgmachtiging, or closing.
 */
export const WVGGZ_VERKENNEND_ONDERZOEK_MODEL: ModelDefinition = freezeModel({
  id: 'wvggz-verkennend-onderzoek',
  version: 1,
  title: 'Wvggz verkennend onderzoek',
  description: 'Verkennend onderzoek na een Wvggz-melding, binnen 14 dagen na de melding, met drie uitkomsten.',
  initialState: 'ontvangen',
  states: [
    {
      id: 'ontvangen',
      title: 'Melding ontvangen',
      responsibilities: { casusregie: 'meldpunt-zorgwekkend-gedrag', bestuurlijkeVerantwoordelijkheid: 'burgemeester' },
    },
    {
      id: 'verkennend-onderzoek',
      title: 'Verkennend onderzoek',
      responsibilities: { casusregie: 'ggd', operationeleVerantwoordelijkheid: 'ggd' },
    },
    {
      id: 'vrijwillige-zorg',
      title: 'Uitkomst: vrijwillige zorg',
      terminal: true,
      responsibilities: { casusregie: 'zorgaanbieder', operationeleVerantwoordelijkheid: 'zorgaanbieder' },
      notifications: REPORTER_MAY_BE_INFORMED,
    },
    {
      id: 'aanvraag-ovj',
      title: 'Uitkomst: aanvraag zorgmachtiging bij de officier van justitie',
      terminal: true,
      responsibilities: { casusregie: 'officier-van-justitie', operationeleVerantwoordelijkheid: 'officier-van-justitie' },
      notifications: REPORTER_MAY_BE_INFORMED,
    },
    {
      id: 'afgesloten',
      title: 'Uitkomst: afgesloten',
      terminal: true,
      notifications: REPORTER_MAY_BE_INFORMED,
    },
  ],
  transitions: [
    { name: 'start-verkennend-onderzoek', from: ['ontvangen'], to: 'verkennend-onderzoek', rolesAllowed: COORDINATOR },
    {
      name: 'besluit-vrijwillige-zorg',
      from: ['verkennend-onderzoek'],
      to: 'vrijwillige-zorg',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    {
      name: 'besluit-aanvraag-ovj',
      from: ['verkennend-onderzoek'],
      to: 'aanvraag-ovj',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    {
      name: 'besluit-afsluiten',
      from: ['verkennend-onderzoek'],
      to: 'afgesloten',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
  ],
  deadlines: [
    {
      id: 'verkennend-onderzoek-afgerond',
      state: 'verkennend-onderzoek',
      startsOn: 'signal-received',
      duration: { amount: 14, unit: 'calendar-days' },
      approachingLeadTime: { amount: 3, unit: 'calendar-days' },
    },
  ],
});
