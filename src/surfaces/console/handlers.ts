// The console's listeners: a typed command, a clicked button or a submitted form each becomes one
// call of the application layer, inside the frame. Parsing only; every decision is the app's.
import type { IncidentApp } from '../../app/app.js';
import type { Asked } from '../../app/intent.js';
import { splitList } from '../../core/incidents/declare-input.js';
import { parseCommand, HELP } from './command-grammar.js';
import type { Frame } from './frame.js';
import { PEOPLE } from './people.js';
import type { Act, FormName } from './render/controls.js';
import { actionForm, declareForm, externalForm, followupForm, postmortemForm, skipForm, updateForm } from './render/forms.js';
import type { ConsoleAsk, ConsoleHandlers } from './routes.js';

type Fields = Record<string, string | string[]>;
const one = (f: Fields, k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
const many = (f: Fields, k: string) => (Array.isArray(f[k]) ? (f[k] as string[]) : f[k] ? [f[k] as string] : []);
const ticked = (f: Fields, k: string) => many(f, k).includes('yes');

const asked = (a: ConsoleAsk): Asked => ({ ws: a.ws, actor: a.person, roomId: a.roomId, key: a.key });

export function consoleHandlers(app: IncidentApp, frame: Frame, opts: { drill: boolean }): ConsoleHandlers {
  return {
    command: (ask, text) =>
      frame(ask, async () => {
        const c = parseCommand(text);
        const q = asked(ask);
        switch (c.name) {
          case 'help':
            return { reply: { kind: 'text', text: HELP } };
          case 'declare':
            return { form: { name: 'declare', args: { title: c.title } } };
          case 'update':
          case 'external':
            await app.status(q); // refuses here, before the form opens, outside an incident room
            return { form: { name: c.name, args: {} } };
          case 'followup':
            if (c.verb === 'add') return (await app.status(q), { form: { name: 'followup', args: {} } });
            return c.verb === 'done' ? app.followupDone({ ...q, seq: c.seq }) : app.followupList(q);
          case 'postmortem':
            if (c.edit) return (await app.status(q), { form: { name: 'postmortem', args: {} } });
            return app.postmortem(q);
          case 'assign':
            return app.assign({ ...q, role: c.role, userId: c.userId });
          case 'severity':
            return app.raiseSeverity({ ...q, severity: c.level, reason: c.reason });
          case 'status':
            return app.status(q);
          case 'checklist':
            return app.checklist({ ...q, which: c.which });
          case 'playbook':
            return c.ids.length ? app.attachPlaybooks({ ...q, ids: c.ids }) : app.playbooks(q);
          case 'actions':
            return app.actions(q);
          case 'case':
            return app.recordCase({ ...q, link: c.link });
          case 'mitigate':
            return app.mitigate(q);
          case 'resolve':
            return app.resolve(q);
          case 'reopen':
            return app.reopen({ ...q, reason: c.reason });
          case 'list':
            return app.list(q);
        }
      }),

    act: (ask, act: Act, a) =>
      frame(ask, () => {
        const q = asked(ask);
        switch (act) {
          case 'step':
            return app.step({ ...q, incidentId: a.incidentId ?? '', itemId: a.itemId ?? '', verb: a.verb === 'undo' ? 'undo' : 'done' });
          case 'take-role':
            return app.takeRole({ ...q, incidentId: a.incidentId ?? '', role: a.role ?? '' });
          case 'snooze':
            return app.snooze({ ...q, incidentId: a.incidentId ?? '' });
          case 'attach':
            return app.attachPlaybooks({ ...q, incidentId: a.incidentId, ids: [a.playbookId ?? ''] });
          case 'raise':
            return app.raiseSeverity({ ...q, incidentId: a.incidentId, severity: a.severity ?? '', reason: null });
          case 'approve':
            return app.approveAction({ ...q, requestId: a.requestId ?? '' });
          case 'confirm':
            return app.confirmAction({ ...q, requestId: a.requestId ?? '', outcome: a.outcome === 'failed' ? 'failed' : 'done' });
          case 'lift':
            return app.liftAction({ ...q, requestId: a.requestId ?? '' });
          case 'retry':
            return app.retrySetup({ ...q, incidentId: a.incidentId ?? '' });
        }
      }),

    submit: (ask, form: FormName, a, f) =>
      frame(
        ask,
        () => {
          const q = asked(ask);
          switch (form) {
            case 'declare':
              return app.declare({
                ...q,
                title: one(f, 'title'),
                severity: one(f, 'severity'),
                areas: many(f, 'areas'),
                tenants: splitList(one(f, 'tenants')),
                channels: splitList(one(f, 'channels')),
                environments: splitList(one(f, 'environments')),
                integrityUncertain: ticked(f, 'integrityUncertain'),
                ...(one(f, 'commander') ? { commander: one(f, 'commander') } : {}),
                ...(one(f, 'symptom') ? { symptom: one(f, 'symptom') } : {}),
                ...(opts.drill ? { drill: true } : {}),
              });
            case 'skip':
              return app.step({ ...q, incidentId: a.incidentId ?? '', itemId: a.itemId ?? '', verb: ticked(f, 'na') ? 'na' : 'skip', reason: one(f, 'reason') });
            case 'update':
              return app.postUpdate({
                ...q,
                incidentId: a.incidentId,
                changed: one(f, 'changed'),
                impact: one(f, 'impact'),
                mitigation: one(f, 'mitigation'),
                mitigationDetail: one(f, 'mitigationDetail'),
                nextActions: one(f, 'nextActions'),
                owner: one(f, 'owner'),
              });
            case 'action': {
              const params = Object.fromEntries(Object.keys(f).filter((k) => k.startsWith('param.') && one(f, k)).map((k) => [k.slice('param.'.length), one(f, k)]));
              return app.requestAction({ ...q, incidentId: a.incidentId, actionId: a.actionId ?? '', params, override: one(f, 'override') || undefined });
            }
            case 'followup':
              return app.followupAdd({ ...q, title: one(f, 'title'), owner: one(f, 'owner'), dueOn: one(f, 'dueOn') });
            case 'postmortem':
              return app.postmortem({
                ...q,
                fields: {
                  rootCauseTechnical: one(f, 'rootCauseTechnical'),
                  rootCauseProcess: one(f, 'rootCauseProcess'),
                  whatWorked: one(f, 'whatWorked'),
                  whatDidNot: one(f, 'whatDidNot'),
                  rootCauseVerified: ticked(f, 'rootCauseVerified'),
                },
              });
            case 'external':
              return app.external({ ...q, customerImpact: one(f, 'customerImpact'), nextSteps: one(f, 'nextSteps') });
          }
        },
        { form: true },
      ),

    async form(ask, form, a) {
      switch (form) {
        case 'declare':
          return declareForm(app.declareForm(a.title ?? ''), PEOPLE, ask.person);
        case 'skip':
          return skipForm({ incidentId: a.incidentId ?? '', itemId: a.itemId ?? '' }, app.stepText(a.itemId ?? ''));
        case 'update':
          return updateForm(a, app.mitigationOptions, PEOPLE, ask.person);
        case 'action': {
          const { action, prefill } = await app.actionForm({ ws: ask.ws, actor: ask.person, roomId: ask.roomId, actionId: a.actionId ?? '' });
          return actionForm({ ...a, actionId: a.actionId ?? '' }, action, prefill);
        }
        case 'followup':
          return followupForm(a, PEOPLE, ask.person);
        case 'postmortem':
          return postmortemForm(a, await app.postmortemDraft({ ws: ask.ws, actor: ask.person, roomId: ask.roomId }));
        case 'external':
          return externalForm(a);
      }
    },
  };
}
