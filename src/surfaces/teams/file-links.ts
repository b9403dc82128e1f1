// Files served by the bot itself where Graph is not configured: a signed, expiring link (HS256 JWT
// naming the workspace and the file) to GET /api/teams/files?t=<token>. The token is the only key:
// a link from one workspace cannot name another's file.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify, SignJWT } from 'jose';
import type { Logger } from '../../log.js';
import type { TeamsStore } from './store.js';

export const FILES_PATH = '/api/teams/files';
const AUDIENCE = 'incident-bot:file';
/** Long enough to read the packet during the postmortem week; a fresh `postmortem` makes a new link. */
const LIFETIME = '7d';

export function fileLinks(cfg: { publicUrl: string; secret: string }, store: TeamsStore, log: Logger) {
  const key = new TextEncoder().encode(cfg.secret);
  return {
    async link(workspaceId: string, fileId: string): Promise<string> {
      const token = await new SignJWT({ ws: workspaceId }).setProtectedHeader({ alg: 'HS256' }).setSubject(fileId).setAudience(AUDIENCE).setIssuedAt().setExpirationTime(LIFETIME).sign(key);
      return `${cfg.publicUrl}${FILES_PATH}?t=${token}`;
    },
    handle(req: IncomingMessage, res: ServerResponse) {
      const token = new URL(req.url ?? '/', 'http://bot').searchParams.get('t') ?? '';
      const refuse = (status: number, text: string) => void res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      if (req.method !== 'GET') return refuse(405, 'Method not allowed');
      jwtVerify<{ ws?: string }>(token, key, { audience: AUDIENCE, algorithms: ['HS256'] })
        .then(async ({ payload }) => {
          const file = payload.ws && payload.sub ? await store.file(payload.ws, payload.sub) : null;
          if (!file) return refuse(404, 'No such file');
          res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"` }).end(file.content);
        })
        .catch((err: unknown) => {
          log.info({ err }, 'file link refused');
          refuse(403, 'This link is invalid or has expired; ask the bot for the file again.');
        });
    },
  };
}

export type FileLinks = ReturnType<typeof fileLinks>;
