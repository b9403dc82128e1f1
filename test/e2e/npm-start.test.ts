// `npm start` as an operator runs it, on a throw-away embedded database: the process npm starts is
// the bot itself, so SIGTERM to npm reaches it; it stops even with a keep-alive client busy on it,
// releases the data folder, and starts again on the same folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'npm-start-'));
let slack: FakeSlackApi;
const started: ChildProcess[] = [];

beforeAll(async () => {
  slack = await new FakeSlackApi().start();
});
afterAll(async () => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
  await slack.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `npm start` and resolves with its process and the bot's port once the bot logs that it is ready. */
function npmStart(): Promise<{ npm: ChildProcess; port: number; exited: Promise<number | null> }> {
  const npm = spawn('npm', ['start'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      TIMELINE_KEY: '',
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(npm);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    npm.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n').slice(0, -1)) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'incident bot ready') resolve({ npm, port: entry.port!, exited });
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code} before the bot was ready`)));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A client that never pauses, each request at once after the last, on one keep-alive connection. */
function busyClient(port: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
  return (async () => {
    for (;;) await once().catch(() => Promise.reject(new Error('stopped')));
  })().catch(() => agent.destroy());
}

it('SIGTERM to npm start stops the bot itself, which releases its data folder for the next start', async () => {
  const first = await npmStart();
  const lock = path.join(dataDir, 'bot.pid');
  const botPid = Number(readFileSync(lock, 'utf8'));
  // No shell or loader between npm and the bot: its parent is npm.
  const parent = Number(readFileSync(`/proc/${botPid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  expect(parent).toBe(first.npm.pid);

  const client = busyClient(first.port);
  first.npm.kill('SIGTERM');
  await first.exited;
  await client;
  expect(alive(botPid)).toBe(false);
  expect(existsSync(lock)).toBe(false);

  // The same folder starts again, with no "embedded database in use".
  const second = await npmStart();
  expect((await fetch(`http://127.0.0.1:${second.port}/readyz`)).status).toBe(200);
  second.npm.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 120_000);
