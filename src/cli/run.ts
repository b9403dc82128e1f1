// What every operator tool shares: `--help` prints the usage and does nothing else, and the errors an
// operator fixes by reading (configuration, a database the bot holds) are printed as messages,
// never as stack traces.
import { ConfigError } from '../config.js';
import { isSchemaBehind } from '../db/client.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';

/** Runs `main` and sets the exit code it returns: 0 done, 1 failed, 2 bad arguments or set-up. */
export async function runCli(usage: string, main: (args: string[]) => Promise<number>, args = process.argv.slice(2)): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    return;
  }
  try {
    process.exitCode = await main(args);
  } catch (e) {
    if (isSchemaBehind(e)) {
      process.stderr.write('The database schema is missing or older than this build: run npm run db:migrate first (with the bot stopped on the embedded database).\n');
    } else if (e instanceof ConfigError || e instanceof DataDirInUseError) {
      process.stderr.write(`${e.message}\n`);
    } else throw e;
    process.exitCode = 2;
  }
}
