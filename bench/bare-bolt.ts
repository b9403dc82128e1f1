// The floor: a Bolt app in the same HTTP mode as the bot, whose listeners only ack. Whatever the
// bot adds on top of this is the cost of its own work.
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({ signingSecret: process.argv[2]!, logLevel: LogLevel.ERROR });
const app = new App({
  token: 'xoxb-floor',
  receiver,
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.argv[4] },
});
app.view('declare_incident', async ({ ack }) => ack());
app.action(/^take_role:/, async ({ ack }) => ack());
await app.start(Number(process.argv[3]));
process.send?.('ready');
