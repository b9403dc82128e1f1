// Process entry: read the configuration, start the bot, stop cleanly on SIGINT/SIGTERM.
import { ConfigError, loadConfig } from './config.js';
import { RunbookError } from './core/runbook/loader.js';
import { startBot } from './bot.js';
import { createLogger } from './log.js';

async function main() {
  let config;
  try {
    config = loadConfig();
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
  try {
    const bot = await startBot(config, log);
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      bot.stop().then(() => process.exit(0), (err) => { log.error({ err }, 'unclean stop'); process.exit(1); });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (e) {
    // A configuration that only the loaded catalog can judge (ACTION_WEBHOOK_ACTIONS) reads like any other.
    if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
    else log.fatal({ err: e }, e instanceof RunbookError ? 'the runbook content is invalid' : 'start-up failed');
    process.exit(1);
  }
}

void main();
