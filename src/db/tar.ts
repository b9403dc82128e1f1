// Unpacks the tarballs PGlite dumps (ustar, plain files and folders only) into a folder, with writes
// in parallel on libuv's threads: a data folder of about a thousand files takes a fraction of the
// time PGlite's own loadDataDir spends writing them one by one through its WASM file system.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const BLOCK = 512;

/** A NUL-terminated field of a header. */
function field(header: Buffer, from: number, to: number): string {
  const raw = header.subarray(from, to);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

/**
 * Writes every entry of `file` under `dir`, the file named `last` after all the others, so that a
 * folder unpacked half-way (a crash) never has it.
 */
export async function unpackTar(file: string, dir: string, last: string): Promise<void> {
  const tar = await readFile(file);
  const folders: string[] = [];
  const files: { name: string; data: Buffer; mode: number }[] = [];
  for (let at = 0; at + BLOCK <= tar.length && tar[at] !== 0; ) {
    const header = tar.subarray(at, at + BLOCK);
    const prefix = field(header, 345, 500);
    const name = path.normalize(`${prefix ? `${prefix}/` : ''}${field(header, 0, 100)}`).replace(/^(\/|\.\.\/)+/, '');
    const size = parseInt(field(header, 124, 136).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    at += BLOCK;
    if (type === '5') folders.push(name);
    else if (type === '0') files.push({ name, data: tar.subarray(at, at + size), mode: parseInt(field(header, 100, 108).trim() || '644', 8) });
    else throw new Error(`${file}: unsupported tar entry type ${JSON.stringify(type)} for ${name}`);
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  for (const folder of new Set([...folders, ...files.map((f) => path.dirname(f.name))])) await mkdir(path.join(dir, folder), { recursive: true });
  const write = (f: (typeof files)[number]) => writeFile(path.join(dir, f.name), f.data, { mode: f.mode });
  await Promise.all(files.filter((f) => f.name !== last).map(write));
  await Promise.all(files.filter((f) => f.name === last).map(write));
}
