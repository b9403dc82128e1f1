// Writes the Teams app icons with no image library: color.png (192x192, the bot's colour with a white
// mark) and outline.png (32x32, white on transparent), as Teams requires. Run: node manifests/teams/icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};

/** An RGBA PNG of `size` pixels whose colour at (x, y) is `pixel(x, y)`. */
function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel(x, y), 1 + x * 4);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** An exclamation mark: a bar and a dot, centred, in a unit square. */
const mark = (u, v) => (Math.abs(u - 0.5) < 0.08 && v > 0.2 && v < 0.62) || Math.hypot(u - 0.5, v - 0.76) < 0.08;

const here = new URL('.', import.meta.url);
writeFileSync(new URL('color.png', here), png(192, (x, y) => (mark(x / 192, y / 192) ? [255, 255, 255, 255] : [0xc0, 0x39, 0x2b, 255])));
writeFileSync(new URL('outline.png', here), png(32, (x, y) => (mark(x / 32, y / 32) ? [255, 255, 255, 255] : [0, 0, 0, 0])));
