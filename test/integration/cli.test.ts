// The operator tools as `npm run` runs them: usage on --help without touching the database,
// configuration and lock problems as plain messages, timeline:verify read-only, postmortem by id.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../src/core/incidents/service.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { createDb } from '../../src/db/client.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const exec = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'cli-'));
// The tools run compiled: build once here, so each test pays only the up-to-date check.
beforeAll(() => exec('npm', ['run', '--silent', 'build']), 180_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function npmRun(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const clean = { ...process.env, DATABASE_URL: '', TIMELINE_KEY: '', DATA_DIR: path.join(folder, 'unused'), ...env };
  try {
    const { stdout, stderr } = await exec('npm', ['run', '--silent', script, '--', ...args], { env: clean });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

const noStackTrace = (out: string) => expect(out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

async function migrations(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`)).rows[0].present as boolean;
  } finally {
    await client.end();
  }
}

describe('on an empty database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase({ migrated: false });
  });
  afterAll(() => database.close());
  const env = () => ({ DATABASE_URL: database.url, TIMELINE_KEY: TEST_TIMELINE_KEY });

  it('db:migrate --help prints its usage and migrates nothing', async () => {
    const res = await npmRun('db:migrate', ['--help'], env());
    expect(res).toMatchObject({ code: 0 });
    expect(res.out).toContain('Usage: npm run db:migrate');
    expect(await migrations(database.url)).toBe(false);
  });

  it('timeline:verify leaves the database it checks as it was, and says to migrate', async () => {
    const res = await npmRun('timeline:verify', ['00000000-0000-4000-8000-000000000000'], env());
    expect(res.code).toBe(2);
    expect(res.out).toContain('run npm run db:migrate first');
    noStackTrace(res.out);
    expect(await migrations(database.url)).toBe(false);
  });
});

it('db:migrate shows a configuration error as a message, not a stack trace', async () => {
  const res = await npmRun('db:migrate', [], { DATABASE_URL: 'mysql://db/incidents' });
  expect(res.code).toBe(2);
  expect(res.out).toContain('DATABASE_URL: expected a postgresql:// connection URL');
  noStackTrace(res.out);
});

it('the tools say to stop the bot when it holds the embedded database', async () => {
  const dataDir = path.join(folder, 'held');
  rmSync(dataDir, { recursive: true, force: true });
  await exec('mkdir', ['-p', dataDir]);
  // A live process (this test's) holds the folder, as the running bot would.
  writeFileSync(path.join(dataDir, 'bot.pid'), String(process.pid));
  const res = await npmRun('db:migrate', [], { DATA_DIR: dataDir });
  expect(res.code).toBe(2);
  expect(res.out).toContain(`in use by process ${process.pid}`);
  expect(res.out).toContain('Stop the bot first');
  noStackTrace(res.out);
});

describe('postmortem', () => {
  let database: TestDatabase;
  let incidentId = '';
  beforeAll(async () => {
    database = await freshDatabase();
    const db = createDb(database.url, database.poolSize);
    const service = new IncidentService({ repo: new PrismaIncidentRepository(db, TEST_TIMELINE_KEY), clock: { now: () => new Date() }, ...loadContent() });
    const ws = await service.workspace('slack', 'TPM');
    incidentId = (await service.declare(ws, 'UA', 'K1', null, { title: 'Packet by id', severity: 'SEV2' })).state.incident.id;
    await db.$disconnect();
  });
  afterAll(() => database.close());
  const env = () => ({ DATABASE_URL: database.url, TIMELINE_KEY: TEST_TIMELINE_KEY });

  it('writes the packet of an incident named by its id', async () => {
    const out = path.join(folder, 'by-id.md');
    const res = await npmRun('postmortem', [incidentId, out], env());
    expect(res).toMatchObject({ code: 0 });
    expect(res.out).toContain(`Wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toContain('Packet by id');
  });

  it('says plainly that the output folder does not exist', async () => {
    const res = await npmRun('postmortem', ['TPM', '1', path.join(folder, 'missing', 'pm.md')], env());
    expect(res.code).toBe(2);
    expect(res.out).toContain(`The folder ${path.join(folder, 'missing')} does not exist`);
    noStackTrace(res.out);
  });
});
