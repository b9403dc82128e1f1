// `/incident status | mitigate | resolve | reopen [reason] | close | case <link> | list`
import { fromOutcome } from './outcome.js';
import type { Subcommand } from './types.js';

export const status: Subcommand = async ({ deps, asked }) => fromOutcome(await deps.app.status(await asked()));
export const mitigate: Subcommand = async ({ deps, asked }) => fromOutcome(await deps.app.mitigate(await asked()));
export const resolve: Subcommand = async ({ deps, asked }) => fromOutcome(await deps.app.resolve(await asked()));
export const reopen: Subcommand = async ({ deps, asked, input }) => fromOutcome(await deps.app.reopen({ ...(await asked()), reason: input.args.join(' ') || null }));
export const close: Subcommand = async ({ deps, asked }) => fromOutcome(await deps.app.close(await asked()));
export const caseLink: Subcommand = async ({ deps, asked, input }) => fromOutcome(await deps.app.recordCase({ ...(await asked()), url: input.rest }));
export const list: Subcommand = async ({ deps, asked }) => fromOutcome(await deps.app.list(await asked()));
