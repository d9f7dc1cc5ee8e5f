import { inboxRetentionProblems } from '#platform';

const DAY = 24 * 3_600_000;

describe('inbox rows may be pruned only after their topics have dropped the messages', () => {
  it('accepts a retention longer than every topic keeps a message, by at least a day', () => {
    expect(inboxRetentionProblems(30, new Map([['signals', 14 * DAY], ['cases', 29 * DAY]]))).toEqual([]);
  });

  it('refuses a retention within a day of a topic\'s horizon, naming the topic and the days needed', () => {
    expect(inboxRetentionProblems(14, new Map([['signals', 14 * DAY], ['cases', 7 * DAY]]))).toEqual([
      'topic signals may deliver a message up to 14 days after publication (retention.ms + segment.ms), so INBOX_RETENTION_DAYS must be at least 15 (or 0: never prune)',
    ]);
    expect(inboxRetentionProblems(15, new Map([['signals', 14 * DAY + 1]]))[0]).toMatch(/up to 14\.0 days .* at least 16/);
  });

  it('refuses any retention for a topic that keeps messages forever', () => {
    expect(inboxRetentionProblems(36_500, new Map([['cases', null]]))).toEqual([
      'topic cases keeps messages without a time limit, so inbox rows must be kept forever (INBOX_RETENTION_DAYS=0)',
    ]);
  });

  it('lists every problem topic, in name order', () => {
    const problems = inboxRetentionProblems(2, new Map([['z', null], ['a', 2 * DAY], ['m', DAY / 2]]));
    expect(problems.map((p) => p.split(' ')[1])).toEqual(['a', 'z']);
  });
});
