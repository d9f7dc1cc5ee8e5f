import type { ModelDefinition } from '../model-definition.js';
import { freezeModel } from '../freeze-model.js';

const COORDINATOR = ['coordinator'] as const;
const WEGING = { casusregie: 'procescoordinator', procesregie: 'procescoordinator' } as const;

/**
 * Intake of undermining signals after the CCV *Modelprotocol ondermijning*: ontvangst, three weighings
 * (is it undermining, does it touch a municipal task, is it concrete/recent/part of a trend) and a decision:
 * no action (kept one year encrypted, then destroyed), a municipal department, the RIEC (which takes
 * procesregie), or further analysis that returns to weging 3. Signals that are not undermining or touch no
 * municipal task leave after weging 1 or 2. The 7-day pickup term (Hengelo) is a default: a municipality
 * publishes its own version to change it.
 */
export const ONDERMIJNING_INTAKE_MODEL: ModelDefinition = freezeModel({
  id: 'ondermijning-intake',
  version: 1,
  title: 'Ondermijning: van signaal tot aanpak',
  description: 'Ontvangst en weging van signalen van ondermijning (CCV modelprotocol) tot een besluit.',
  initialState: 'ontvangst',
  states: [
    { id: 'ontvangst', title: 'Ontvangst en intake', responsibilities: WEGING },
    { id: 'weging-1', title: 'Weging 1: is het ondermijning?', responsibilities: WEGING },
    { id: 'weging-2', title: 'Weging 2: raakt het een gemeentelijke taak?', responsibilities: WEGING },
    { id: 'weging-3', title: 'Weging 3: concreet, recent, trend?', responsibilities: WEGING },
    {
      id: 'niet-ondermijnend',
      title: 'Geen ondermijning: elders belegd',
      terminal: true,
    },
    {
      id: 'geen-gemeentelijke-taak',
      title: 'Geen gemeentelijke taak: doorverwezen',
      terminal: true,
    },
    {
      id: 'geen-actie',
      title: 'Besluit: geen actie',
      terminal: true,
      retentionClass: 'een-jaar-versleuteld-dan-vernietigen',
    },
    {
      id: 'gemeentelijke-afdeling',
      title: 'Besluit: naar gemeentelijke afdeling (regie bij de afdeling)',
      terminal: true,
      responsibilities: { casusregie: 'gemeentelijke-afdeling', procesregie: 'gemeentelijke-afdeling' },
    },
    {
      id: 'riec',
      title: 'Besluit: naar het RIEC (regie bij het RIEC)',
      responsibilities: { procesregie: 'riec' },
      referrals: ['riec'],
    },
    {
      id: 'vervolganalyse',
      title: 'Besluit: nadere analyse',
      responsibilities: WEGING,
      referrals: ['lokale-ondermijningstafel'],
    },
    { id: 'afgesloten', title: 'Afgesloten', terminal: true },
  ],
  transitions: [
    { name: 'start-weging', from: ['ontvangst'], to: 'weging-1', rolesAllowed: COORDINATOR },
    { name: 'ondermijnend', from: ['weging-1'], to: 'weging-2', rolesAllowed: COORDINATOR },
    {
      name: 'niet-ondermijnend',
      from: ['weging-1'],
      to: 'niet-ondermijnend',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
      optionalFields: ['doorverwezenNaar'],
    },
    { name: 'gemeentelijke-taak', from: ['weging-2'], to: 'weging-3', rolesAllowed: COORDINATOR },
    {
      name: 'geen-gemeentelijke-taak',
      from: ['weging-2'],
      to: 'geen-gemeentelijke-taak',
      rolesAllowed: COORDINATOR,
      requires: { reason: true, fields: ['doorverwezenNaar'] },
    },
    {
      name: 'besluit-geen-actie',
      from: ['weging-3'],
      to: 'geen-actie',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    {
      name: 'besluit-gemeentelijke-afdeling',
      from: ['weging-3'],
      to: 'gemeentelijke-afdeling',
      rolesAllowed: COORDINATOR,
      requires: { reason: true, fields: ['afdeling'] },
    },
    {
      name: 'besluit-riec',
      from: ['weging-3'],
      to: 'riec',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    {
      name: 'besluit-vervolganalyse',
      from: ['weging-3'],
      to: 'vervolganalyse',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    {
      name: 'terug-naar-weging-3',
      from: ['vervolganalyse'],
      to: 'weging-3',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    {
      // The RIEC may hand a case back (e.g. not beyond the municipality's own means).
      name: 'retour-van-riec',
      from: ['riec'],
      to: 'weging-3',
      rolesAllowed: ['coordinator', 'table-member'],
      tables: ['riec'],
      requires: { reason: true },
    },
    {
      name: 'afsluiten-na-riec',
      from: ['riec'],
      to: 'afgesloten',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
  ],
  deadlines: [
    {
      id: 'oppakken',
      state: 'ontvangst',
      startsOn: 'signal-received',
      duration: { amount: 7, unit: 'calendar-days' },
      approachingLeadTime: { amount: 2, unit: 'calendar-days' },
    },
  ],
});
