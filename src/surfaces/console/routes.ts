// The console's HTTP endpoints on the process's one server: the page at `/`, its script and style,
// the live stream, forms, the three kinds of POST (command, button, form) and file downloads.
// Every POST names its person and carries a client-generated id: the delivery key of its intent.
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../../package-root.js';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { refusalText } from '../../app/core-text.js';
import type { ConsoleConfig } from '../../config.js';
import { isDomainError } from '../../core/errors.js';
import { plain } from '../../core/views/rich-text.js';
import type { Workspace } from '../../core/incidents/model.js';
import type { ConsoleRepository } from '../../db/console-repository.js';
import type { Logger } from '../../log.js';
import type { Route } from '../../server.js';
import { GENERAL_ROOM } from './console-chat.js';
import { checkRequest, refuse } from './guard.js';
import type { LiveHub } from './live.js';
import { PEOPLE, personOf } from './people.js';
import { ACTS, FORMS, type Act, type FormName } from './render/controls.js';
import type { Html } from './render/html.js';
import { pageHtml, roomParts } from './render/page.js';

/** Who asks, from which room, under which delivery; the person is the switcher's, trusted by design. */
export type ConsoleAsk = { ws: Workspace; person: string; roomId: string; key: string };
/** What a POST answers: nothing (the talk arrives live), a form to open, or a refusal of a form. */
export type Answer = { form?: { name: FormName; args: Record<string, string> }; error?: string; field?: string };

/** What the routes need from the rest of the console: each turns a request into one intent. */
export type ConsoleHandlers = {
  command(ask: ConsoleAsk, text: string): Promise<Answer>;
  act(ask: ConsoleAsk, act: Act, args: Record<string, string>): Promise<Answer>;
  submit(ask: ConsoleAsk, form: FormName, args: Record<string, string>, fields: Record<string, string | string[]>): Promise<Answer>;
  form(ask: Omit<ConsoleAsk, 'key'>, form: FormName, args: Record<string, string>): Promise<Html>;
};

const STATIC: Record<string, { file: string; type: string }> = {
  '/console/static/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console/static/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};
// Read from the sources, compiled or not (the client files are not compiled).
const staticBody = (file: string) => readFileSync(path.join(PACKAGE_ROOT, 'src/surfaces/console/client', file), 'utf8');

const args = z.record(z.string(), z.string().max(500)).default({});
const base = { id: z.string().min(8).max(100), as: z.string().max(50), room: z.string().min(1).max(100) };
const bodies = {
  '/console/command': z.object({ ...base, text: z.string().max(4000) }),
  '/console/act': z.object({ ...base, act: z.enum(ACTS), args }),
  '/console/form': z.object({ ...base, form: z.enum(FORMS), args, fields: z.record(z.string(), z.union([z.string().max(5000), z.array(z.string().max(200)).max(50)])).default({}) }),
};

const MAX_BODY = 64 * 1024;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

const send = (res: ServerResponse, status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
const sendJson = (res: ServerResponse, status: number, body: object) => send(res, status, 'application/json', JSON.stringify(body));

export type RouteDeps = {
  config: ConsoleConfig;
  repo: ConsoleRepository;
  live: LiveHub;
  log: Logger;
  workspace(): Promise<Workspace>;
  handlers: ConsoleHandlers;
  drill: boolean;
  speed: number;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function consoleRoutes(d: RouteDeps): Route[] {
  const page = async (res: ServerResponse, url: URL) => {
    const ws = await d.workspace();
    const person = personOf(url.searchParams.get('as'));
    const rooms = await d.repo.rooms(ws);
    const room = rooms.find((r) => r.id === url.searchParams.get('room')) ?? rooms.find((r) => r.id === GENERAL_ROOM.id) ?? (await d.repo.ensureRoom(ws, GENERAL_ROOM));
    const messages = await d.repo.messages(ws, room.id, person);
    send(res, 200, 'text/html; charset=utf-8', pageHtml({ rooms: rooms.length ? rooms : [room], room, person, people: PEOPLE, messages, drill: d.drill, speed: d.speed }).value);
  };

  /** The room as it stands, for a page whose live stream (re)connects: nothing posted meanwhile is lost. */
  const roomNow = async (res: ServerResponse, url: URL) => {
    const ws = await d.workspace();
    const room = await d.repo.room(ws, url.searchParams.get('room') ?? '');
    if (!room) return sendJson(res, 404, { error: 'No such room.' });
    const { pinned, flow } = roomParts(room, await d.repo.messages(ws, room.id, personOf(url.searchParams.get('as'))));
    sendJson(res, 200, { topic: room.topic, pinned: pinned.value, messages: flow.value });
  };

  const download = async (res: ServerResponse, id: string) => {
    const file = UUID.test(id) ? await d.repo.file(await d.workspace(), id) : null;
    if (!file) return sendJson(res, 404, { error: 'No such file.' });
    res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"` }).end(file.content);
  };

  const form = async (res: ServerResponse, url: URL) => {
    const name = z.enum(FORMS).safeParse(url.searchParams.get('name'));
    const parsedArgs = args.safeParse(JSON.parse(url.searchParams.get('args') || '{}'));
    if (!name.success || !parsedArgs.success) return sendJson(res, 400, { error: 'No such form.' });
    const ask = { ws: await d.workspace(), person: personOf(url.searchParams.get('as')), roomId: url.searchParams.get('room') || GENERAL_ROOM.id };
    try {
      send(res, 200, 'text/html; charset=utf-8', (await d.handlers.form(ask, name.data, parsedArgs.data)).value);
    } catch (e) {
      // Refused before the form opens (not an incident room, a step this person may not skip).
      if (!isDomainError(e)) throw e;
      sendJson(res, 409, { error: plain(refusalText(e)) });
    }
  };

  const postOne = async (req: IncomingMessage, res: ServerResponse, path: keyof typeof bodies) => {
    const parsed = bodies[path].safeParse(await readJson(req).catch(() => null));
    if (!parsed.success) return sendJson(res, 400, { error: `That request is malformed: ${parsed.error.issues[0]?.message ?? 'bad body'}.` });
    const b = parsed.data;
    const ask: ConsoleAsk = { ws: await d.workspace(), person: personOf(b.as), roomId: b.room, key: `console:${b.id}` };
    let answer: Answer;
    if ('text' in b) answer = await d.handlers.command(ask, b.text);
    else if ('act' in b) answer = await d.handlers.act(ask, b.act, b.args);
    else answer = await d.handlers.submit(ask, b.form, b.args, b.fields);
    sendJson(res, 200, answer);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://console.local');
    const verdict = checkRequest(d.config, req, url);
    if (verdict.ok !== true) return refuse(res, verdict);
    const path = url.pathname;
    const work = (async () => {
      if (req.method === 'GET' && path === '/') return page(res, url);
      if (req.method === 'GET' && STATIC[path]) return send(res, 200, STATIC[path].type, staticBody(STATIC[path].file));
      if (req.method === 'GET' && path === '/console/events') return d.live.subscribe(personOf(url.searchParams.get('as')), res);
      if (req.method === 'GET' && path === '/console/form') return form(res, url);
      if (req.method === 'GET' && path === '/console/room') return roomNow(res, url);
      if (req.method === 'GET' && path.startsWith('/console/files/')) return download(res, path.slice('/console/files/'.length));
      if (req.method === 'POST' && path in bodies) return postOne(req, res, path as keyof typeof bodies);
      sendJson(res, 404, { error: 'not_found' });
    })();
    work.catch((err) => {
      d.log.error({ err, path }, 'console request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Something went wrong in the console; the log has the details.' });
    });
  };
  return [
    { path: '/', handle },
    { path: '/console/', prefix: true, handle },
  ];
}
