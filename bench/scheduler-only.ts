// `npm run bench:scheduler`: the scheduler's part of `npm run bench` alone (bench/scheduler.ts), on the
// PostgreSQL server of DATABASE_URL (or a throw-away one), to measure a scheduler change without the rest.
import { schedulerBench } from './scheduler.js';

process.stdout.write(`${(await schedulerBench(process.env.DATABASE_URL!)).join('\n')}\n`);
