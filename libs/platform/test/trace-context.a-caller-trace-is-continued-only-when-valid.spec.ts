import { describe, expect, it } from '@jest/globals';
import { continueTrace, parentSpanOf } from '#platform';

/**
 * W3C trace context: a valid `traceparent` is continued (its trace id kept, its span recorded as the parent in the
 * processing log); an invalid one (malformed, or an all-zero trace or span id, which W3C declares invalid) starts
 * a new trace and names no parent. Before, an all-zero trace id started a new trace while the processing log still
 * recorded the caller's span as the parent of it.
 */
const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);

describe('a caller trace', () => {
  it('is continued from a valid traceparent, naming the caller span as parent', () => {
    const header = `00-${TRACE}-${SPAN}-01`;
    expect(continueTrace(header).traceId).toBe(TRACE);
    expect(parentSpanOf(header)).toBe(SPAN);
  });

  it.each([
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['a malformed header', `00-${TRACE}-${SPAN}`],
  ])('is not continued from %s: a new trace, and no parent span', (_what, header) => {
    expect(continueTrace(header).traceId).not.toBe(TRACE);
    expect(parentSpanOf(header)).toBeNull();
  });
});
