// The console page, rendered on the server: the rooms, the person switcher, the room's pinned header
// and messages as this person sees them, the command box, and the dialog that holds forms.
import type { ConsoleMessage, ConsoleRoom } from '../../../db/console-repository.js';
import type { Person } from '../people.js';
import { html, Html } from './html.js';

export type PageModel = {
  rooms: ConsoleRoom[];
  room: ConsoleRoom;
  person: string;
  people: readonly Person[];
  messages: ConsoleMessage[];
  drill: boolean;
  speed: number;
};

const time = (d: Date) => d.toISOString().slice(11, 16);

export function messageHtml(m: Pick<ConsoleMessage, 'id' | 'kind' | 'toUser' | 'html' | 'createdAt'>): Html {
  return html`<article class="msg${m.toUser ? ' private' : ''}" id="m-${m.id}" data-id="${m.id}" data-kind="${m.kind}">
    <div class="meta"><span class="who">incident bot</span> <time>${time(m.createdAt)} UTC</time>${m.toUser ? html` <span class="only-you">Only you can see this</span>` : ''}</div>
    <div class="body">${new Html(m.html)}</div>
  </article>`;
}

const roomHref = (roomId: string, person: string) => `?room=${encodeURIComponent(roomId)}&as=${encodeURIComponent(person)}`;

function sidebar(m: PageModel): Html {
  // "general" first, then incident rooms, newest first.
  const rooms = [...m.rooms].sort((a, b) => (a.id === 'general' ? -1 : b.id === 'general' ? 1 : b.createdAt.getTime() - a.createdAt.getTime()));
  return html`<nav class="sidebar">
    <h1>Incident console${m.drill ? html` <span class="drill-badge">DRILL ×${m.speed}</span>` : ''}</h1>
    <label class="person">Acting as
      <select id="person" name="as">
        ${m.people.map((p) => html`<option value="${p.id}" ${p.id === m.person ? 'selected' : ''}>${p.name} (${p.hint})</option>`)}
      </select>
    </label>
    <button type="button" class="btn primary declare" data-form="declare" data-args="{}">Declare an incident</button>
    <h2>Rooms</h2>
    <ul id="rooms" class="rooms">
      ${rooms.map((r) => html`<li data-room="${r.id}" class="${r.id === m.room.id ? 'current' : ''}"><a href="${roomHref(r.id, m.person)}">#${r.name}</a></li>`)}
    </ul>
  </nav>`;
}

/** A pinned header stays at the top of its room; other pins (the triage checklist) stay in the flow. */
const onTop = (room: ConsoleRoom, m: ConsoleMessage) => m.kind === 'header' && room.pinned.includes(m.id);

/** The room's pinned header and the rest, in order, as this person sees them. */
export function roomParts(room: ConsoleRoom, messages: ConsoleMessage[]): { pinned: Html; flow: Html } {
  return { pinned: html`${messages.filter((m) => onTop(room, m)).map(messageHtml)}`, flow: html`${messages.filter((m) => !onTop(room, m)).map(messageHtml)}` };
}

export function pageHtml(m: PageModel): Html {
  const { pinned, flow } = roomParts(m.room, m.messages);
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>#${m.room.name} · Incident console</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/console/static/console.css">
  <script type="module" src="/console/static/console.js"></script>
</head>
<body data-room="${m.room.id}" data-person="${m.person}">
  ${sidebar(m)}
  <main>
    <header class="room-head">
      <h2>#${m.room.name}</h2>
      <p id="topic" class="muted">${m.room.topic}</p>
    </header>
    <div id="pinned" class="pinned">${pinned}</div>
    <div id="messages" class="messages">${flow}</div>
    <form id="command" class="command-box" autocomplete="off">
      <span class="prompt">/incident</span>
      <input name="text" placeholder="help · declare · status · update · checklist · assign ops @ops …" aria-label="Command">
      <button class="btn primary" type="submit">Send</button>
    </form>
  </main>
  <dialog id="dialog"><div id="dialog-body"></div></dialog>
</body>
</html>`;
}
