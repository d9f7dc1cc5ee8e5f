import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { announcedBaseUrl, startProcess } from '#platform';
import { stubSwaggerUiAssetsUnderJest } from '../../../test/support/app-harness.js';

/**
 * `npm start` prints the URL to call, and tests call the process on `RunningProcess.url`. It must be one the server
 * answers on: with HOST=::1 it said `http://127.0.0.1:<port>`, where nothing listened (the server is on IPv6 only).
 */
describe('the announced URL is one the server listens on', () => {
  it('calls a wildcard address on the loopback address of its family', () => {
    expect(announcedBaseUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(announcedBaseUrl('::', 3000)).toBe('http://[::1]:3000');
    expect(announcedBaseUrl('0:0:0:0:0:0:0:0', 3000)).toBe('http://[::1]:3000');
  });

  it('puts another IPv6 address in brackets, as a URL needs', () => {
    expect(announcedBaseUrl('::1', 3404)).toBe('http://[::1]:3404');
    expect(announcedBaseUrl('fd00::12', 80)).toBe('http://[fd00::12]:80');
  });

  it('writes a zone of a link-local IPv6 address as a URL does (%25)', () => {
    expect(announcedBaseUrl('fe80::1%eth0', 3000)).toBe('http://[fe80::1%25eth0]:3000');
  });

  it('takes an IPv4 address or a host name as given', () => {
    expect(announcedBaseUrl('127.0.0.1', 3000)).toBe('http://127.0.0.1:3000');
    expect(announcedBaseUrl('10.1.2.3', 8080)).toBe('http://10.1.2.3:8080');
    expect(announcedBaseUrl('localhost', 3000)).toBe('http://localhost:3000');
    expect(announcedBaseUrl('signaalroute.internal', 3000)).toBe('http://signaalroute.internal:3000');
  });

  it('with HOST=::1 announces an IPv6 URL that answers', async () => {
    await stubSwaggerUiAssetsUnderJest();
    const dataDir = await mkdtemp(join(tmpdir(), 'announced-url-'));
    const running = await startProcess([], { env: { HOST: '::1', PORT: '0', SIGNAALROUTE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' } });
    try {
      const port = (running.app.getHttpServer().address() as { port: number }).port;
      expect(running.url).toBe(`http://[::1]:${port}`);
      expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
    } finally {
      await running.app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
