import fc from 'fast-check';
import { AdmissionControl, ProcessMetrics, queueRefusal, ServiceOverloadedError, type GatedQueue } from '#platform';

const limits = { maxLength: 3, maxWaitMs: 500 };

describe('a queue in front of the database refuses new work when it is full or not moving', () => {
  it('takes an item while fewer than the limit wait and the oldest has not waited too long', () => {
    expect(queueRefusal({ waiting: 0, oldestWaitMs: 0 }, limits)).toBeNull();
    expect(queueRefusal({ waiting: 2, oldestWaitMs: 500 }, limits)).toBeNull();
  });

  it('refuses when as many wait as the limit allows', () => {
    expect(queueRefusal({ waiting: 3, oldestWaitMs: 0 }, limits)).toBe('length');
  });

  it('refuses when the oldest waiting item has waited longer than the limit', () => {
    expect(queueRefusal({ waiting: 1, oldestWaitMs: 501 }, limits)).toBe('wait');
  });

  it('never refuses an empty queue, whatever the limits (a lone request always goes through)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 10, max: 1e6 }), fc.nat(), (maxLength, maxWaitMs, oldestWaitMs) => {
        expect(queueRefusal({ waiting: 0, oldestWaitMs }, { maxLength, maxWaitMs })).toBeNull();
      }),
    );
  });

  it('refuses exactly when the queue is at its length or its oldest item is past the wait', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 10, max: 10_000 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20_000 }), (maxLength, maxWaitMs, waiting, oldestWaitMs) => {
        const refused = queueRefusal({ waiting, oldestWaitMs }, { maxLength, maxWaitMs }) !== null;
        expect(refused).toBe(waiting >= maxLength || (waiting > 0 && oldestWaitMs > maxWaitMs));
      }),
    );
  });
});

describe('admission control', () => {
  const queue = (waiting: number, oldestSince?: number): GatedQueue => ({ waiting: () => waiting, oldestSince: () => oldestSince });

  it('throws SERVICE.OVERLOADED (503, retry after a second) and counts the refusal by queue and reason', async () => {
    const metrics = new ProcessMetrics();
    const control = new AdmissionControl(limits, metrics);
    control.gate('open', queue(0)).admit();
    let refusal: unknown;
    try {
      control.gate('full', queue(3, performance.now())).admit();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ServiceOverloadedError);
    expect(refusal).toMatchObject({ code: 'SERVICE.OVERLOADED', httpStatus: 503, retryAfterSeconds: 1, reason: 'length' });
    expect(() => control.gate('stalled', queue(1, performance.now() - 600)).admit()).toThrow(ServiceOverloadedError);
    const text = await metrics.registry.metrics();
    expect(text).toContain('signaalroute_requests_refused_total{queue="full",reason="length"} 1');
    expect(text).toContain('signaalroute_requests_refused_total{queue="stalled",reason="wait"} 1');
    expect(text).toContain('signaalroute_database_queue_waiting{queue="full"} 3');
    expect(text).toContain('signaalroute_database_queue_waiting{queue="open"} 0');
  });

  it('refuses to gate one queue name twice (two queues would share one gauge line)', () => {
    const control = new AdmissionControl(limits, new ProcessMetrics());
    control.gate('q', queue(0));
    expect(() => control.gate('q', queue(0))).toThrow(/gated twice/);
  });
});
