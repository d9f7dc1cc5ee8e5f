import { describe, expect, it } from '@jest/globals';
import { securityOptionsFromEnv } from '#security';
import { tokenHint } from '../src/token-hint.js';

/** Embedded-mode options on `dataDir`, as the app reads them. */
const embedded = (dataDir: string) => ({ ...securityOptionsFromEnv({}), dataDir });

/**
 * `npm start` prints how to get a token. On a data folder other than the default, the printed command names it:
 * `npm run token` mints with its own folder's key pair, and run as printed it made a new one in `./.signaalroute`,
 * whose tokens the running app refused (401 `AUTH.TOKEN_INVALID`).
 */
describe('the token command npm start prints', () => {
  it('is the plain command on the default data folder', () => {
    expect(tokenHint(embedded('./.signaalroute'))).toBe('npm run token -- --role coordinator --municipality GM0153');
  });

  it('names another data folder, so the token is signed with the running app’s key', () => {
    expect(tokenHint(embedded('/tmp/walk-data'))).toBe('SIGNAALROUTE_DATA_DIR=/tmp/walk-data npm run token -- --role coordinator --municipality GM0153');
  });

  it('quotes a folder a shell would split or expand', () => {
    expect(tokenHint(embedded("/srv/data van gemeente's"))).toBe(`SIGNAALROUTE_DATA_DIR='/srv/data van gemeente'\\''s' npm run token -- --role coordinator --municipality GM0153`);
    expect(tokenHint(embedded('$HOME/data'))).toBe(`SIGNAALROUTE_DATA_DIR='$HOME/data' npm run token -- --role coordinator --municipality GM0153`);
  });
});
