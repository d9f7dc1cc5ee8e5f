import type { EscalationTier, TablesConfig } from './table-definition.js';

/** The 14 Twente municipalities (CBS codes) that RIEC Oost-Nederland and ZVH Twente serve here. */
export const TWENTE_MUNICIPALITIES = [
  'GM0141', // Almelo
  'GM0147', // Borne
  'GM1774', // Dinkelland
  'GM0153', // Enschede
  'GM0158', // Haaksbergen
  'GM0163', // Hellendoorn
  'GM0164', // Hengelo
  'GM1735', // Hof van Twente
  'GM0168', // Losser
  'GM0173', // Oldenzaal
  'GM1742', // Rijssen-Holten
  'GM0183', // Tubbergen
  'GM1700', // Twenterand
  'GM0189', // Wierden
] as const;

const ONDERMIJNING = ['referralReason', 'caseState', 'openedAt', 'signalSources', 'theme', 'description', 'indicators', 'involvedParty', 'area', 'address', 'postcode', 'sharedNotes'];
const ZVH_PERSON = ['referralReason', 'caseState', 'openedAt', 'responsibilities', 'subjectName', 'subjectBirthDate', 'subjectAddress', 'sharedNotes'];

const TWENTE_TIERS: EscalationTier[] = [
  { id: 'dienstdoende-liaison', title: 'Dienstdoende politieliaison', ackTimeoutMinutes: 15, repeat: 1 },
  { id: 'backup-liaison', title: 'Achterwacht politieliaison', ackTimeoutMinutes: 15, repeat: 0 },
  { id: 'teamchef', title: 'Teamchef basisteam', ackTimeoutMinutes: 30, repeat: 0 },
];

/**
 * The tables as shipped: data, checked by `validateTablesConfig` at start-up. A deployment replaces it with a
 * file of the same shape. Profiles follow data minimisation: each case type gets the fields the table needs
 * for its task, zorg details only where the table works on care (never the RIEC), and reporter identity and
 * the BSN nowhere (they cannot be named).
 */
export const BUILT_IN_TABLES_CONFIG: TablesConfig = deepFreeze<TablesConfig>({
  tables: [
    {
      id: 'riec',
      title: 'RIEC Oost-Nederland',
      municipalities: TWENTE_MUNICIPALITIES,
      topic: 'signaalroute.tables.riec.v1',
      acceptanceDeadline: { amount: 10, unit: 'working-days' },
      reminderLeadTime: { amount: 2, unit: 'working-days' },
      receivesZorg: false,
      takesOver: { procesregie: 'riec' },
      profile: {
        legalBasis: 'AVG art. 6(1)(e) en art. 10; Wet gegevensverwerking door samenwerkingsverbanden (Wgs); RIEC-convenant Oost-Nederland (gezamenlijke verwerkingsverantwoordelijken)',
        processingActivity: 'verstrekking-riec',
        fields: { 'ondermijning-intake': ONDERMIJNING },
      },
    },
    {
      id: 'lokale-ondermijningstafel',
      title: 'Lokale ondermijningstafel',
      municipalities: TWENTE_MUNICIPALITIES,
      topic: 'signaalroute.tables.lokale-ondermijningstafel.v1',
      acceptanceDeadline: { amount: 7, unit: 'calendar-days' },
      reminderLeadTime: { amount: 2, unit: 'calendar-days' },
      receivesZorg: false,
      takesOver: {},
      profile: {
        legalBasis: 'AVG art. 6(1)(e); Gemeentewet art. 172 en 174; convenant lokale ondermijningstafel',
        processingActivity: 'verstrekking-lokale-ondermijningstafel',
        fields: { 'ondermijning-intake': [...ONDERMIJNING, 'responsibilities'] },
      },
    },
    {
      id: 'zvh-casusoverleg',
      title: 'Zorg- en Veiligheidshuis Twente: casusoverleg',
      municipalities: TWENTE_MUNICIPALITIES,
      topic: 'signaalroute.tables.zvh-casusoverleg.v1',
      acceptanceDeadline: { amount: 5, unit: 'working-days' },
      reminderLeadTime: { amount: 1, unit: 'working-days' },
      receivesZorg: true,
      takesOver: { procesregie: 'zvh' },
      profile: {
        legalBasis: 'AVG art. 6(1)(e) en art. 9(2)(g) jo. UAVG art. 30; Wet gegevensverwerking door samenwerkingsverbanden (Wgs); privacyconvenant Zorg- en Veiligheidshuis Twente',
        processingActivity: 'verstrekking-zvh-casusoverleg',
        fields: {
          ave: [...ZVH_PERSON, 'signalSources', 'area', 'concern', 'urgency'],
          'wvggz-verkennend-onderzoek': [...ZVH_PERSON, 'concern', 'urgency', 'wvggz'],
        },
      },
    },
    {
      id: 'zvh-jor',
      title: 'Zorg- en Veiligheidshuis Twente: Justitieel Overleg Risicojongeren (JOR)',
      municipalities: TWENTE_MUNICIPALITIES,
      topic: 'signaalroute.tables.zvh-jor.v1',
      acceptanceDeadline: { amount: 5, unit: 'working-days' },
      reminderLeadTime: { amount: 1, unit: 'working-days' },
      receivesZorg: true,
      takesOver: { procesregie: 'zvh' },
      profile: {
        legalBasis: 'AVG art. 6(1)(e) en art. 10; Wet gegevensverwerking door samenwerkingsverbanden (Wgs); privacyconvenant Zorg- en Veiligheidshuis Twente',
        processingActivity: 'verstrekking-zvh-jor',
        fields: { ave: ZVH_PERSON },
      },
    },
    {
      id: 'zvh-topx',
      title: 'Zorg- en Veiligheidshuis Twente: Top X',
      municipalities: TWENTE_MUNICIPALITIES,
      topic: 'signaalroute.tables.zvh-topx.v1',
      acceptanceDeadline: { amount: 5, unit: 'working-days' },
      reminderLeadTime: { amount: 1, unit: 'working-days' },
      receivesZorg: true,
      takesOver: { procesregie: 'zvh' },
      profile: {
        legalBasis: 'AVG art. 6(1)(e) en art. 10; Wet gegevensverwerking door samenwerkingsverbanden (Wgs); privacyconvenant Zorg- en Veiligheidshuis Twente',
        processingActivity: 'verstrekking-zvh-topx',
        fields: { ave: ZVH_PERSON },
      },
    },
    {
      id: 'jeugdgroepenoverleg',
      title: 'Jeugdgroepenoverleg (Jeugd & Veiligheid)',
      municipalities: TWENTE_MUNICIPALITIES,
      topic: 'signaalroute.tables.jeugdgroepenoverleg.v1',
      acceptanceDeadline: { amount: 10, unit: 'working-days' },
      reminderLeadTime: { amount: 2, unit: 'working-days' },
      receivesZorg: false,
      takesOver: {},
      profile: {
        legalBasis: 'AVG art. 6(1)(e); Gemeentewet art. 172; modelconvenant jeugdgroepaanpak',
        processingActivity: 'verstrekking-jeugdgroepenoverleg',
        fields: { '7-stappenmodel': ['referralReason', 'caseState', 'openedAt', 'responsibilities', 'signalSources', 'area', 'description', 'sharedNotes'] },
      },
    },
    {
      id: 'politie',
      title: 'Politie Oost-Nederland: liaison',
      municipalities: TWENTE_MUNICIPALITIES,
      topic: 'signaalroute.tables.politie.v1',
      acceptanceDeadline: { amount: 24, unit: 'hours' },
      reminderLeadTime: { amount: 4, unit: 'hours' },
      receivesZorg: false,
      takesOver: { operationeleVerantwoordelijkheid: 'politie' },
      profile: {
        legalBasis: 'AVG art. 6(1)(e); Gemeentewet art. 172 en 174 (openbare orde en veiligheid); Politiewet 2012 art. 3',
        processingActivity: 'verstrekking-politie',
        fields: {
          ave: ['referralReason', 'caseState', 'responsibilities', 'subjectName', 'subjectBirthDate', 'subjectAddress', 'area', 'sharedNotes'],
          'ondermijning-intake': ['referralReason', 'caseState', 'theme', 'description', 'involvedParty', 'area', 'address', 'postcode'],
          '7-stappenmodel': ['referralReason', 'caseState', 'responsibilities', 'area', 'description', 'sharedNotes'],
        },
      },
    },
  ],
  escalation: {
    triggers: {
      notifications: ['MayorInformed'],
      // Step 2B: the police draws up the name list and the groepsscan.
      transitions: [{ modelId: '7-stappenmodel', to: 'stap-2b' }],
      deadlinesBreached: [{ modelId: 'ave' }, { modelId: 'ondermijning-intake', definitionId: 'oppakken' }],
    },
    policies: [
      { id: 'twente', municipalities: TWENTE_MUNICIPALITIES, tiers: TWENTE_TIERS },
      {
        id: 'standaard',
        municipalities: '*',
        tiers: [
          { id: 'dienstdoende-liaison', title: 'Dienstdoende politieliaison', ackTimeoutMinutes: 30, repeat: 0 },
          { id: 'teamchef', title: 'Teamchef basisteam', ackTimeoutMinutes: 60, repeat: 0 },
        ],
      },
    ],
  },
});

/** Freezes the shipped configuration so nothing changes it in place by accident. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
