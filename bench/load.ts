// A closed-loop load generator: `concurrency` clients on keep-alive connections, each sending the
// next prepared request as soon as its previous one is answered. Latency is measured per request,
// from send to the end of the response.
import { Agent, request } from 'undici';

export type Prepared = { body: string; headers: Record<string, string> };
export type Figures = { count: number; p50: number; p99: number; max: number; perSecond: number; errors: number };

export async function drive(url: string, requests: Prepared[], concurrency: number): Promise<Figures> {
  const agent = new Agent({ connections: concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const client = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const r = requests[i]!;
      const t0 = performance.now();
      const res = await request(url, { method: 'POST', body: r.body, headers: r.headers, dispatcher: agent });
      await res.body.text();
      latencies.push(performance.now() - t0);
      if (res.statusCode !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = performance.now() - started;
  await agent.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { count: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies.at(-1)!, perSecond: (latencies.length / elapsed) * 1000, errors };
}
