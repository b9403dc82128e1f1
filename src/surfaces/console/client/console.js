// The console page's script: live messages over Server-Sent Events, buttons, forms in a dialog and
// the command box. Every POST carries a fresh id that the server uses as the delivery key, so a
// double click or a retried request changes nothing twice. No framework; the server renders HTML.
// @ts-check

const body = document.body;
const room = body.dataset.room ?? 'general';
const person = body.dataset.person ?? 'ic';
const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (document.querySelector(sel));
const messages = $('#messages');
const pinned = $('#pinned');
const dialog = /** @type {HTMLDialogElement} */ ($('#dialog'));
const dialogBody = $('#dialog-body');

const go = (/** @type {string} */ roomId, /** @type {string} */ as) => {
  location.search = `?room=${encodeURIComponent(roomId)}&as=${encodeURIComponent(as)}`;
};

/** @param {string} path @param {Record<string, unknown>} payload */
async function post(path, payload) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: crypto.randomUUID(), as: person, room, ...payload }),
  });
  const answer = await res.json().catch(() => ({ error: `The console answered ${res.status}.` }));
  if (!res.ok && !answer.error) answer.error = `The console answered ${res.status}.`;
  return answer;
}

/** A short notice for what the server could not answer at all (its refusals arrive as messages). */
function notice(/** @type {string} */ text) {
  const el = document.createElement('div');
  el.className = 'notice';
  el.textContent = text;
  document.body.append(el);
  setTimeout(() => el.remove(), 6000);
}

function scrollDown() {
  messages.scrollTop = messages.scrollHeight;
}

/** @param {{ id: string; html: string; private: boolean; kind: string }} e */
function messageElement(e) {
  const { id, html, private: isPrivate } = e;
  const el = document.createElement('article');
  el.className = `msg${isPrivate ? ' private' : ''}`;
  el.id = `m-${id}`;
  el.dataset.id = id;
  el.dataset.kind = e.kind;
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.innerHTML = `<span class="who">incident bot</span> <time>${new Date().toISOString().slice(11, 16)} UTC</time>${isPrivate ? ' <span class="only-you">Only you can see this</span>' : ''}`;
  const content = document.createElement('div');
  content.className = 'body';
  // Rendered and escaped by the server (src/surfaces/console/render).
  content.innerHTML = html;
  el.append(meta, content);
  return el;
}

function markUnread(/** @type {string} */ roomId) {
  document.querySelector(`#rooms li[data-room="${CSS.escape(roomId)}"]`)?.classList.add('unread');
}

function addRoom(/** @type {{ roomId: string; name: string; topic: string }} */ e) {
  const rooms = $('#rooms');
  let li = /** @type {HTMLElement | null} */ (rooms.querySelector(`li[data-room="${CSS.escape(e.roomId)}"]`));
  if (!li) {
    li = document.createElement('li');
    li.dataset.room = e.roomId;
    const a = document.createElement('a');
    a.href = `?room=${encodeURIComponent(e.roomId)}&as=${encodeURIComponent(person)}`;
    a.textContent = `#${e.name}`;
    li.append(a);
    // Newest incident rooms first, under "general".
    const general = rooms.querySelector('li[data-room="general"]');
    if (general) general.after(li);
    else rooms.prepend(li);
    li.classList.add('unread');
  }
  if (e.roomId === room) $('#topic').textContent = e.topic;
}

const events = new EventSource(`/console/events?as=${encodeURIComponent(person)}`);
/**
 * Live events that arrive while the page catches up, kept until the room has been painted: the
 * room may have been read before they happened, and painting it must not undo them.
 * @type {(() => void)[] | null}
 */
let held = null;
/** @param {string} type @param {(e: any) => void} apply */
const live = (type, apply) =>
  events.addEventListener(type, (ev) => {
    const e = JSON.parse(/** @type {MessageEvent} */ (ev).data);
    if (held) held.push(() => apply(e));
    else apply(e);
  });
// Whatever was posted between the page's rendering and the stream's (re)connection.
events.addEventListener('open', async () => {
  held = [];
  try {
    const res = await fetch(`/console/room?${new URLSearchParams({ room, as: person })}`);
    if (!res.ok) return;
    const now = await res.json();
    pinned.innerHTML = now.pinned;
    messages.innerHTML = now.messages;
    $('#topic').textContent = now.topic;
    scrollDown();
  } finally {
    const later = held;
    held = null;
    later.forEach((apply) => apply());
  }
});
live('message', (e) => {
  if (e.roomId !== room) return markUnread(e.roomId);
  if (document.getElementById(`m-${e.id}`)) return;
  messages.append(messageElement(e));
  scrollDown();
});
live('updated', (e) => {
  const content = document.querySelector(`#m-${CSS.escape(e.id)} .body`);
  if (content) content.innerHTML = e.html;
});
live('room', addRoom);
live('pins', (e) => {
  if (e.roomId !== room) return;
  for (const el of [...pinned.children]) if (!e.pinned.includes(/** @type {HTMLElement} */ (el).dataset.id)) messages.prepend(el);
  for (const id of e.pinned) {
    const el = document.getElementById(`m-${id}`);
    if (el?.dataset.kind === 'header') pinned.append(el);
  }
});

/** @param {string} name @param {Record<string, string>} args */
async function openForm(name, args) {
  const q = new URLSearchParams({ name, room, as: person, args: JSON.stringify(args) });
  const res = await fetch(`/console/form?${q}`);
  if (!res.ok) return notice((await res.json().catch(() => ({}))).error ?? `The form did not open (${res.status}).`);
  dialogBody.innerHTML = await res.text();
  const form = dialogBody.querySelector('form');
  if (form) form.dataset.delivery = crypto.randomUUID();
  dialog.showModal();
  /** @type {HTMLElement | null} */ (dialogBody.querySelector('input, textarea, select'))?.focus();
}

/** Every field of a form; checkboxes of one name become a list. */
function fieldsOf(/** @type {HTMLFormElement} */ form) {
  /** @type {Record<string, string | string[]>} */
  const out = {};
  for (const el of /** @type {HTMLInputElement[]} */ ([...form.elements])) {
    if (!el.name) continue;
    if (el.type === 'checkbox') {
      const list = /** @type {string[]} */ (out[el.name] ?? []);
      if (el.checked) list.push(el.value);
      out[el.name] = list;
    } else if (el.type === 'radio') {
      if (el.checked) out[el.name] = el.value;
    } else out[el.name] = el.value;
  }
  return out;
}

dialog.addEventListener('submit', async (ev) => {
  const form = /** @type {HTMLFormElement} */ (ev.target);
  if (form.method === 'dialog') return;
  ev.preventDefault();
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  submit.disabled = true;
  // The delivery id belongs to the opened form: submitting it twice is one delivery.
  const answer = await post('/console/form', { id: form.dataset.delivery, form: form.dataset.form, args: JSON.parse(form.dataset.args ?? '{}'), fields: fieldsOf(form) });
  submit.disabled = false;
  if (!answer.error) return dialog.close();
  const err = document.createElement('p');
  err.className = 'field-error';
  err.textContent = answer.error;
  const field = answer.field ? form.querySelector(`[data-field="${CSS.escape(answer.field)}"]`) : null;
  (field ?? form.querySelector('.form-actions') ?? form).before(err);
});

document.addEventListener('click', async (ev) => {
  const target = /** @type {HTMLElement} */ (ev.target);
  const button = /** @type {HTMLButtonElement | null} */ (target.closest('button[data-act], button[data-form]'));
  const command = /** @type {HTMLElement | null} */ (target.closest('[data-command]'));
  if (target.closest('[data-close]')) return dialog.close();
  const roomLink = /** @type {HTMLElement | null} */ (target.closest('a[data-room]'));
  if (roomLink) {
    ev.preventDefault();
    return go(roomLink.dataset.room ?? 'general', person);
  }
  if (command && !button) {
    const input = /** @type {HTMLInputElement} */ ($('#command input'));
    input.value = (command.dataset.command ?? '').replace(/^\/incident\s*/, '');
    return input.focus();
  }
  if (!button) return;
  const args = JSON.parse(button.dataset.args ?? '{}');
  if (button.dataset.form) return openForm(button.dataset.form, args);
  button.disabled = true;
  const answer = await post('/console/act', { act: button.dataset.act, args });
  button.disabled = false;
  if (answer.error) notice(answer.error);
});

$('#command').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('#command input'));
  const text = input.value.trim();
  if (!text) return;
  const answer = await post('/console/command', { text });
  if (answer.error) return notice(answer.error);
  input.value = '';
  if (answer.form) openForm(answer.form.name, answer.form.args);
});

/** @type {HTMLSelectElement} */ ($('#person')).addEventListener('change', (ev) => go(room, /** @type {HTMLSelectElement} */ (ev.target).value));
scrollDown();
