import type { ModelDefinition, Responsibilities } from '../model-definition.js';
import { freezeModel } from '../freeze-model.js';

const COORDINATOR = ['coordinator'] as const;
const REGIE: Responsibilities = {
  casusregie: 'procesregisseur-groepsaanpak',
  procesregie: 'procesregisseur-groepsaanpak',
  bestuurlijkeVerantwoordelijkheid: 'burgemeester',
};
const OVERLEG = ['jeugdgroepenoverleg'] as const;

/**
 * The CCV 7-stappenmodel for problematic youth groups (renewed 2023). The mayor holds regie; the
 * procesregisseur groepsaanpak runs it with the partners in the jeugdgroepenoverleg. Step 2 is split into
 * 2A (share more information; when not problematic the group track stops, with optional individual
 * referrals) and 2B (name list and police groepsscan). Step 6 may loop back to step 4 or 5.
 */
export const ZEVEN_STAPPENMODEL_MODEL: ModelDefinition = freezeModel({
  id: '7-stappenmodel',
  version: 1,
  title: '7-stappenmodel jeugdgroepen',
  description: 'Aanpak van problematische jeugdgroepen in zeven stappen (CCV, 2023).',
  initialState: 'stap-1',
  states: [
    { id: 'stap-1', title: 'Stap 1: signalen over groepsgedrag delen', responsibilities: REGIE },
    { id: 'stap-2a', title: 'Stap 2A: groepsgedrag beoordelen, meer informatie delen', responsibilities: REGIE },
    {
      id: 'stap-2b',
      title: 'Stap 2B: namenlijst en groepsscan politie',
      responsibilities: { ...REGIE, operationeleVerantwoordelijkheid: 'politie' },
      referrals: OVERLEG,
    },
    { id: 'stap-3', title: 'Stap 3: integraal beeld en concept-plan', responsibilities: REGIE, referrals: OVERLEG },
    { id: 'stap-4', title: 'Stap 4: adviseren en prioriteren', responsibilities: REGIE, referrals: OVERLEG },
    { id: 'stap-5', title: 'Stap 5: integraal plan van aanpak', responsibilities: REGIE, referrals: OVERLEG },
    {
      id: 'stap-6',
      title: 'Stap 6: uitvoeren en monitoren',
      responsibilities: { ...REGIE, operationeleVerantwoordelijkheid: 'ketenpartners' },
      referrals: OVERLEG,
    },
    { id: 'stap-7', title: 'Stap 7: afsluiten en evalueren', responsibilities: REGIE, referrals: OVERLEG },
    { id: 'gestopt-na-2a', title: 'Gestopt na stap 2A: niet problematisch', terminal: true },
    { id: 'niet-geprioriteerd', title: 'Niet geprioriteerd', terminal: true },
    { id: 'afgesloten', title: 'Afgesloten', terminal: true },
  ],
  transitions: [
    { name: 'naar-stap-2a', from: ['stap-1'], to: 'stap-2a', rolesAllowed: COORDINATOR },
    {
      name: 'geen-groepsaanpak',
      from: ['stap-1'],
      to: 'afgesloten',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    {
      // Light interventions or individual referrals (zorgmelding, persoonsgerichte aanpak) may be recorded.
      name: 'stoppen-na-2a',
      from: ['stap-2a'],
      to: 'gestopt-na-2a',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
      optionalFields: ['individueleDoorverwijzingen'],
    },
    { name: 'naar-stap-2b', from: ['stap-2a'], to: 'stap-2b', rolesAllowed: COORDINATOR, requires: { reason: true } },
    { name: 'naar-stap-3', from: ['stap-2b'], to: 'stap-3', rolesAllowed: COORDINATOR },
    { name: 'naar-stap-4', from: ['stap-3'], to: 'stap-4', rolesAllowed: COORDINATOR },
    { name: 'prioriteren', from: ['stap-4'], to: 'stap-5', rolesAllowed: COORDINATOR, requires: { reason: true } },
    {
      name: 'niet-prioriteren',
      from: ['stap-4'],
      to: 'niet-geprioriteerd',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    { name: 'naar-stap-6', from: ['stap-5'], to: 'stap-6', rolesAllowed: COORDINATOR },
    {
      name: 'herzien-probleemdefinitie',
      from: ['stap-6'],
      to: 'stap-4',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    { name: 'herzien-plan', from: ['stap-6'], to: 'stap-5', rolesAllowed: COORDINATOR, requires: { reason: true } },
    { name: 'naar-stap-7', from: ['stap-6'], to: 'stap-7', rolesAllowed: COORDINATOR },
    {
      // Evaluation shows the approach cannot be scaled down yet.
      name: 'voortzetten',
      from: ['stap-7'],
      to: 'stap-6',
      rolesAllowed: COORDINATOR,
      requires: { reason: true },
    },
    { name: 'afsluiten', from: ['stap-7'], to: 'afgesloten', rolesAllowed: COORDINATOR, requires: { reason: true } },
  ],
  deadlines: [],
});
