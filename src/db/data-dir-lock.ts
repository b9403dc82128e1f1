// One process per embedded data folder: PGlite has no lock of its own, and two processes writing
// one folder would corrupt it. A pid file taken with O_EXCL; a stale one (its process gone) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder is another live process's: a message for the operator, never a stack trace. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/** Takes the folder's lock or throws naming the process holding it; returns the release. */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'bot.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new DataDirInUseError(
          `The embedded database in ${dir} is in use by process ${holder} (the bot, or another tool). ` +
            'Stop the bot first (tools such as db:migrate, timeline:verify and postmortem need the folder to themselves), or set DATABASE_URL to share a PostgreSQL server.',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
