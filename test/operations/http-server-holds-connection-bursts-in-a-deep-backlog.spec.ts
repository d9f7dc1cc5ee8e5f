import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { INTAKE_APP } from '../../apps/intake/test/support/intake-fixtures.js';
import { startApp, type AppHarness } from '../support/app-harness.js';

/**
 * A burst of new connections (clients reconnecting together, a load spike) waits in the kernel's accept queue
 * while a busy process catches up. With Node's default of 511 the queue overflowed in the tables bench at 200
 * flows/s and clients saw `ECONNRESET` (hundreds of failed flows per run); the product listens with a backlog
 * of 4096 (the kernel caps it at net.core.somaxconn). `ss` shows a listening socket's backlog as its Send-Q.
 */

let h: AppHarness;

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP] });
});

afterAll(async () => {
  await h?.stop();
});

it('the HTTP server listens with a backlog of 4096 (or the kernel\'s limit, when lower)', () => {
  const port = new URL(h.url).port;
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const backlog = Number(line.split(/\s+/)[2]);
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  expect(backlog).toBe(Math.min(4096, somaxconn));
  expect(backlog).toBeGreaterThan(511);
});
