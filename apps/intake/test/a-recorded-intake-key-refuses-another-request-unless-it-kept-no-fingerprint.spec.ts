import { describe, expect, it } from '@jest/globals';
import { DomainError } from '#domain';
import { externalRefReused, idempotencyKeyReused, refuseReusedKeys, type IntakeKey } from '../src/signals/intake-key.js';

/** The rule that tells a resend from another request under a key the intake recorded before. */
describe('refuseReusedKeys', () => {
  const ext: IntakeKey = { key: 'ext:zorgmelding:GM0153:Z-1', hash: 'this', reused: externalRefReused };
  const idem: IntakeKey = { key: 'idem:GM0153:connector:k-1', hash: 'this', legacyHash: () => 'plain', reused: idempotencyKeyReused };
  const msg: IntakeKey = { key: 'msg:topic:0:1:abc', hash: null };
  const refusal = (run: () => void) => {
    try {
      run();
      return null;
    } catch (error) {
      return error instanceof DomainError ? { code: error.code, details: error.details } : error;
    }
  };

  it('lets a key recorded with the same request, or its plain legacy hash, through as a resend', () => {
    expect(refusal(() => refuseReusedKeys([ext, idem, msg], [{ key: ext.key, request_hash: 'this' }, { key: idem.key, request_hash: 'plain' }, { key: msg.key, request_hash: null }]))).toBeNull();
  });

  it('refuses a reference recorded with another report, naming only the field', () => {
    expect(refusal(() => refuseReusedKeys([ext, msg], [{ key: ext.key, request_hash: 'other' }]))).toEqual({ code: 'SIGNAL.EXTERNAL_REF_REUSED', details: { field: 'externalRef' } });
  });

  it('refuses an Idempotency-Key recorded with another request', () => {
    expect(refusal(() => refuseReusedKeys([idem], [{ key: idem.key, request_hash: 'other' }]))).toEqual({ code: 'IDEMPOTENCY.KEY_REUSED', details: undefined });
  });

  it('answers a key recorded without a fingerprint (a reference stored before one was kept) as a resend, whatever the request', () => {
    expect(refusal(() => refuseReusedKeys([ext], [{ key: ext.key, request_hash: null }]))).toBeNull();
  });

  it('does not compare the legacy plain hash for a reference, which never had one', () => {
    expect(refusal(() => refuseReusedKeys([ext], [{ key: ext.key, request_hash: 'plain' }]))).toEqual({ code: 'SIGNAL.EXTERNAL_REF_REUSED', details: { field: 'externalRef' } });
  });
});
