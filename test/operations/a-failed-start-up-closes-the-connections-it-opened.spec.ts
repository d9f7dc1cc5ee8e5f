import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startProcess } from '#platform';
import { ROUTER_APP } from '../../apps/router/src/router.app.js';
import { stubSwaggerUiAssetsUnderJest, waitFor } from '../support/app-harness.js';
import { createPostgresDatabase, dropPostgresDatabase, postgresAdminUrl } from '../support/infra.js';

/**
 * A start-up check that fails while Nest is still making the providers stops the process from starting. Nest then
 * hands back no application to close, so whatever the providers made before the failure — the database pool, the
 * broker client — stayed open: a supervisor restarting the process in a loop piled up connections until PostgreSQL
 * refused new ones. Whatever was opened is closed.
 *
 * The failure here is an earlier version's processing-log key file in the data folder that holds no key: it is read
 * only on a database that has no processing-log key yet, so it fails after the database was opened and migrated (a
 * bad configuration file is refused before anything is opened: a-refused-start-up-changes-nothing.spec.ts). The
 * in-process transport keeps the test to the database's connections, which it counts.
 */

let dir: string;
let databaseUrl: string;

beforeAll(async () => {
  await stubSwaggerUiAssetsUnderJest();
  dir = await mkdtemp(path.join(tmpdir(), 'sr-failed-start-'));
  databaseUrl = await createPostgresDatabase();
});

afterAll(async () => {
  await dropPostgresDatabase(databaseUrl);
  await rm(dir, { recursive: true, force: true });
});

async function connectionsTo(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    return Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])).rows[0]!.n);
  } finally {
    await admin.end();
  }
}

describe('a start-up that fails while the providers are made', () => {
  it('refuses to start and leaves no connection to the database open', async () => {
    await mkdir(path.join(dir, 'keys'));
    await writeFile(path.join(dir, 'keys', 'processing-log.key'), 'not a key\n');
    const env = {
      SIGNAALROUTE_DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
    };
    await expect(startProcess([ROUTER_APP], { env })).rejects.toThrow(/processing-log\.key does not hold a key/);
    // The pool's connections end a moment after it is closed (not only once idle ones time out, after 10 s).
    await waitFor(async () => (await connectionsTo(databaseUrl)) === 0, { what: 'every connection of the failed start-up to be closed', timeoutMs: 3_000 });
    expect(await connectionsTo(databaseUrl)).toBe(0);
  });
});
