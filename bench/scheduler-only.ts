// `npm run bench:scheduler`: the scheduler's part of `npm run bench` alone (bench/scheduler.ts), on the
// PostgreSQL server of DATABASE_URL, for measuring a scheduler change without the whole bench.
import { schedulerBench } from './scheduler.js';

process.stdout.write(`${(await schedulerBench(process.env.DATABASE_URL!)).join('\n')}\n`);
