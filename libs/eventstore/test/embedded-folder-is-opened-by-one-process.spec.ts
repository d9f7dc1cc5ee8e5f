import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmbeddedFolderInUseError, lockEmbeddedFolder } from '../src/database/embedded-folder-lock.js';
import { TypeOrmDatabase } from '../src/database/typeorm.database.js';

/**
 * PGlite takes no lock on its folder, and two processes writing one folder lose committed rows without an error
 * (seen: a second process's writes replaced the first's). So an embedded database folder is claimed by one process:
 * a second one is refused with a message naming the holder; a lock left by a process that is gone is taken over.
 */
let root: string;
let other: ReturnType<typeof spawn>;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'sr-embedded-lock-'));
  other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
});
afterAll(() => {
  other.kill();
  rmSync(root, { recursive: true, force: true });
});

describe('an embedded database folder', () => {
  it('is refused to a second process while the first has it open, naming the first', async () => {
    const folder = path.join(root, 'in-use');
    writeFileSync(`${folder}.lock`, String(other.pid));
    expect(() => lockEmbeddedFolder(folder)).toThrow(EmbeddedFolderInUseError);
    await expect(TypeOrmDatabase.open({ dataDir: folder })).rejects.toThrow(`in use by process ${other.pid}`);
    expect(readFileSync(`${folder}.lock`, 'utf8')).toBe(String(other.pid));
  });

  it('is taken over from a process that is gone', () => {
    const folder = path.join(root, 'stale');
    writeFileSync(`${folder}.lock`, '2147483646');
    const release = lockEmbeddedFolder(folder);
    expect(readFileSync(`${folder}.lock`, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(`${folder}.lock`)).toBe(false);
  });

  it('is held while the database is open and let go when it closes', async () => {
    const folder = path.join(root, 'open');
    const db = await TypeOrmDatabase.open({ dataDir: folder });
    try {
      expect(readFileSync(`${folder}.lock`, 'utf8')).toBe(String(process.pid));
    } finally {
      await db.close();
    }
    expect(existsSync(`${folder}.lock`)).toBe(false);
  });
});
