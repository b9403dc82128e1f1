// Process entry: read the configuration, start the bot, stop cleanly on SIGINT/SIGTERM.
// `npm start` execs this file compiled (dist/src/main.js), so the signals come straight here.
// Only what starts the embedded database is imported up front: it opens in its own thread while the
// rest of the bot's modules load.
import { ConfigError, loadConfig } from './config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { startEmbedded } from './db/embedded-template.js';
import { createLogger } from './log.js';

/** Errors an operator fixes by reading them: printed as they are, without a stack trace. */
const isOperatorError = (e: unknown): e is Error => e instanceof ConfigError || e instanceof DataDirInUseError;

async function main() {
  let config;
  try {
    config = loadConfig(undefined, { drill: process.argv.includes('--drill') });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
  // Listened for from the start: a signal during start-up stops the bot as soon as it is up, rather
  // than killing it with its database half-open.
  let signalled: string | undefined;
  let stop = (signal: string) => void (signalled = signal);
  process.once('SIGINT', (s) => stop(s));
  process.once('SIGTERM', (s) => stop(s));
  const embedded = startEmbedded(config, log);
  // Awaited by startBot; until then a failure (a data folder in use) must not count as unhandled.
  embedded?.catch(() => {});
  const [{ startBot }, { RunbookError }] = await Promise.all([import('./bot.js'), import('./core/runbook/loader.js')]);
  try {
    const bot = await startBot(config, log, embedded ? { embedded } : {});
    stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      bot.stop().then(() => process.exit(0), (err) => { log.error({ err }, 'unclean stop'); process.exit(1); });
    };
    if (signalled) stop(signalled);
  } catch (e) {
    // Operator errors (configuration, including what only the loaded catalog can judge, and a data
    // folder in use) read as messages; anything else is logged with its stack.
    if (isOperatorError(e)) {
      log.fatal(e.message);
      process.stderr.write(`${e.message}\n`);
    } else log.fatal({ err: e }, e instanceof RunbookError ? 'the runbook content is invalid' : 'start-up failed');
    process.exit(1);
  }
}

void main();
