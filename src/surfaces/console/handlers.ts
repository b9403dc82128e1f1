// The console's listeners: a typed command, a clicked button or a submitted form each becomes one
// call of the application layer, inside the frame. Parsing only; every decision is the app's.
import type { IncidentApp } from '../../app/app.js';
import type { Asked } from '../../app/intent.js';
import { splitList, type DeclareInput } from '../../core/incidents/declare-input.js';
import { parseSeverity } from '../../core/incidents/rules.js';
import { HELP, parseCommand } from './command-grammar.js';
import type { Frame } from './frame.js';
import { PEOPLE } from './people.js';
import type { Act, FormName } from './render/controls.js';
import { actionForm, declareForm, externalForm, followupForm, postmortemForm, skipForm, updateForm } from './render/forms.js';
import type { Answer, ConsoleAsk, ConsoleHandlers } from './routes.js';

type Fields = Record<string, string | string[]>;
const one = (f: Fields, k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
const many = (f: Fields, k: string) => (Array.isArray(f[k]) ? (f[k] as string[]) : f[k] ? [f[k] as string] : []);
const ticked = (f: Fields, k: string) => many(f, k).includes('yes');

const openForm = (name: FormName, args: Record<string, string> = {}): Answer => ({ form: { name, args } });

const asked = (a: Omit<ConsoleAsk, 'key'> & { key?: string }): Asked => ({ ws: a.ws, actor: a.person, roomId: a.roomId, key: a.key ?? '' });

/** The declare form's fields as the core's declare input; the core checks them. */
function declareInput(f: Fields, drill: boolean): DeclareInput {
  return {
    title: one(f, 'title'),
    severity: one(f, 'severity') as DeclareInput['severity'],
    areas: many(f, 'areas') as DeclareInput['areas'],
    tenants: splitList(one(f, 'tenants')),
    channels: splitList(one(f, 'channels')),
    environments: splitList(one(f, 'environments')),
    integrityUncertain: ticked(f, 'integrityUncertain'),
    ...(one(f, 'commander') ? { commander: one(f, 'commander') } : {}),
    ...(one(f, 'symptom') ? { symptom: one(f, 'symptom') } : {}),
    ...(drill ? { drill: true } : {}),
  };
}

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
            return openForm('declare', { title: c.title });
          case 'update':
            await app.updateForm(q); // refused here, before the form opens, outside an incident room
            return openForm('update');
          case 'external':
            await app.externalForm(q);
            return openForm('external');
          case 'followup':
            if (c.verb === 'add') return (await app.followupForm(q), openForm('followup'));
            return c.verb === 'done' ? app.followupDone({ ...q, seq: c.seq }) : app.followupList(q);
          case 'postmortem':
            if (c.edit) return (await app.sections(q), openForm('postmortem'));
            return app.packet(q);
          case 'assign':
            return app.assign({ ...q, role: c.role, userId: c.userId });
          case 'severity':
            return app.severity({ ...q, level: c.level, reason: c.reason });
          case 'status':
            return app.status(q);
          case 'checklist':
            return app.checklist({ ...q, ...(c.which ? { name: c.which } : {}) });
          case 'playbook':
            return c.ids.length ? app.attachPlaybooks({ ...q, playbooks: c.ids }) : app.playbooks(q);
          case 'actions':
            return app.overview(q);
          case 'case':
            return app.recordCase({ ...q, url: c.link });
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
        const arg = (k: string) => a[k] ?? '';
        switch (act) {
          case 'step':
            return app.step({ ...q, incidentId: arg('incidentId'), itemId: arg('itemId'), verb: a.verb === 'undo' ? 'undo' : 'done' });
          case 'take-role':
            return app.takeRole({ ...q, incidentId: arg('incidentId'), role: arg('role') });
          case 'snooze':
            return app.snooze(q);
          case 'attach':
            return app.attachPlaybook({ ...q, incidentId: arg('incidentId'), playbook: arg('playbookId') });
          case 'raise':
            return app.raiseSeverity({ ...q, incidentId: arg('incidentId'), to: parseSeverity(arg('severity')) });
          case 'approve':
            return app.approveAction({ ...q, requestId: arg('requestId') });
          case 'confirm':
            return app.confirmAction({ ...q, requestId: arg('requestId'), result: a.outcome === 'failed' ? 'failed' : 'done' });
          case 'lift':
            return app.liftAction({ ...q, requestId: arg('requestId') });
          case 'approve-lift':
            return app.approveLift({ ...q, requestId: arg('requestId') });
          case 'retry':
            return app.retrySetup({ ...q, incidentId: arg('incidentId') });
        }
      }),

    submit: (ask, form: FormName, a, f) =>
      frame(
        ask,
        () => {
          const q = asked(ask);
          switch (form) {
            case 'declare':
              return app.declare({ ...q, input: declareInput(f, opts.drill) });
            case 'skip':
              return app.step({ ...q, incidentId: a.incidentId ?? '', itemId: a.itemId ?? '', verb: ticked(f, 'na') ? 'na' : 'skip', reason: one(f, 'reason') });
            case 'update':
              return app.postUpdate({
                ...q,
                fields: {
                  changed: one(f, 'changed'),
                  impact: one(f, 'impact'),
                  mitigation: one(f, 'mitigation'),
                  mitigationDetail: one(f, 'mitigationDetail'),
                  nextActions: one(f, 'nextActions'),
                  owner: one(f, 'owner'),
                },
              });
            case 'action': {
              const params = Object.fromEntries(Object.keys(f).filter((k) => k.startsWith('param.') && one(f, k)).map((k) => [k.slice('param.'.length), one(f, k)]));
              return app.requestAction({ ...q, actionId: a.actionId ?? '', params, ...(one(f, 'override') ? { override: one(f, 'override') } : {}) });
            }
            case 'followup':
              return app.followupAdd({ ...q, title: one(f, 'title'), owner: one(f, 'owner'), dueOn: one(f, 'dueOn') });
            case 'postmortem':
              return app.saveSections({
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

    /** A form opens only when its intent could be asked here; the app refuses as the submission would. */
    async form(ask, form, a) {
      const q = asked(ask);
      switch (form) {
        case 'declare':
          return declareForm(app.declareForm(a.title ?? ''), PEOPLE, ask.person);
        case 'skip':
          return skipForm({ incidentId: a.incidentId ?? '', itemId: a.itemId ?? '' }, await app.maySkip({ ...q, incidentId: a.incidentId ?? '', itemId: a.itemId ?? '' }));
        case 'update':
          return updateForm(a, (await app.updateForm(q)).mitigationOptions, PEOPLE, ask.person);
        case 'action': {
          const { action, prefill } = await app.requestForm({ ...q, actionId: a.actionId ?? '' });
          return actionForm({ actionId: action.id }, action, prefill);
        }
        case 'followup':
          await app.followupForm(q);
          return followupForm(a, PEOPLE, ask.person);
        case 'postmortem':
          return postmortemForm(a, await app.sections(q));
        case 'external':
          await app.externalForm(q);
          return externalForm(a);
      }
    },
  };
}
