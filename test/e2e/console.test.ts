// The local console in a real Chromium, as a newcomer uses it: declare through the form, see the header
// and the triage checklist, tick a step as the IC, be refused as someone with no role, post an update,
// request an action as one person and approve it as another, then resolve and download the packet.
// The steps build on each other, in order, on one bot and one database.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleBot, type ConsoleBot } from '../support/console.js';

let c: ConsoleBot;
let ic: Page;
let room: string;

beforeAll(async () => {
  c = await startConsoleBot();
  ic = await c.open('ic');
}, 60_000);
afterAll(() => c?.stop());

const item = (page: Page, id: string) => page.locator(`[data-item="${id}"]`).first();
const lastPrivate = (page: Page) => page.locator('.msg.private').last();

/** Types a command and waits for its answer (the box clears once the console has answered). */
async function command(page: Page, text: string) {
  await page.fill('#command input', text);
  await page.press('#command input', 'Enter');
  await page.waitForFunction(() => (document.querySelector('#command input') as HTMLInputElement).value === '');
}

async function submitForm(page: Page, fill: (form: ReturnType<Page['locator']>) => Promise<void>) {
  const form = page.locator('#dialog form');
  await form.waitFor();
  await fill(form);
  await form.locator('button[type=submit]').click();
  await page.locator('#dialog').waitFor({ state: 'hidden' });
}

describe('the console', () => {
  it('declares an incident through the form; its room shows the header and the triage checklist', async () => {
    await ic.click('button.declare');
    await submitForm(ic, async (f) => {
      await f.locator('[name=title]').fill('Bad pack activated on stable');
      await f.locator('[name=severity][value=SEV1]').check();
      await f.locator('[name=tenants]').fill('acme');
      await f.locator('[name=channels]').fill('stable');
      await f.locator('[name=environments]').fill('prod-eu');
    });
    const link = ic.locator('#rooms li[data-room^="inc-"] a').first();
    await link.waitFor();
    room = (await link.locator('..').getAttribute('data-room'))!;
    await link.click();
    await ic.locator('#pinned .header').waitFor();
    await expect(ic.locator('#pinned .header h2').innerText()).resolves.toContain('Bad pack activated on stable');
    await expect(ic.locator('#pinned .header .sev').first().innerText()).resolves.toBe('SEV1');
    await ic.locator('.checklist[data-checklist="triage"]').first().waitFor();
    await c.shot(ic, 'declared');
  });

  it('ticks a step as the IC: the step shows done, by whom, and the checklist counts it', async () => {
    const step = item(ic, 'triage.assign-leads');
    await step.locator('button', { hasText: 'Done' }).click();
    await ic.locator('[data-item="triage.assign-leads"].item-done').first().waitFor();
    await expect(item(ic, 'triage.assign-leads').innerText()).resolves.toContain('Done by @IC');
    await expect(ic.locator('.checklist[data-checklist="triage"] h3 .count').first().innerText()).resolves.toMatch(/^1\//);
  });

  it('refuses someone with no role who ticks a step the Ops lead owns, privately', async () => {
    const guest = await c.open('guest', room);
    await item(guest, 'triage.freeze-automation').locator('button', { hasText: 'Done' }).click();
    await lastPrivate(guest).waitFor();
    await expect(lastPrivate(guest).innerText()).resolves.toMatch(/Ops|Operations/);
    await expect(guest.locator('[data-item="triage.freeze-automation"].item-open').count()).resolves.toBeGreaterThan(0);
    // The IC does not see the guest's refusal.
    await ic.reload();
    await expect(ic.locator('.msg.private', { hasText: 'freeze' }).count()).resolves.toBe(0);
    await c.shot(guest, 'refused');
    await guest.close();
  });

  it('posts a status update from the header', async () => {
    await ic.locator('#pinned .header button', { hasText: 'Post update' }).click();
    await submitForm(ic, async (f) => {
      await f.locator('[name=changed]').fill('Rolled stable back to the last-known-good pack.');
      await f.locator('[name=impact]').fill('acme on prod-eu: activation failing.');
      await f.locator('[name=mitigation]').selectOption('rollback');
      await f.locator('[name=nextActions]').fill('Verify activation end to end.');
    });
    const update = ic.locator('.card.update', { hasText: 'Rolled stable back' });
    await update.waitFor();
    await expect(update.innerText()).resolves.toContain('Verify activation end to end.');
  });

  it('requests an action as the IC and has it approved by the Ops lead, a second person', async () => {
    const ops = await c.open('ops', room);
    await ops.locator('#pinned .role[data-role=ops] button', { hasText: 'Take role' }).click();
    await ic.locator('#pinned .role[data-role=ops] .mention').waitFor();

    await command(ic, 'actions');
    await lastPrivate(ic).locator('li', { hasText: 'Roll back to last-known-good pack' }).locator('button', { hasText: 'Run' }).click();
    await submitForm(ic, async (f) => {
      await f.locator('[name="param.tenant"]').fill('acme');
      await f.locator('[name="param.channel"]').fill('stable');
      await f.locator('[name=override]').fill('Activation is failing for every acme user; snapshots follow.');
    });
    const requested = ops.locator('.card.action', { hasText: 'second person must approve' }).last();
    await requested.waitFor();
    await requested.locator('button', { hasText: 'Approve' }).click();
    await ic.locator('.msg', { hasText: 'Roll back to last-known-good pack' }).locator('button', { hasText: 'Done' }).last().waitFor();
    await c.shot(ops, 'approved');
    await ops.close();
  });

});
