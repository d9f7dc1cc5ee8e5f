import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { JWTPayload } from 'jose';

/** A fresh data folder under the OS temp dir; remove it with `removeDir`. */
export function makeTempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'signaalroute-security-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Valid claims for a coordinator in Amsterdam; override per test. */
export function baseClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    sub: 'user-1',
    role: 'coordinator',
    municipalities: ['GM0363'],
    iss: 'signaalroute',
    aud: 'signaalroute-api',
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    ...overrides,
  };
}

/** Signs arbitrary claims (including bad ones) so the verifier's checks can be exercised one by one. */
export async function signRaw(
  claims: JWTPayload,
  key: Parameters<SignJWT['sign']>[0],
  header: { alg: string; kid?: string; [k: string]: unknown },
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}
