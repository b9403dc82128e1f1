// What start-up needs of the Slack surface, in one module it loads only when Slack is configured.
export { createSlackSurface } from './app.js';
export { slackChat } from './slack-chat.js';
export { SlackPeople } from './people.js';
