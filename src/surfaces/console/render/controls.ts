// The console's buttons. A button names what it does (`act`) and carries its arguments as claims the
// application layer checks; a button that needs more words first opens a form instead.
import { html, json, type Html } from './html.js';

/** Every button act the page may send; `src/surfaces/console/buttons.ts` turns each into an intent. */
export const ACTS = ['step', 'take-role', 'snooze', 'attach', 'raise', 'approve', 'confirm', 'lift', 'approve-lift', 'retry'] as const;
export type Act = (typeof ACTS)[number];

/** Every form the page may open; `src/surfaces/console/forms.ts` renders and reads each. */
export const FORMS = ['declare', 'skip', 'update', 'action', 'followup', 'postmortem', 'external'] as const;
export type FormName = (typeof FORMS)[number];

type Style = 'primary' | 'danger' | 'plain';

export const actButton = (label: string, act: Act, args: Record<string, string>, style: Style = 'plain'): Html =>
  html`<button type="button" class="btn ${style}" data-act="${act}" data-args="${json(args)}">${label}</button>`;

export const formButton = (label: string, form: FormName, args: Record<string, string>, style: Style = 'plain'): Html =>
  html`<button type="button" class="btn ${style}" data-form="${form}" data-args="${json(args)}">${label}</button>`;

/** Lift, or Approve lift when a second person must approve it; nothing when the lift is under way. */
export const liftButton = (control: 'lift' | 'approve-lift' | 'none', label: string, args: Record<string, string>): Html | '' =>
  control === 'none' ? '' : control === 'approve-lift' ? actButton(label, 'approve-lift', args, 'primary') : actButton(label, 'lift', args, 'danger');

export const buttonRow = (buttons: Html[]): Html => (buttons.length ? html`<div class="buttons">${buttons}</div>` : html``);
