// What every operator tool shares: `--help` prints the usage and does nothing else, and the errors an
// operator fixes by reading (configuration, a database the bot holds) are printed as messages,
// never as stack traces.
import { ConfigError } from '../config.js';
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
    if (!(e instanceof ConfigError || e instanceof DataDirInUseError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
  }
}
