// What start-up needs of the Teams surface, in one module it loads only when Teams is configured:
// botbuilder and the Azure SDKs are the largest share of the bot's modules.
export { createTeamsSurface } from './app.js';
export { teamsListeners } from './listeners/index.js';
