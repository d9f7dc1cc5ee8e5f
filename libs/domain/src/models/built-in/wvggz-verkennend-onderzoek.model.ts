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

const ID = 'wvggz-verkennend-onderzoek';
const TITLE = 'Wvggz verkennend onderzoek';
const DESCRIPTION = 'Verkennend onderzoek na een Wvggz-melding, binnen 14 dagen na de melding, met drie uitkomsten.';
const DEADLINE_ID = 'verkennend-onderzoek-afgerond';
const FOURTEEN_DAYS = { amount: 14, unit: 'calendar-days' } as const;
const THREE_DAYS = { amount: 3, unit: 'calendar-days' } as const;

const STATES: ModelDefinition['states'] = [
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
];

const TRANSITIONS: ModelDefinition['transitions'] = [
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
];

/**
 * Version 1 as shipped, unchanged (a published version never changes; cases opened on it stay pinned to it): the
 * 14-day term opens only when the case enters `verkennend-onderzoek`, so a case left in `ontvangen` had no term.
 * Version 2 corrects that; a v1 case moves to it with `POST /v1/cases/{id}/model-version` (identity mapping).
 */
export const WVGGZ_VERKENNEND_ONDERZOEK_MODEL_V1: ModelDefinition = freezeModel({
  id: ID,
  version: 1,
  title: TITLE,
  description: DESCRIPTION,
  initialState: 'ontvangen',
  states: STATES,
  transitions: TRANSITIONS,
  deadlines: [
    {
      id: DEADLINE_ID,
      state: 'verkennend-onderzoek',
      startsOn: 'signal-received',
      duration: FOURTEEN_DAYS,
      approachingLeadTime: THREE_DAYS,
    },
  ],
});

/**
 * Wvggz verkennend onderzoek (version 2, the default for new cases): after a Wvggz melding the municipality
 * investigates within 14 days of the report (a default: configurable by publishing a version), then decides on
 * voluntary care, an application to the officier van justitie for a zorgmachtiging, or closing. The term runs from
 * the report, so from the first state on: it opens when the case is opened in `ontvangen` and runs on, the same
 * instance, in `verkennend-onderzoek`; an outcome closes it.
 */
export const WVGGZ_VERKENNEND_ONDERZOEK_MODEL: ModelDefinition = freezeModel({
  id: ID,
  version: 2,
  title: TITLE,
  description: DESCRIPTION,
  initialState: 'ontvangen',
  states: STATES,
  transitions: TRANSITIONS,
  deadlines: [
    {
      id: DEADLINE_ID,
      state: 'ontvangen',
      runsIn: ['verkennend-onderzoek'],
      startsOn: 'signal-received',
      duration: FOURTEEN_DAYS,
      approachingLeadTime: THREE_DAYS,
    },
  ],
});
