// A drill in a real Chromium: `npm run drill`'s bot (console only, its clock sped up) declares its
// scripted SEV1 at start; the room says DRILL, the sped-up scheduler brings the triage and update
// reminders without anyone waiting real minutes, and the incident list says it is a drill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleBot, type ConsoleBot } from '../support/console.js';

let c: ConsoleBot;

// 600 times real time: the §5 triage reminder (10 minutes) comes after a second, the SEV1 update
// reminder (15 minutes) after a second and a half.
beforeAll(async () => {
  c = await startConsoleBot({ drill: true, clockSpeed: 600 });
}, 60_000);
afterAll(() => c?.stop());

describe('a drill', () => {
  it('declares its scripted SEV1, marked as a drill, and its reminders arrive on the sped-up clock', async () => {
    const page = await c.open('ic');
    await expect(page.locator('.sidebar h1').innerText()).resolves.toContain('DRILL');
    const link = page.locator('#rooms li[data-room^="inc-"] a').first();
    await link.click();
    const header = page.locator('#pinned .header');
    await header.waitFor();
    await expect(header.locator('h2').innerText()).resolves.toMatch(/DRILL.*SEV1.*signing key may be exposed/s);

    await page.locator('.card.reminder', { hasText: 'triage step(s) still open' }).first().waitFor({ timeout: 20_000 });
    await page.locator('.card.reminder', { hasText: 'A status update on incident #1' }).first().waitFor({ timeout: 20_000 });
    await c.shot(page, 'drill-reminders');

    await page.fill('#command input', 'list');
    await page.press('#command input', 'Enter');
    const list = page.locator('.msg.private', { hasText: 'Open incidents' }).last();
    await list.waitFor();
    await expect(list.innerText()).resolves.toContain('DRILL');
  });
});
