import type { RetentionConfig } from './retention-rule.js';
import { BUILT_IN_SUBJECT_RETENTION } from './subject-retention.js';

/**
 * The built-in retention rules (used when no `RETENTION_RULES_FILE` is configured), first match wins.
 * Only the first is from the domain brief (CCV *Modelprotocol ondermijning*: a "no action" undermining
 * signal is kept encrypted for one year, then destroyed); the others are the product's proposals, to be
 * confirmed (or replaced through a rules file) by each municipality — see the README, "Retention and legal holds".
 * Registered subjects follow `subjectRetentionDecision`, with the built-in period for never-linked subjects.
 */
export const BUILT_IN_RETENTION_CONFIG: RetentionConfig = Object.freeze({
  rules: Object.freeze([
    {
      id: 'ondermijning-geen-actie',
      title: 'Ondermijningssignaal met besluit geen actie: één jaar na het besluit vernietigen (CCV modelprotocol)',
      sources: ['mma', 'intern-meldpunt'],
      // By the class the model declares on its "no action" state, not by the state's id: a version that renames
      // the state keeps the one year (by id, its cases fell through to casus-afgesloten: five years).
      outcome: { kind: 'case-closed', retentionClasses: ['een-jaar-versleuteld-dan-vernietigen'] },
      keep: { amount: 1, unit: 'years' },
    },
    {
      // A published intake version whose no-action state declares no retention class still keeps the protocol's year.
      id: 'ondermijning-geen-actie-zonder-klasse',
      title: 'Ondermijningssignaal met besluit geen actie in een modelversie zonder bewaarklasse: één jaar na het besluit vernietigen (CCV modelprotocol)',
      sources: ['mma', 'intern-meldpunt'],
      outcome: { kind: 'case-closed', model: 'ondermijning-intake', states: ['geen-actie'] },
      keep: { amount: 1, unit: 'years' },
    },
    {
      id: 'ondermijning-elders-belegd',
      title: 'Signaal niet ondermijnend of geen gemeentelijke taak (doorverwezen): één jaar na het besluit vernietigen',
      sources: ['mma', 'intern-meldpunt'],
      outcome: { kind: 'case-closed', model: 'ondermijning-intake', states: ['niet-ondermijnend', 'geen-gemeentelijke-taak'] },
      keep: { amount: 1, unit: 'years' },
    },
    {
      id: 'zorg-casus-afgesloten',
      title: 'Zorgmelding in een afgesloten zaak (o.a. Wvggz verkennend onderzoek, AVE): twee jaar na het afsluiten vernietigen',
      sources: ['zorgmelding'],
      outcome: { kind: 'case-closed' },
      keep: { amount: 2, unit: 'years' },
    },
    {
      id: 'casus-afgesloten',
      title: 'Signaal in een afgesloten zaak (overige besluiten): vijf jaar na het afsluiten vernietigen',
      outcome: { kind: 'case-closed' },
      keep: { amount: 5, unit: 'years' },
    },
    {
      id: 'signaal-afgewezen',
      title: 'Signaal afgewezen bij de triage: één jaar na de afwijzing vernietigen',
      outcome: { kind: 'dismissed' },
      keep: { amount: 1, unit: 'years' },
    },
    {
      id: 'signaal-zonder-zaak',
      title: 'Signaal nooit in een zaak opgenomen en niet afgewezen: twee jaar na ontvangst vernietigen',
      outcome: { kind: 'not-in-case' },
      keep: { amount: 2, unit: 'years' },
    },
  ]),
  subjects: BUILT_IN_SUBJECT_RETENTION,
}) as RetentionConfig;
