import type { ModelDefinition, TransitionRequirements } from '../model-definition.js';
import { freezeModel } from '../freeze-model.js';

const COORDINATOR = ['coordinator'] as const;

/** Opschalen: stagnating cooperation, high complexity, or safety at stake; always with a reason text. */
const OPSCHALEN: TransitionRequirements = {
  reason: true,
  reasonCategories: ['stagnatie', 'complexiteit', 'veiligheid'],
};
/** Afschalen and closing: the situation is under control; the reason says why. */
const MET_REDEN: TransitionRequirements = { reason: true };

/**
 * AVE (Aanpak Voorkoming Escalatie), after GRIP: four phases from green to dark red in which the person's own
 * control decreases. Each phase names the holders of the four responsibilities (typical holders; a municipality
 * fills in its own by publishing a version). Reaching AVE 4 informs the mayor. Transition names are unique per
 * target so the API can list exactly which moves a user may take now.
 */
export const AVE_MODEL: ModelDefinition = freezeModel({
  id: 'ave',
  version: 1,
  title: 'AVE: Aanpak Voorkoming Escalatie',
  description: 'Op- en afschalen in vier fasen (AVE 1 groen tot AVE 4 donkerrood) met regie per fase.',
  initialState: 'ave-1',
  states: [
    {
      id: 'ave-1',
      title: 'AVE 1 (groen): geen problemen of alleen vermoedens; preventie',
      responsibilities: {
        casusregie: 'zelfregie',
        procesregie: 'zelfregie',
        operationeleVerantwoordelijkheid: 'reguliere-hulpverlening',
        bestuurlijkeVerantwoordelijkheid: 'wethouder',
      },
    },
    {
      id: 'ave-2',
      title: 'AVE 2: er is een vraag of een probleem',
      responsibilities: {
        casusregie: 'wijkteam',
        procesregie: 'wijkteam',
        operationeleVerantwoordelijkheid: 'wijkteam',
        bestuurlijkeVerantwoordelijkheid: 'wethouder',
      },
    },
    {
      id: 'ave-3',
      title: 'AVE 3: complexe problemen op meerdere leefgebieden',
      // Procesregie stays with the municipality's procesregisseur until a ZVH table accepts a referral
      // (regie moves only on acceptance).
      responsibilities: {
        casusregie: 'procesregisseur',
        procesregie: 'procesregisseur',
        operationeleVerantwoordelijkheid: 'ketenpartners',
        bestuurlijkeVerantwoordelijkheid: 'wethouder',
      },
      referrals: ['zvh-casusoverleg', 'zvh-jor', 'zvh-topx'],
    },
    {
      id: 'ave-4',
      title: 'AVE 4 (donkerrood): totale escalatie, vaak maatschappelijke onrust',
      // No procesregie here: whoever holds it (the procesregisseur, or the ZVH after acceptance) keeps it.
      responsibilities: {
        casusregie: 'procesregisseur',
        operationeleVerantwoordelijkheid: 'politie',
        bestuurlijkeVerantwoordelijkheid: 'burgemeester',
      },
      referrals: ['zvh-casusoverleg', 'politie'],
      notifications: [{ type: 'MayorInformed', audience: 'burgemeester' }],
    },
    { id: 'afgesloten', title: 'Afgesloten', terminal: true },
  ],
  transitions: [
    { name: 'opschalen-ave-2', from: ['ave-1'], to: 'ave-2', rolesAllowed: COORDINATOR, requires: OPSCHALEN },
    { name: 'opschalen-ave-3', from: ['ave-2'], to: 'ave-3', rolesAllowed: COORDINATOR, requires: OPSCHALEN },
    {
      // Police may escalate to AVE 4 when safety is at stake.
      name: 'opschalen-ave-4',
      from: ['ave-3'],
      to: 'ave-4',
      rolesAllowed: ['coordinator', 'police-liaison'],
      requires: OPSCHALEN,
    },
    { name: 'afschalen-ave-1', from: ['ave-2'], to: 'ave-1', rolesAllowed: COORDINATOR, requires: MET_REDEN },
    { name: 'afschalen-ave-2', from: ['ave-3'], to: 'ave-2', rolesAllowed: COORDINATOR, requires: MET_REDEN },
    { name: 'afschalen-ave-3', from: ['ave-4'], to: 'ave-3', rolesAllowed: COORDINATOR, requires: MET_REDEN },
    {
      name: 'afsluiten',
      from: ['ave-1', 'ave-2', 'ave-3', 'ave-4'],
      to: 'afgesloten',
      rolesAllowed: COORDINATOR,
      requires: MET_REDEN,
    },
  ],
  deadlines: [],
});
