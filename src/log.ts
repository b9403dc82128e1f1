// Root pino logger. Child loggers carry workspace, incident and request ids so one incident's
// story can be read out of the logs with a single filter.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'incident-bot' }, timestamp: pino.stdTimeFunctions.isoTime });
}
