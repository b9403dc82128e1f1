// A fake Microsoft Graph on 127.0.0.1: creates team channels and takes file uploads into a channel's
// files folder, recording each call with its bearer token.
import { JsonServer } from './json-server.js';

export class FakeGraph {
  readonly server = new JsonServer();
  readonly channels: { teamId: string; displayName: string; description?: string; membershipType?: string }[] = [];
  readonly uploads: { driveId: string; path: string; content: string }[] = [];
  /** While set, creating a channel is refused with this Graph error (as a team that forbids it would). */
  refuseChannels: { status: number; code: string } | null = null;

  async start(): Promise<this> {
    this.server
      .on('POST', /^\/v1\.0\/teams\/([^/]+)\/channels$/, (r, m) => {
        if (this.refuseChannels) return { status: this.refuseChannels.status, body: { error: { code: this.refuseChannels.code, message: 'refused by the test' } } };
        const body = r.body as { displayName: string; description?: string; membershipType?: string };
        this.channels.push({ teamId: decodeURIComponent(m[1]!), ...body });
        return { status: 201, body: { id: `19:graph-channel-${this.channels.length}@thread.tacv2`, displayName: body.displayName } };
      })
      .on('GET', /^\/v1\.0\/teams\/([^/]+)\/channels\/([^/]+)\/filesFolder$/, (_r, m) => ({
        body: { id: `folder-${decodeURIComponent(m[2]!)}`, parentReference: { driveId: 'drive-1' } },
      }))
      .on('PUT', /^\/v1\.0\/drives\/([^/]+)\/items\/([^/]+):\/(.+):\/content$/, (r, m) => {
        this.uploads.push({ driveId: m[1]!, path: `${decodeURIComponent(m[2]!)}/${decodeURIComponent(m[3]!)}`, content: r.raw });
        return { status: 201, body: { id: `file-${this.uploads.length}`, name: decodeURIComponent(m[3]!), webUrl: `https://files.example.com/${this.uploads.length}` } };
      });
    await this.server.start();
    return this;
  }

  stop() {
    return this.server.stop();
  }

  get url() {
    return `${this.server.url}/v1.0`;
  }

  calls() {
    return this.server.requests;
  }
}
