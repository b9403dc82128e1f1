// The Teams chat port against a fake connector and a fake Graph, over the real conversation store:
// rooms (a Graph channel, or a thread), posts that go to the stored serviceUrl, updates of only what
// changed, private words in a 1:1 chat, and files (uploaded, or a signed link the bot serves).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatView } from '../../src/app/chat-port.js';
import { createDb, type Db } from '../../src/db/client.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { PrismaTeamsStore } from '../../src/db/teams-store.js';
import { createLogger } from '../../src/log.js';
import { t, user } from '../../src/core/views/rich-text.js';
import { TeamsAdapter } from '../../src/surfaces/teams/endpoint.js';
import { teamsAuthentication } from '../../src/surfaces/teams/auth.js';
import { FILES_PATH, fileLinks } from '../../src/surfaces/teams/file-links.js';
import { graphClient } from '../../src/surfaces/teams/graph.js';
import { TeamsChat } from '../../src/surfaces/teams/teams-chat.js';
import type { Workspace } from '../../src/core/incidents/model.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { startTeamsFakes, teamsConfig, type TeamsFakes } from '../support/teams.js';

const log = createLogger('silent');
const TENANT = 'a0c1e2f3-1111-4222-8333-944455566677';
const CHANNEL = '19:ops@thread.tacv2';
const TEAM = '19:team@thread.tacv2';

let f: TeamsFakes;
let database: TestDatabase;
let db: Db;
let ws: Workspace;
let other: Workspace;
let store: PrismaTeamsStore;
let files: http.Server;
let filesUrl: string;

const chatFor = (graph: boolean) => {
  const cfg = teamsConfig(f, { graph });
  const links = fileLinks({ publicUrl: filesUrl, secret: 'a-test-secret-of-thirty-two-chars!!' }, store, log);
  return {
    chat: new TeamsChat({ adapter: new TeamsAdapter(teamsAuthentication(cfg)), appId: cfg.appId, store, graph: graph ? graphClient(cfg, cfg.graphUrl!) : undefined, files: links, render: { names: (id) => (id === '29:dana' ? 'Dana' : 'someone') }, log }),
    links,
  };
};

const reference = (conversationId: string) => ({ serviceUrl: f.connector.serviceUrl, channelId: 'msteams', bot: { id: '28:bot', name: 'Incident' }, conversation: { id: conversationId, tenantId: TENANT, conversationType: 'channel', isGroup: true } });

beforeAll(async () => {
  f = await startTeamsFakes();
  database = await freshDatabase();
  db = createDb(database.url, database.poolSize);
  const repo = new PrismaIncidentRepository(db);
  ws = await repo.workspace('teams', TENANT);
  other = await repo.workspace('teams', 'b0000000-0000-4000-8000-000000000000');
  store = new PrismaTeamsStore(db);
  await store.remember(ws, CHANNEL, TEAM, reference(CHANNEL));
  const links = () => chatFor(false).links;
  files = http.createServer((req, res) => links().handle(req, res));
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  files?.close();
  await db?.$disconnect();
  await database?.close();
  await f?.stop();
});

const text = (s: string): ChatView => ({ kind: 'text', text: t`${s} ${user('29:dana')}` });

describe('the Teams chat port', () => {
  it('without Graph, opens the incident as a thread in the channel it was declared in, and posts into it', async () => {
    const { chat } = chatFor(false);
    const room = await chat.openRoom(ws, { number: 4, title: 'Mirror stale', private: false, originRoomId: CHANNEL });
    const root = f.connector.calls.at(-1)!;
    expect(root).toMatchObject({ kind: 'send', conversationId: CHANNEL });
    expect(room.id).toMatch(/^19:ops@thread\.tacv2;messageid=1700\d+$/);
    expect((await store.conversation(ws, room.id))!.reference).toMatchObject({ serviceUrl: f.connector.serviceUrl, conversation: { id: room.id } });
    const [ref] = await chat.post(ws, room.id, text('hello'));
    expect(f.connector.calls.at(-1)).toMatchObject({ kind: 'send', conversationId: room.id });
    expect(ref!.ref).toMatch(/^1700/);
    expect(JSON.stringify(f.connector.calls.at(-1)!.body)).toContain('<at>Dana</at>');
  });

  it('with Graph, creates a standard channel inc-<n>-<slug> in the team and keeps its reference', async () => {
    const { chat } = chatFor(true);
    const room = await chat.openRoom(ws, { number: 5, title: 'Signed bundles fail!', private: false, originRoomId: CHANNEL });
    expect(f.graph.channels.at(-1)).toEqual({ teamId: TEAM, displayName: 'inc-5-signed-bundles-fail', description: 'Incident #5: Signed bundles fail!', membershipType: 'standard' });
    expect(room).toEqual({ id: expect.stringMatching(/^19:graph-channel-/), name: 'inc-5-signed-bundles-fail' });
    const graphCall = f.graph.calls().find((c) => c.method === 'POST')!;
    expect(graphCall.headers.authorization).toMatch(/^Bearer bot-token-/);
    await chat.post(ws, room.id, text('first'));
    expect(f.connector.calls.at(-1)).toMatchObject({ kind: 'send', conversationId: room.id });
  });

  it('updates only the messages whose content changed', async () => {
    const { chat } = chatFor(false);
    const refs = await chat.post(ws, CHANNEL, text('v1'));
    const same = await chat.update(ws, CHANNEL, refs, text('v1'));
    expect(same).toEqual(refs);
    const before = f.connector.of('update').length;
    const changed = await chat.update(ws, CHANNEL, refs, text('v2'));
    expect(f.connector.of('update').length).toBe(before + 1);
    expect(f.connector.of('update').at(-1)).toMatchObject({ conversationId: CHANNEL, activityId: refs[0]!.ref });
    expect(changed[0]!.ref).toBe(refs[0]!.ref);
    expect(changed[0]!.digest).not.toBe(refs[0]!.digest);
  });

  it('sends through the stored serviceUrl, and refuses a room it has no reference for', async () => {
    const { chat } = chatFor(false);
    await expect(chat.post(ws, '19:unknown@thread.tacv2', text('x'))).rejects.toMatchObject({ code: 'conversation_unknown' });
    // Another tenant's workspace does not see this tenant's rooms.
    await expect(chat.post(other, CHANNEL, text('x'))).rejects.toMatchObject({ code: 'conversation_unknown' });
  });

  it('tells one person privately in a 1:1 chat, opened once and then reused', async () => {
    const { chat } = chatFor(false);
    const creates = f.connector.of('create').length;
    await chat.tell(ws, { userId: '29:sam', roomId: CHANNEL }, text('just you'));
    await chat.tell(ws, { userId: '29:sam', roomId: CHANNEL }, text('again'));
    expect(f.connector.of('create').length).toBe(creates + 1);
    expect(f.connector.of('create').at(-1)!.body).toMatchObject({ isGroup: false, members: [{ id: '29:sam' }], tenantId: TENANT });
    const personal = f.connector.of('create').at(-1)!.conversationId;
    expect(f.connector.calls.filter((c) => c.kind === 'send' && c.conversationId === personal)).toHaveLength(2);
  });

  it('with Graph, uploads a file to the channel files folder and links it', async () => {
    const { chat } = chatFor(true);
    await chat.attachFile(ws, CHANNEL, { name: 'incident-5-postmortem.md', title: 'Postmortem packet', content: '# Packet' });
    expect(f.graph.uploads.at(-1)).toEqual({ driveId: 'drive-1', path: `folder-${CHANNEL}/incident-5-postmortem.md`, content: '# Packet' });
    expect(JSON.stringify(f.connector.calls.at(-1)!.body)).toContain('https://files.example.com/');
  });

  it('without Graph, links the file with a signed token that the bot serves, for this workspace only', async () => {
    const { chat, links } = chatFor(false);
    await chat.attachFile(ws, CHANNEL, { name: 'incident-4-postmortem.md', title: 'Postmortem packet', content: '# Packet four' });
    const url = /\((http:\/\/127\.0\.0\.1:\d+\/api\/teams\/files\?t=[^)]+)\)/.exec(JSON.stringify(f.connector.calls.at(-1)!.body))![1]!;
    expect(url).toContain(FILES_PATH);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('# Packet four');
    expect(res.headers.get('content-disposition')).toContain('incident-4-postmortem.md');
    const token = new URL(url).searchParams.get('t')!;
    expect((await fetch(`${filesUrl}${FILES_PATH}?t=${token.slice(0, -2)}xx`)).status).toBe(403);
    const fileId = (await db.teamsFile.findFirstOrThrow({ where: { workspaceId: ws.id } })).id;
    // A correctly signed link naming another workspace finds nothing.
    expect((await fetch(await links.link(other.id, fileId))).status).toBe(404);
  });
});
