import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

/**
 * `start:intake`, `start:router` and `npm run audit` give V8 a 64 MB young-generation semi-space. At 1,000 signals/s
 * the intake's scavenges (4–7 ms each, 15 a second by default) set its p99; with 64 MB there are a quarter as many.
 * The router, alone under load, served more transitions and reads with a lower p99 with it, and the tables flow
 * did not change. A projection replay holds batches of thousands of events while it applies them; with 64 MB it
 * ran about a fifth faster (bench/RESULTS.md, seventh session). The tables app and the all-in-one `npm start` keep
 * V8's default: the three-process tables flow got slower when every process had it (README, decisions).
 */
describe('the npm scripts', () => {
  const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const starts = Object.entries(scripts).filter(([name]) => name === 'start' || name.startsWith('start:'));

  it('exist for the whole product and for each app', () => {
    expect(starts.map(([name]) => name).sort()).toEqual(['start', 'start:audit', 'start:intake', 'start:router', 'start:tables']);
  });

  it.each(starts)('%s runs node with the young generation measured for it', (name, command) => {
    const flags = name === 'start:intake' || name === 'start:router' ? '--max-semi-space-size=64 ' : '';
    expect(command).toMatch(new RegExp(`(^|&& )node ${flags}dist/apps/[a-z]+/src/main\\.js$`));
  });

  it('npm run audit (verify, replay) runs node with the 64 MB young generation', () => {
    expect(scripts.audit).toMatch(/(^|&& )node --max-semi-space-size=64 dist\/scripts\/audit\.js$/);
  });
});
