import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { casesLeftWithoutLiveSignal, signalHoldOwners, type CaseOfSignal } from '../src/privacy/retention/cases-of-a-signal.js';

/**
 * The retention job's two rules about a signal's cases, as pure functions (end to end in
 * test/privacy/retention-reaches-every-case-of-a-signal-and-its-subject.spec.ts).
 */
const id = () => randomUUID();
const aCase = (over: Partial<CaseOfSignal> = {}): CaseOfSignal => ({ caseId: id(), subjectId: null, closed: true, otherLiveSignals: 0, ...over });

describe('casesLeftWithoutLiveSignal: destroying a signal destroys the key of every case left without a live signal', () => {
  it('takes every closed case without another live signal, whichever case decided the rule', () => {
    const intake = aCase();
    const ave = aCase();
    expect(casesLeftWithoutLiveSignal([intake, ave])).toEqual([intake.caseId, ave.caseId].sort());
  });

  it('leaves a case with another live signal, and an open case', () => {
    const shared = aCase({ otherLiveSignals: 1 });
    const open = aCase({ closed: false });
    const last = aCase();
    expect(casesLeftWithoutLiveSignal([shared, open, last])).toEqual([last.caseId]);
    expect(casesLeftWithoutLiveSignal([])).toEqual([]);
  });
});

describe('signalHoldOwners: a legal hold on the subject a case is about holds that case and its signals', () => {
  it('names the signal, its subject, each case and the subject each case is about, once each', () => {
    const [signal, linkedTo, y] = [id(), id(), id()];
    const aboutY = aCase({ subjectId: y });
    const alsoAboutY = aCase({ subjectId: y });
    const aboutLinked = aCase({ subjectId: linkedTo });
    const aboutNobody = aCase();
    expect(signalHoldOwners(signal, linkedTo, [aboutY, alsoAboutY, aboutLinked, aboutNobody]).sort()).toEqual(
      [`signal:${signal}`, `subject:${linkedTo}`, `subject:${y}`, ...[aboutY, alsoAboutY, aboutLinked, aboutNobody].map((c) => `case:${c.caseId}`)].sort(),
    );
  });

  it('a signal in no case and linked to no subject: only the signal', () => {
    const signal = id();
    expect(signalHoldOwners(signal, null, [])).toEqual([`signal:${signal}`]);
  });
});
