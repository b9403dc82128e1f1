// `/incident actions`: the §6 actions with Run buttons, requests awaiting approval, actions in force.
import { fromOutcome } from './outcome.js';
import type { Subcommand } from './types.js';

export const actions: Subcommand = async ({ deps, asked }) => fromOutcome(await deps.app.overview(await asked()));
