import { expiredBefore, RequestKeyWindow } from '#platform';

const HOUR = 3_600_000;

describe('a request key expires IDEMPOTENCY_KEY_RETENTION_HOURS after it was recorded', () => {
  it('keys recorded before `hours` before now are expired', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(expiredBefore(now, 720)).toEqual(new Date('2026-10-28T12:00:00Z'));
    expect(expiredBefore(now, 1)).toEqual(new Date(now.getTime() - HOUR));
  });

  it('the window moves with the process clock: a key recorded now expires `hours` later', () => {
    let now = Date.parse('2026-11-27T12:00:00Z');
    const window = new RequestKeyWindow(() => new Date(now), 48);
    const recorded = window.now();
    expect(recorded).toEqual(new Date(now));

    now += 48 * HOUR;
    // Recorded exactly at the window's start: still honoured (only keys recorded before it are expired).
    expect(window.expiredBefore()).toEqual(recorded);
    now += 1;
    expect(window.expiredBefore().getTime()).toBeGreaterThan(recorded.getTime());
  });
});
