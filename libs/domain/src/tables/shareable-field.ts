/**
 * The catalog of case facts a table may ever receive: everything the tables app knows of a case, by name.
 * A sharing profile can only name these. Each field has a category, so rules can be stated per category
 * (zorg details never reach a table that does not receive zorg data, such as the RIEC).
 *
 * Values: case facts are scalars; facts that come from the case's signals are lists of distinct values
 * (a case may hold several signals), empty when no signal carries the fact.
 */
export const SHAREABLE_FIELDS = {
  referralReason: { category: 'case', description: 'Why the coordinator refers the case' },
  caseState: { category: 'case', description: 'The state (phase, step) the case is in at the referral' },
  openedAt: { category: 'case', description: 'When the case was opened' },
  responsibilities: { category: 'case', description: 'Current holders of casusregie, procesregie, operationele and bestuurlijke verantwoordelijkheid' },
  signalSources: { category: 'case', description: 'Sources of the case\'s signals (mma, intern-meldpunt, zorgmelding)' },
  sharedNotes: { category: 'case', description: 'Notes the coordinator marked `deelbaar` (text and time)' },
  theme: { category: 'ondermijning', description: 'MMA themes of the tips' },
  description: { category: 'ondermijning', description: 'Text of the MMA tips and intern-meldpunt reports' },
  indicators: { category: 'ondermijning', description: 'Red flags named in intern-meldpunt reports' },
  involvedParty: { category: 'ondermijning', description: 'Business, person or address a report is about (kind, name, KvK number, address)' },
  area: { category: 'location', description: 'Area (wijk, buurt) of the signals' },
  address: { category: 'location', description: 'Address of the signals' },
  postcode: { category: 'location', description: 'Postcode of the signals' },
  subjectName: { category: 'person', description: 'Name of the person a zorgmelding is about' },
  subjectBirthDate: { category: 'person', description: 'Birth date of the person a zorgmelding is about' },
  subjectAddress: { category: 'person', description: 'Address of the person a zorgmelding is about' },
  concern: { category: 'zorg', description: 'What worries the reporter of a zorgmelding (health data)' },
  urgency: { category: 'zorg', description: 'Urgency of a zorgmelding' },
  wvggz: { category: 'zorg', description: 'Whether a zorgmelding is a Wvggz melding' },
} as const satisfies Record<string, { category: FieldCategory; description: string }>;

export const FIELD_CATEGORIES = ['case', 'ondermijning', 'location', 'person', 'zorg'] as const;
export type FieldCategory = (typeof FIELD_CATEGORIES)[number];

export type ShareableField = keyof typeof SHAREABLE_FIELDS;

/** Every shareable field name, in catalog order. */
export const SHAREABLE_FIELD_NAMES = Object.keys(SHAREABLE_FIELDS) as ShareableField[];

/**
 * Names that can never be in a profile: reporter identity and the BSN never leave the municipality. The
 * tables app does not even store them; a profile naming one is refused with a message that says why.
 */
export const NEVER_SHARED_FIELDS = ['bsn', 'subjectBsn', 'reporter', 'reporterRef', 'reporterName', 'reporterContact', 'reporterRelation', 'employeeId'] as const;

/** True when `value` is a field of {@link SHAREABLE_FIELDS}. */
export function isShareableField(value: unknown): value is ShareableField {
  return typeof value === 'string' && Object.hasOwn(SHAREABLE_FIELDS, value);
}

/** Fields that are the case's own; every other field's values come from the case's signals. */
const CASE_OWN_FIELDS: ReadonlySet<ShareableField> = new Set<ShareableField>(['referralReason', 'caseState', 'openedAt', 'responsibilities', 'sharedNotes']);

/**
 * True when the field's values come from the case's signals (their facts reach the tables app on the signals
 * topic, possibly after the case event that shares them), false for the case's own facts.
 */
export function comesFromSignals(field: ShareableField): boolean {
  return !CASE_OWN_FIELDS.has(field);
}

/** The category of a shareable field. */
export function categoryOf(field: ShareableField): FieldCategory {
  return SHAREABLE_FIELDS[field].category;
}
