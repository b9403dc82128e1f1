// /incident playbook: the runbook's playbooks (§6) with the §10 symptoms that point at each, and an
// Attach button for those not attached yet. Also the prompt that asks the IC to raise the severity when
// an attached playbook calls for more than the incident has. Pure: runbook data in, Block Kit out.
import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import { SEVERITIES, type Severity } from '../../../core/incidents/model.js';
import type { Escalation } from '../../../core/runbook/checklist-schema.js';
import type { PlaybookLine } from '../../../core/views/playbooks.js';
import { escape, md, plain } from './text.js';

export const ATTACH_PLAYBOOK_ACTION = 'attach_playbook';
export const RAISE_SEVERITY_ACTION = 'raise_severity';

/** Matches every Attach button: `app.action(ATTACH_PLAYBOOK_PATTERN, …)`. */
export const ATTACH_PLAYBOOK_PATTERN = new RegExp(`^${ATTACH_PLAYBOOK_ACTION}:`);
/** Matches every "Raise to SEVn" button. */
export const RAISE_SEVERITY_PATTERN = new RegExp(`^${RAISE_SEVERITY_ACTION}:`);

export const attachPlaybookActionId = (playbookId: string): string => `${ATTACH_PLAYBOOK_ACTION}:${playbookId}`;
export const raiseSeverityActionId = (severity: Severity): string => `${RAISE_SEVERITY_ACTION}:${severity}`;

/** The playbook id of an Attach button's action_id, or null. A claim: look it up in the runbook. */
export function parseAttachPlaybook(actionId: string): string | null {
  const m = /^attach_playbook:([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(actionId);
  return m ? m[1]! : null;
}

/** The severity of a "Raise to SEVn" button's action_id, or null. */
export function parseRaiseSeverity(actionId: string): Severity | null {
  const m = /^raise_severity:(SEV\d)$/.exec(actionId);
  return m && (SEVERITIES as readonly string[]).includes(m[1]!) ? (m[1] as Severity) : null;
}

const quote = (s: string) => `“${escape(s)}”`;

export function playbookList(playbooks: readonly PlaybookLine[], incidentId: string): { text: string; blocks: KnownBlock[] } {
  const rows: KnownBlock[] = playbooks.map((p) => {
    const isAttached = p.attached;
    const direct = p.symptoms.map(quote);
    const drawnOn = p.alsoFor.map(quote);
    const lines = [
      `*${escape(`${p.ref} ${p.title}`)}*${isAttached ? ' · ✅ attached' : ''}`,
      `_Goal:_ ${escape(p.goal)}`,
      ...(direct.length ? [`_Symptoms (§10):_ ${direct.join(', ')}`] : []),
      ...(drawnOn.length ? [`_Also drawn on for:_ ${drawnOn.join(', ')}`] : []),
      ...(p.escalatesTo ? [`⚠️ Calls for ${p.escalatesTo} or higher.`] : []),
    ];
    return {
      type: 'section',
      block_id: `pb:${p.id}`,
      text: md(lines.join('\n')),
      ...(isAttached
        ? {}
        : {
            accessory: {
              type: 'button',
              action_id: attachPlaybookActionId(p.id),
              text: plain('Attach', 75),
              value: incidentId,
            },
          }),
    };
  });
  const attachedTitles = playbooks.filter((p) => p.attached).map((p) => `${p.ref} ${p.title}`);
  return {
    text: `Runbook playbooks (§6): ${playbooks.length}, ${attachedTitles.length} attached${
      attachedTitles.length ? ` (${escape(attachedTitles.join('; '))})` : ''
    }.`,
    blocks: [
      { type: 'header', block_id: 'playbooks', text: plain('Runbook playbooks (§6)', 150) },
      {
        type: 'context',
        block_id: 'playbooks:help',
        elements: [md('Attach the playbook that matches the symptom; an incident can have several. Each posts its own checklist here.')],
      },
      ...rows,
    ],
  };
}

/** SEV0 is the highest: a lower index in SEVERITIES is more severe. */
const moreSevere = (a: string, b: string) => SEVERITIES.indexOf(a as Severity) < SEVERITIES.indexOf(b as Severity);

/**
 * Tells the IC that a playbook calls for at least `escalation.severity`, with a "Raise to SEVn" button
 * for that severity and for each one above it (§6.2 says "SEV0/SEV1": SEV1 first, SEV0 when tampering
 * is suspected). No button when the incident is already at that severity or above.
 */
export function escalationPrompt(
  incidentNumber: number,
  playbookTitle: string,
  escalation: Escalation,
  current: string,
  incidentId: string,
): { text: string; blocks: KnownBlock[] } {
  const floor = escalation.severity;
  const needed = moreSevere(floor, current);
  const targets = needed ? SEVERITIES.filter((s) => !moreSevere(floor, s)).reverse() : [];
  const summary = needed
    ? `Incident #${incidentNumber} is ${current}, but playbook ${playbookTitle} calls for ${floor} or higher.`
    : `Playbook ${playbookTitle} calls for ${floor} or higher; incident #${incidentNumber} is already ${current}.`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'escalate',
      text: md(
        `⚠️ ${escape(summary)}\n>${escape(escalation.when)}${needed ? '\nIncident Commander: raise the severity?' : ''}`,
      ),
    },
  ];
  if (needed) {
    blocks.push({
      type: 'actions',
      block_id: 'escalate:raise',
      elements: targets.map((s, i) => ({
        type: 'button',
        action_id: raiseSeverityActionId(s),
        text: plain(`Raise to ${s}`, 75),
        value: incidentId,
        ...(i === 0 ? { style: 'primary' as const } : {}),
      })),
    });
  }
  return { text: escape(summary), blocks };
}
