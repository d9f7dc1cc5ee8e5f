import type { ModelDuration, Responsibilities } from '../models/model-definition.js';

/**
 * What a table may receive and why: the allowed fields per case type (model id), the legal basis and the
 * processing activity recorded on every disclosure. A case type that is not listed is not shared at all.
 */
export interface SharingProfile {
  /** E.g. `AVG art. 6(1)(e); Wgs art. 2.3 (RIEC)`; recorded on the referral event and the disclosure. */
  readonly legalBasis: string;
  /** Id in the register of processing activities (`verstrekking-riec`). */
  readonly processingActivity: string;
  /** Case type (model id) → shareable field names (see `SHAREABLE_FIELDS`). */
  readonly fields: { readonly [caseType: string]: readonly string[] };
}

/** A table (regional or local case meeting) cases are referred to. Configuration, validated at start-up. */
export interface TableDefinition {
  /** Kebab-case id, the same as models use in `referrals` (`riec`, `zvh-casusoverleg`). */
  readonly id: string;
  readonly title: string;
  /** CBS codes of the municipalities the table serves (its region). */
  readonly municipalities: readonly string[];
  /** Kafka topic referrals are published to: `signaalroute.tables.<id>.v1`. */
  readonly topic: string;
  /** How long the table has to accept or return a referral, from the referral. */
  readonly acceptanceDeadline: ModelDuration;
  /** When set, a reminder goes out this long before the acceptance deadline. */
  readonly reminderLeadTime?: ModelDuration;
  /** Whether zorg (health) details may reach this table at all; false for the RIEC. */
  readonly receivesZorg: boolean;
  /** Responsibilities the table takes over when it accepts (`{ procesregie: 'zvh' }`). */
  readonly takesOver: Responsibilities;
  readonly profile: SharingProfile;
}

/** One step of an escalation policy: who is alerted, how long they have to acknowledge, how often. */
export interface EscalationTier {
  /** Kebab-case id (`dienstdoende-liaison`, `backup-liaison`, `teamchef`). */
  readonly id: string;
  readonly title: string;
  /** Minutes the tier has to acknowledge each notification. */
  readonly ackTimeoutMinutes: number;
  /** Extra notifications of this tier before moving on (0 = notify once). */
  readonly repeat: number;
}

/** Ordered tiers for the municipalities listed (`'*'` = every municipality without a policy of its own). */
export interface EscalationPolicy {
  readonly id: string;
  readonly municipalities: readonly string[] | '*';
  readonly tiers: readonly EscalationTier[];
}

/** When a case event escalates to the police. */
export interface EscalationTriggers {
  /** Notification event types that escalate (`MayorInformed`: AVE 4 reached). */
  readonly notifications: readonly string[];
  /** Transitions into a state that escalate (`{ modelId: '7-stappenmodel', to: 'stap-2b' }`). */
  readonly transitions: readonly { readonly modelId: string; readonly to: string }[];
  /** Breached deadlines that escalate; without `definitionId` every deadline of the model. */
  readonly deadlinesBreached: readonly { readonly modelId: string; readonly definitionId?: string }[];
}

/**
 * A municipality's own closing days: days its offices are collectively closed (e.g. between Christmas and New
 * Year) that do not count as working days for its cases' terms and its referrals' acceptance deadlines, on top of
 * the statutory holidays of the Algemene termijnenwet. A due moment is computed once, when its term opens (or is
 * moved), and stored in the event: a calendar changed later only counts for terms computed after the change.
 */
export interface MunicipalityCalendar {
  /** CBS code of the municipality; a table of the same configuration must serve it. */
  readonly municipality: string;
  /** The closing days, `YYYY-MM-DD` (Dutch calendar dates), each once; at most `MAX_CLOSING_DAYS`. */
  readonly closingDays: readonly string[];
}

/** The regional configuration: the tables and escalation the tables app runs, and the municipalities' calendars. */
export interface TablesConfig {
  readonly tables: readonly TableDefinition[];
  readonly escalation: {
    readonly triggers: EscalationTriggers;
    readonly policies: readonly EscalationPolicy[];
  };
  /** Per municipality its own closing days (optional: without it, working days are the statutory ones only). */
  readonly calendars?: readonly MunicipalityCalendar[];
}
