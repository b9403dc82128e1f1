// Teams without Microsoft Graph: the incident gets its own thread in the channel where it was
// declared, everything it posts goes into that thread through the stored reference, and the
// postmortem packet is a signed, expiring link that the bot serves itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../fakes/json-server.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { actor, commandMessage, startTeamsFakes, teamsConfig, type TeamsActor, type TeamsFakes } from '../support/teams.js';
import { TeamsSession, textOf, type Incident } from '../support/teams-session.js';

let f: TeamsFakes;
let t: TestBot;
let s: TeamsSession;
let dana: TeamsActor;

beforeAll(async () => {
  f = await startTeamsFakes();
  t = await startTestBot({ teams: teamsConfig(f) });
  s = new TeamsSession(f, t);
  dana = actor(f, { user: '29:dana', name: 'Dana Scully' });
});
afterAll(async () => {
  await t?.stop();
  await f?.stop();
});

describe('an incident in a thread', () => {
  let a: Incident;

  it('opens as a thread of the declaring channel: its first post names the incident, and the header goes into the thread', async () => {
    const m = s.mark();
    a = await s.declareThroughDialog(dana, 'Render traces fail for globex', 'SEV2');
    const root = f.connector.calls.slice(m).find((c) => c.kind === 'send' && c.conversationId === dana.channel && textOf(c).includes("This thread is the incident's room"))!;
    expect(root).toBeDefined();
    expect(a.room).toBe(`${dana.channel};messageid=${root.id}`);
    expect(f.graph.calls()).toEqual([]);
    await s.withAction(m, a.room, (x) => x.verb === 'role.take');
    await until(() => expect(s.sentTo(m, dana.channel).some((c) => textOf(c).includes(`Incident #${a.number} declared`))).toBe(true));
  });

  it('answers commands typed in the thread as the incident’s, and links the postmortem packet with a signed link the bot serves', async () => {
    const m = s.mark();
    await s.ok(commandMessage(dana, 'postmortem', { conversationId: a.room }));
    const linkCard = await until(() => {
      const c = s.sentTo(m, a.room).find((x) => textOf(x).includes('/api/teams/files?t='));
      expect(c).toBeDefined();
      return c!;
    });
    const url = new URL(/\((http[^)]+\/api\/teams\/files\?t=[^)]+)\)/.exec(textOf(linkCard))![1]!);
    const served = await fetch(`http://127.0.0.1:${t.bot.port}${url.pathname}${url.search}`);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('Render traces fail for globex');
    const forged = await fetch(`http://127.0.0.1:${t.bot.port}${url.pathname}?t=${url.searchParams.get('t')!.slice(0, -3)}abc`);
    expect(forged.status).toBe(403);
  });
});
