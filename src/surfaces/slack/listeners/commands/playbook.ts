// `/incident playbook [id | 6.n ...]` lists the §6 playbooks (with Attach buttons) or attaches some;
// `/incident checklist [name]` posts the incident's checklists again, or attaches and posts one.
import { fromOutcome } from './outcome.js';
import type { Subcommand } from './types.js';

export const playbook: Subcommand = async ({ deps, input, asked }) =>
  fromOutcome(input.args.length === 0 ? await deps.app.playbooks(await asked()) : await deps.app.attachPlaybooks({ ...(await asked()), playbooks: input.args }));

export const checklist: Subcommand = async ({ deps, input, asked }) => fromOutcome(await deps.app.checklist({ ...(await asked()), name: input.args[0] }));
