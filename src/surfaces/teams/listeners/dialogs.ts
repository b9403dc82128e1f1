// The bot's dialogs: task/fetch opens a form (refused at once where the submission would be), and
// task/submit turns it into its intent. A refusal shows the form again, with what was typed and the
// reason on top; success closes the dialog, with the intent's private answer when it has one.
import { randomUUID } from 'node:crypto';
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Asked, Outcome } from '../../../app/intent.js';
import { splitList } from '../../../core/incidents/declare-input.js';
import { DomainError, ErrorCode } from '../../../core/errors.js';
import type { Area, Severity } from '../../../core/incidents/model.js';
import { words } from '../cards/card.js';
import { actionForm, declareForm, dialog, externalForm, followupForm, picked, postmortemForm, readActionForm, readForm, skipForm, updateForm, type Form, type Self } from '../cards/forms.js';
import type { Turn } from '../turn.js';
import { askedOf, errorView, roomOf, talk, tellPrivately, type Claims, type TeamsListenerDeps } from './context.js';
import { renderView } from '../cards/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The form a button names, built for the room it acts on (refused here if the room cannot take it). */
async function formFor(deps: TeamsListenerDeps, asked: Asked, c: Claims, self: Self): Promise<Form> {
  const form = await formOf(deps, asked, c, self);
  // One id per opened dialog: submitting it twice (or after a refusal, corrected) is one delivery.
  return { ...form, data: { ...form.data, formId: c.formId || randomUUID() } };
}

async function formOf(deps: TeamsListenerDeps, asked: Asked, c: Claims, self: Self): Promise<Form> {
  const app = deps.app;
  const withRoom = (f: Form): Form => ({ ...f, data: { ...f.data, room: asked.roomId ?? '' } });
  switch (c.form) {
    case 'declare':
      return declareForm(app.declareForm(c.title ?? ''), self, c.origin || (asked.roomId ?? ''));
    case 'update':
      return withRoom(updateForm(c.incidentId ?? '', (await app.updateForm(asked)).mitigationOptions, self));
    case 'skip':
      return withRoom(skipForm(c.incidentId ?? '', c.itemId ?? '', await app.maySkip({ ...asked, incidentId: c.incidentId ?? '', itemId: c.itemId ?? '' })));
    case 'action': {
      const { action, prefill } = await app.requestForm({ ...asked, actionId: c.actionId ?? '' });
      return withRoom(actionForm(action, prefill, c.incidentId ?? ''));
    }
    case 'postmortem':
      return withRoom(postmortemForm(await app.sections(asked)));
    case 'followup':
      await app.followupForm(asked);
      return withRoom(followupForm(self));
    case 'external':
      await app.externalForm(asked);
      return withRoom(externalForm());
    default:
      throw new DomainError(ErrorCode.InvalidInput, 'That form is not one of the bot’s.');
  }
}

/** A person picked in a form: the filler's own id, or an Entra id looked up in the conversation's roster. */
async function person(ctx: TurnContext, value: string, self: Self, field: string): Promise<string> {
  if (!value || value === self.id) return self.id;
  if (!GUID.test(value)) throw new DomainError(ErrorCode.InvalidInput, 'Pick the person from the list.', field);
  try {
    return (await TeamsInfo.getMember(ctx, value)).id;
  } catch {
    throw new DomainError(ErrorCode.InvalidInput, 'That person is not in this team or chat; pick someone who is.', field);
  }
}

async function submit(deps: TeamsListenerDeps, turn: Turn, asked: Asked, c: Claims, form: Form, v: Record<string, string>, self: Self): Promise<Outcome> {
  const app = deps.app;
  const ctx = turn.ctx;
  switch (form.form) {
    case 'declare':
      return app.declare({
        ...asked,
        roomId: c.origin || asked.roomId,
        input: {
          title: v.title ?? '',
          severity: v.severity as Severity,
          areas: picked(v.areas ?? '') as Area[],
          tenants: splitList(v.tenants),
          channels: splitList(v.channels),
          environments: splitList(v.environments),
          integrityUncertain: v.integrityUncertain === 'yes',
          commander: await person(ctx, v.commander ?? '', self, 'commander'),
          ...(v.symptom ? { symptom: v.symptom } : {}),
        },
      });
    case 'update':
      return app.postUpdate({ ...asked, fields: { changed: v.changed, impact: v.impact, mitigation: v.mitigation, mitigationDetail: v.mitigationDetail, nextActions: v.nextActions, owner: await person(ctx, v.owner ?? '', self, 'owner') } });
    case 'skip':
      return app.step({ ...asked, incidentId: c.incidentId ?? '', itemId: c.itemId ?? '', verb: v.na === 'yes' ? 'na' : 'skip', reason: v.reason ?? '' });
    case 'action': {
      const { action } = await app.requestForm({ ...asked, actionId: c.actionId ?? '' });
      const { params, override } = readActionForm(action, v);
      return app.requestAction({ ...asked, actionId: action.id, params, ...(override ? { override } : {}) });
    }
    case 'postmortem':
      return app.saveSections({ ...asked, fields: { rootCauseTechnical: v.rootCauseTechnical ?? '', rootCauseProcess: v.rootCauseProcess ?? '', whatWorked: v.whatWorked ?? '', whatDidNot: v.whatDidNot ?? '', rootCauseVerified: v.rootCauseVerified === 'yes' } });
    case 'followup':
      return app.followupAdd({ ...asked, title: v.title ?? '', owner: await person(ctx, v.owner ?? '', self, 'owner'), dueOn: v.dueOn ?? '' });
    case 'external':
      return app.external({ ...asked, customerImpact: v.customerImpact ?? '', nextSteps: v.nextSteps ?? '' });
    default:
      throw new DomainError(ErrorCode.InvalidInput, 'That form is not one of the bot’s.');
  }
}

const claimsOf = (turn: Turn): { claims: Claims; inputs: Record<string, unknown> } => {
  const data = ((turn.ctx.activity.value ?? {}) as { data?: Record<string, unknown> }).data ?? {};
  const claims: Claims = Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { claims, inputs: data };
};

const selfOf = (turn: Turn): Self => ({ id: turn.origin.user.id, name: turn.origin.user.name });

const closeWith = (text?: string) => ({ status: 200, body: text ? { task: { type: 'message', value: text } } : {} });

export async function onTaskFetch(deps: TeamsListenerDeps, turn: Turn) {
  const { claims } = claimsOf(turn);
  const asked = askedOf(turn, roomOf(turn, claims));
  try {
    return { status: 200, body: dialog(await formFor(deps, asked, claims, selfOf(turn))) };
  } catch (e) {
    const v = errorView(e, turn.log);
    return closeWith(v.kind === 'text' ? words(v.text, deps.render) : 'That form cannot open here.');
  }
}

export async function onTaskSubmit(deps: TeamsListenerDeps, turn: Turn) {
  const { claims, inputs } = claimsOf(turn);
  const roomId = roomOf(turn, claims);
  const asked = { ...askedOf(turn, roomId), ...(claims.formId ? { key: `teams:form:${claims.formId}` } : {}) };
  const self = selfOf(turn);
  const log = turn.log.child({ form: claims.form, room: roomId });
  let form: Form | undefined;
  let outcome: Outcome;
  try {
    form = await formFor(deps, asked, claims, self);
    outcome = await submit(deps, { ...turn, log }, asked, claims, form, readForm(form, inputs), self);
  } catch (e) {
    const v = errorView(e, log);
    const text = v.kind === 'text' ? words(v.text, deps.render) : 'That did not work.';
    return form ? { status: 200, body: dialog(form, inputs, text) } : closeWith(text);
  }
  if (outcome.reply) await tellPrivately(deps, turn, roomId, renderView(outcome.reply, deps.render));
  await talk(deps, { ...turn, log }, roomId, outcome);
  return closeWith();
}
