import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_RETENTION_CONFIG, decideReferral, decideSignalTriage, DomainError, newSignalTriageState, validateRetentionConfig } from '#domain';
import { validateDto, type FieldProblem } from '#platform';
import { BreakGlassReviewRequestDto } from '../../apps/audit/src/break-glass/break-glass-review.request.dto.js';
import { ReporterAccessRequestDto } from '../../apps/intake/src/reporter-vault/reporter-access.request.dto.js';
import { EraseSubjectRequestDto } from '../../apps/router/src/privacy/erase-subject.request.dto.js';
import { LiftLegalHoldRequestDto } from '../../apps/router/src/privacy/legal-holds/lift-legal-hold.request.dto.js';
import { PlaceLegalHoldRequestDto } from '../../apps/router/src/privacy/legal-holds/place-legal-hold.request.dto.js';
import { DismissSignalRequestDto } from '../../apps/router/src/triage/dismiss-signal.request.dto.js';
import { ReportBackRequestDto } from '../../apps/tables/src/liaison/report-back.request.dto.js';
import { ReturnReferralRequestDto } from '../../apps/tables/src/referrals/return-referral.request.dto.js';

/**
 * Every minimum length on free text counts what a reader sees (`visibleLength`), as the break-the-glass reason does:
 * a text one character short, padded with zero-width spaces, word joiners, BOMs and direction marks, is refused with
 * the rule's own code, and a text just long enough, padded alike, is taken. Each rule runs as its route runs it: the
 * DTO, then the decider where there is one.
 */

const PADDING = '\u200b\u2060\ufeff\u200e';
/** `visible` with padding before, between and after its characters (none of it trimmed away). */
const padded = (visible: string) => `${PADDING}${[...visible].join(PADDING)}${PADDING}`;
const WORD = 'Ondermijningsonderzoek';
const SUBJECT_ID = '0b7e4d3a-2f1c-4a5b-9c8d-7e6f5a4b3c2d';

/** What the edge answers, or `accepted`: a domain code, and for `VALIDATION.FAILED` the fields it names. */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const fields = ((error.details?.errors ?? []) as FieldProblem[]).map((problem) => problem.path);
    return [error.code, ...fields].join(' ');
  }
}

const open = { referralId: 'r-1', status: 'open', acceptBy: null, remindAt: null, remindedAt: null, overdueAt: null } as const;
const [retentionRule] = BUILT_IN_RETENTION_CONFIG.rules;

/** Each rule: what it is, its minimum, how its route answers a text, and its answer to a text too short. */
const RULES: readonly [string, number, (text: string) => string, string][] = [
  [
    "a signal's dismissal reason",
    5,
    (reason) => outcome(() => decideSignalTriage({ type: 'DismissSignal', reason: validateDto(DismissSignalRequestDto, { reason }).reason }, newSignalTriageState('sig-1', 'GM0153'), { seal: (text) => text })),
    'SIGNAL.DISMISSAL_REASON_INVALID',
  ],
  ['a break-the-glass review note', 10, (note) => outcome(() => validateDto(BreakGlassReviewRequestDto, { verdict: 'gerechtvaardigd', note })), 'VALIDATION.FAILED note'],
  // The reason failing alone is what the controller answers with VALIDATION.REASON_REQUIRED.
  ['a reporter-access reason', 5, (reason) => outcome(() => validateDto(ReporterAccessRequestDto, { reason })), 'VALIDATION.FAILED reason'],
  ['an erasure reason', 10, (reason) => outcome(() => validateDto(EraseSubjectRequestDto, { reason })), 'VALIDATION.FAILED reason'],
  ['the reason a legal hold is placed', 10, (reason) => outcome(() => validateDto(PlaceLegalHoldRequestDto, { target: { kind: 'subject', id: SUBJECT_ID }, reason })), 'VALIDATION.FAILED reason'],
  ['the reason a legal hold is lifted', 10, (reason) => outcome(() => validateDto(LiftLegalHoldRequestDto, { reason })), 'VALIDATION.FAILED reason'],
  ['the reason a table returns a referral', 1, (reason) => outcome(() => decideReferral(open, { outcome: 'returned', reason: validateDto(ReturnReferralRequestDto, { reason }).reason })), 'REFERRAL.REASON_REQUIRED'],
  ["a liaison's report back", 1, (text) => outcome(() => validateDto(ReportBackRequestDto, { outcome: 'actie-ondernomen', text })), 'VALIDATION.FAILED text'],
  [
    "a retention rule's title",
    10,
    (title) => validateRetentionConfig({ ...BUILT_IN_RETENTION_CONFIG, rules: [{ ...retentionRule, title }] }).map((problem) => problem.path).join(' ') || 'accepted',
    'rules[0].title',
  ],
];

describe('every minimum length on free text counts what a reader sees', () => {
  it.each(RULES)('%s: one visible character short, padded with invisible characters, is refused', (_rule, min, run, refused) => {
    const text = padded(WORD.slice(0, min - 1));
    expect([...text.trim()].length).toBeGreaterThanOrEqual(min);
    expect(run(text)).toBe(refused);
  });

  it.each(RULES)('%s: just long enough, padded alike, is taken', (_rule, min, run) => {
    expect(run(padded(WORD.slice(0, min)))).toBe('accepted');
  });
});
