// The Teams app package: the manifest validates, offline, against the schema version it declares;
// its commands are ones the bot understands; it asks only for the permission the bot uses; and the
// icons are the sizes Teams requires, the outline white on transparent.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { ManifestUtil } from '@microsoft/app-manifest';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/core/views/rich-text.js';

const dir = new URL('../../manifests/teams/', import.meta.url);
const raw = readFileSync(new URL('manifest.json', dir), 'utf8');
const filled = raw.replaceAll('{{MICROSOFT_APP_ID}}', '5a1f3c9e-2b4d-4e6f-8a0b-1c2d3e4f5a6b').replaceAll('{{BOT_DOMAIN}}', 'incident-bot.example.com');
const manifest = JSON.parse(filled) as {
  $schema: string;
  manifestVersion: string;
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
  authorization: { permissions: { resourceSpecific: { name: string; type: string }[] } };
};

/** The schema the manifest names, from the copy @microsoft/app-manifest ships (no network). */
function bundledSchema(url: string): object {
  const version = /\/teams\/(v[\d.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/.exec(url)?.[1];
  if (!version) throw new Error(`not a Teams schema URL: ${url}`);
  const require = createRequire(import.meta.url);
  const root = require.resolve('@microsoft/app-manifest').replace(/index\.js$/, '');
  return JSON.parse(readFileSync(`${root}json-schemas/teams/${version}/MicrosoftTeams.schema.json`, 'utf8').replace(/\\a/g, '\\x07')) as object;
}

function png(name: string) {
  const buf = readFileSync(new URL(name, dir));
  expect(buf.subarray(1, 4).toString()).toBe('PNG');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const colorType = buf[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length; ) {
    const len = buf.readUInt32BE(at);
    if (buf.subarray(at + 4, at + 8).toString() === 'IDAT') idat.push(buf.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const rows = inflateSync(Buffer.concat(idat));
  // Filter type 0 on every row (as written), 4 bytes a pixel.
  const pixel = (x: number, y: number) => [...rows.subarray(y * (1 + width * 4) + 1 + x * 4, y * (1 + width * 4) + 5 + x * 4)];
  return { width, height, colorType, pixel };
}

describe('manifests/teams', () => {
  it('validates against the schema version it declares', async () => {
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
    expect(await ManifestUtil.validateManifestAgainstSchema(manifest as never, bundledSchema(manifest.$schema) as never)).toEqual([]);
  });

  it('the validator refuses a broken manifest (so the check above can fail)', async () => {
    const broken = { ...manifest, bots: [{ ...manifest.bots[0], scopes: ['everywhere'] }] };
    expect((await ManifestUtil.validateManifestAgainstSchema(broken as never, bundledSchema(manifest.$schema) as never)).length).toBeGreaterThan(0);
  });

  it('has the bot id as a placeholder and the team, group chat and personal scopes', () => {
    expect(raw).toContain('"botId": "{{MICROSOFT_APP_ID}}"');
    expect(manifest.bots[0]!.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it('lists only commands the bot understands', () => {
    const titles = manifest.bots[0]!.commandLists.flatMap((l) => l.commands.map((c) => c.title));
    for (const title of titles) expect(COMMANDS as readonly string[]).toContain(title);
  });

  it('asks only for the resource-specific permission it uses: creating incident channels', () => {
    expect(manifest.authorization.permissions.resourceSpecific).toEqual([{ name: 'Channel.Create.Group', type: 'Application' }]);
  });

  it('has a 192x192 colour icon and a 32x32 outline, white on transparent', () => {
    const color = png('color.png');
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = png('outline.png');
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    const pixels = Array.from({ length: 32 * 32 }, (_, i) => outline.pixel(i % 32, Math.floor(i / 32)));
    expect(outline.pixel(0, 0)[3]).toBe(0);
    for (const [r, g, b, a] of pixels) expect(a === 0 || (r === 255 && g === 255 && b === 255)).toBe(true);
    expect(pixels.some(([, , , a]) => a === 255)).toBe(true);
  });
});
