import {
  decideSignalTriage,
  DomainError,
  foldSignalTriage,
  newSignalTriageState,
  signalTriageStatus,
  type SignalTriageCommand,
  type SignalTriageEvent,
  type SignalTriageState,
} from '../src/index.js';

/*
 * Given the triage events of a signal (and whether it is in a case), when a coordinator links or dismisses
 * it, then these events — or this refusal, or nothing.
 */

const SIGNAL = 'sig-1';
const HOME = 'GM0153';
const subject = (subjectId: string, municipality = HOME) => ({ subjectId, municipality });
const link = (subjectId: string, found: { subjectId: string; municipality: string } | null = subject(subjectId)): SignalTriageCommand => ({ type: 'LinkSignalToSubject', subjectId, subject: found });
const dismiss = (reason: string): SignalTriageCommand => ({ type: 'DismissSignal', reason });

/** Seals as the keyring would, recognisably: the decider must put only what `seal` returns in the event. */
const sealed = (text: string) => `sealed(${text})`;
const context = { seal: sealed };
const decide = (command: SignalTriageCommand, state: SignalTriageState) => decideSignalTriage(command, state, context);

function given(events: SignalTriageEvent[] = [], caseId: string | null = null): SignalTriageState {
  return foldSignalTriage(newSignalTriageState(SIGNAL, HOME, caseId), events);
}

function refusal(command: SignalTriageCommand, state: SignalTriageState, with_: typeof context = context): DomainError {
  try {
    decideSignalTriage(command, state, with_);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const linked = (subjectId: string, previousSubjectId: string | null = null): SignalTriageEvent => ({ type: 'SignalLinkedToSubject', signalId: SIGNAL, subjectId, previousSubjectId });
const dismissed = (reason = 'Geen gemeentelijke taak'): SignalTriageEvent => ({ type: 'SignalDismissed', signalId: SIGNAL, reason });

describe('LinkSignalToSubject', () => {
  it('given a new signal, when linked to a subject of its municipality, then SignalLinkedToSubject', () => {
    expect(decide(link('subj-1'), given())).toEqual([linked('subj-1')]);
  });

  it('given a linked signal, when linked to the same subject again, then nothing', () => {
    expect(decide(link('subj-1'), given([linked('subj-1')]))).toEqual([]);
  });

  it('given a linked signal, when linked to another subject, then the link moves and names the previous one', () => {
    expect(decide(link('subj-2'), given([linked('subj-1')]))).toEqual([linked('subj-2', 'subj-1')]);
  });

  it('given a signal in a case, when linked, then linked (a case can have its subject named later)', () => {
    expect(decide(link('subj-1'), given([], 'case-1'))).toEqual([linked('subj-1')]);
  });

  it('when the subject does not exist: SUBJECT.NOT_FOUND', () => {
    expect(refusal(link('subj-x', null), given()).code).toBe('SUBJECT.NOT_FOUND');
  });

  it('when the subject belongs to another municipality: SUBJECT.NOT_FOUND, the same answer', () => {
    expect(refusal(link('subj-1', subject('subj-1', 'GM0164')), given()).code).toBe('SUBJECT.NOT_FOUND');
  });

  it('given a dismissed signal, when linked: SIGNAL.ALREADY_DISMISSED', () => {
    expect(refusal(link('subj-1'), given([dismissed()])).code).toBe('SIGNAL.ALREADY_DISMISSED');
  });
});

describe('DismissSignal', () => {
  it('given a new or linked signal, when dismissed with a reason, then SignalDismissed with the trimmed reason, sealed', () => {
    expect(decide(dismiss('  Geen ondermijning  '), given())).toEqual([dismissed(sealed('Geen ondermijning'))]);
    expect(decide(dismiss('Dubbele melding'), given([linked('subj-1')]))).toEqual([dismissed(sealed('Dubbele melding'))]);
  });

  it('never puts the plaintext reason in the event: only what seal returns', () => {
    const [event] = decideSignalTriage(dismiss('Huisarts is al betrokken'), given(), { seal: () => 'pd1.opaque' });
    expect(event).toEqual({ type: 'SignalDismissed', signalId: SIGNAL, reason: 'pd1.opaque' });
    expect(JSON.stringify(event)).not.toContain('Huisarts');
  });

  it('seals only an accepted dismissal; a seal that refuses (the key was destroyed) refuses the dismissal', () => {
    const refusing = { seal: (): string => { throw new DomainError('PRIVACY.ERASED', 'erased'); } };
    expect(refusal(dismiss('Geen zorgen meer'), given(), refusing).code).toBe('PRIVACY.ERASED');
    // Bad input, a second dismissal and a signal in a case are refused as before, without sealing anything.
    for (const [command, state, code] of [
      [dismiss('kort'), given(), 'SIGNAL.DISMISSAL_REASON_INVALID'],
      [dismiss('Nogmaals afwijzen'), given([dismissed()]), 'SIGNAL.ALREADY_DISMISSED'],
      [dismiss('Toch maar niet'), given([], 'case-1'), 'SIGNAL.IN_CASE'],
    ] as const) {
      expect(refusal(command, state, refusing).code).toBe(code);
    }
    expect(decideSignalTriage(link('subj-1'), given(), refusing)).toEqual([linked('subj-1')]);
  });

  it.each([
    ['empty', ''],
    ['blank', '     '],
    ['too short after trimming', '  abc  '],
    ['longer than 2000 characters', 'x'.repeat(2001)],
  ])('when the reason is %s: SIGNAL.DISMISSAL_REASON_INVALID', (_what, reason) => {
    expect(refusal(dismiss(reason), given()).code).toBe('SIGNAL.DISMISSAL_REASON_INVALID');
  });

  it('accepts 5 and 2000 characters', () => {
    expect(decide(dismiss('abcde'), given())).toHaveLength(1);
    expect(decide(dismiss('x'.repeat(2000)), given())).toHaveLength(1);
  });

  it('given a dismissed signal, when dismissed again: SIGNAL.ALREADY_DISMISSED', () => {
    expect(refusal(dismiss('Nogmaals afwijzen'), given([dismissed()])).code).toBe('SIGNAL.ALREADY_DISMISSED');
  });

  it('given a signal in a case, when dismissed: SIGNAL.IN_CASE', () => {
    const error = refusal(dismiss('Toch maar niet'), given([], 'case-1'));
    expect(error.code).toBe('SIGNAL.IN_CASE');
    expect(error.details).toEqual({ signalId: SIGNAL, caseId: 'case-1' });
  });
});

describe('status', () => {
  it('afgewezen > in-behandeling > gekoppeld > nieuw', () => {
    expect(signalTriageStatus(given())).toBe('nieuw');
    expect(signalTriageStatus(given([linked('s')]))).toBe('gekoppeld');
    expect(signalTriageStatus(given([linked('s')], 'case-1'))).toBe('in-behandeling');
    expect(signalTriageStatus(given([dismissed()]))).toBe('afgewezen');
    expect(signalTriageStatus(given([linked('s'), dismissed()], 'case-1'))).toBe('afgewezen');
  });

  it('folding the decided events gives the state the next decision sees', () => {
    const state = given();
    const events = decide(link('subj-1'), state);
    expect(foldSignalTriage(state, events)).toEqual({ ...state, subjectId: 'subj-1' });
  });
});
