import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Thrown when another live process has the embedded database's folder open. */
export class EmbeddedFolderInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${folder} is in use by process ${pid}: stop it first (or give both DATABASE_URL, a PostgreSQL server they can share)`);
    this.name = 'EmbeddedFolderInUseError';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Claims an embedded (PGlite) database folder for this process: a `<folder>.lock` file holding its pid, made
 * with O_EXCL. PGlite takes no lock of its own, and two processes writing one folder lose committed rows without an
 * error (a second `npm start`, or a CLI that writes while the app runs). A lock whose process is gone (killed, a
 * crash) is taken over. Returns the release.
 */
export function lockEmbeddedFolder(folder: string): () => void {
  const file = `${path.resolve(folder)}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(file, 'utf8').trim());
    } catch {
      continue; // released meanwhile: try again
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) throw new EmbeddedFolderInUseError(path.resolve(folder), holder);
    try {
      unlinkSync(file); // stale: its process is gone (or it is ours, from an earlier open not closed)
    } catch {
      // Taken over by another process meanwhile: the next attempt finds out.
    }
  }
  throw new Error(`could not claim the embedded database folder ${folder} (${file} keeps coming back)`);
}
