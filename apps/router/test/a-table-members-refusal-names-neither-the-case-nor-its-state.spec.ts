import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import { errorForTableMember } from '../src/referrals/error-for-table-member.js';

/**
 * A table member acts on a case they know only by its referral. A refusal from the case engine may name the case,
 * the state it is in or its model version (the case moved or closed between the member's read and the decision):
 * the member's answer keeps the code and what the member needs, never those.
 */

const CASE_ID = '0b8f7a52-3d1e-4c8e-9a55-2f6d1c0e9b11';
const refusal = (error: unknown) => error as DomainError;

describe('errorForTableMember', () => {
  it('a case closed meanwhile is a referral the case moved on from, without the closing state', () => {
    const e = refusal(errorForTableMember(new DomainError('CASE.CLOSED', `case ${CASE_ID} is closed (geen-actie)`, { caseId: CASE_ID, state: 'geen-actie' }), CASE_ID, 'retour-van-riec'));
    expect({ code: e.code, message: e.message, details: e.details }).toEqual({
      code: 'REFERRAL.CASE_MOVED_ON',
      message: 'The case left the state it was referred in',
      details: { transition: 'retour-van-riec' },
    });
  });

  it('a transition not allowed from the state the case moved to: neither that state nor the allowed list', () => {
    const e = refusal(
      errorForTableMember(
        new DomainError('CASE.TRANSITION_NOT_ALLOWED', 'transition "retour-van-riec" cannot be taken from state "afgesloten"', { transition: 'retour-van-riec', state: 'afgesloten', allowed: ['heropenen'] }),
        CASE_ID,
        'retour-van-riec',
      ),
    );
    expect({ code: e.code, details: e.details }).toEqual({ code: 'CASE.TRANSITION_NOT_ALLOWED', details: { transition: 'retour-van-riec' } });
    expect(e.message).not.toMatch(/afgesloten|heropenen/);
  });

  it('an unknown transition does not tell the model version', () => {
    const e = refusal(errorForTableMember(new DomainError('CASE.TRANSITION_UNKNOWN', 'model ondermijning-intake@3 has no transition "x"', { transition: 'x', modelId: 'ondermijning-intake', modelVersion: 3 }), CASE_ID, 'x'));
    expect(e.details).toEqual({ transition: 'x' });
    expect(e.message).not.toContain('@3');
  });

  it('a version conflict keeps the versions and loses the case id, in the details and in the message', () => {
    const e = refusal(errorForTableMember(new DomainError('EVENTSTORE.VERSION_CONFLICT', `stream case-${CASE_ID} is at 7`, { caseId: CASE_ID, streamId: `case-${CASE_ID}`, expectedVersion: 6, currentVersion: 7 }), CASE_ID, 'retour-van-riec'));
    expect({ code: e.code, details: e.details }).toEqual({ code: 'EVENTSTORE.VERSION_CONFLICT', details: { expectedVersion: 6, currentVersion: 7 } });
    expect(e.message).not.toContain(CASE_ID);
  });

  it('an error that is no refusal passes as it is', () => {
    const error = new Error('database away');
    expect(errorForTableMember(error, CASE_ID, 'retour-van-riec')).toBe(error);
  });
});
