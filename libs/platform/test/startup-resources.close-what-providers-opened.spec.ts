import { describe, expect, it } from '@jest/globals';
import { StartupResources } from '../src/startup-resources.js';

/**
 * Nest makes providers concurrently and hands back nothing to close when one fails. What the others opened is
 * closed: what was opened before the failure by `closeAll`, what opens after it at once.
 */
describe('StartupResources', () => {
  it('closes everything registered, newest first, even when one close fails', async () => {
    const closed: string[] = [];
    const resources = new StartupResources();
    resources.opened(async () => void closed.push('database'));
    resources.opened(async () => {
      closed.push('broker');
      throw new Error('broker already gone');
    });
    await resources.closeAll();
    expect(closed).toEqual(['broker', 'database']);
  });

  it('closes at once what a provider opens after another failed, and stops that provider', async () => {
    const resources = new StartupResources();
    await resources.closeAll();
    let closed = false;
    expect(() => resources.opened(async () => void (closed = true))).toThrow(/not being made any more/);
    await Promise.resolve();
    expect(closed).toBe(true);
  });

  it('forgets what the application now owns: nothing is closed twice', async () => {
    let closes = 0;
    const resources = new StartupResources();
    resources.opened(async () => void closes++);
    resources.forget();
    await resources.closeAll();
    expect(closes).toBe(0);
  });
});
