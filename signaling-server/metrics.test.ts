import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { fileNamed } from './test-support/fixtures';
import { createTracker } from './app';
import { joinClient, useTracker } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

const ADMIN_TOKEN = 'metrics-test-token-0123456789';

/** Every sample of the scrape as `name{labels}` → value, labels as written by prom-client. */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

async function scrape(url: string, token?: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return samplesOf(await response.text());
}

/** The value of one sample labelled with this tracker's node (and any other labels given). */
function valueOf(samples: Map<string, number>, node: string, name: string, labels = ''): number | undefined {
  return samples.get(`${name}{${labels}${labels === '' ? '' : ','}node="${node}"}`);
}

describe('GET /metrics', () => {
  const harness = useTracker({
    maxConnectionsPerAddress: 4,
    rateLimits: { search: { capacity: 3, refillPerSecond: 0.001 } },
    restRateLimit: { capacity: 2, refillPerSecond: 0.001 },
  });

  it('counts joins, leaves, searches, relayed signals, refusals and rate limits by exactly what happened', async () => {
    const { url, tracker } = harness;
    const node = tracker.nodeId;
    const metric = (samples: Map<string, number>, name: string, labels?: string) => valueOf(samples, node, name, labels);
    const before = await scrape(url);
    for (const name of ['shoal_joins_total', 'shoal_leaves_total', 'shoal_searches_total', 'shoal_signals_relayed_total', 'shoal_connections_refused_total']) {
      expect(metric(before, name), name).toBe(0);
    }

    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    expect(await ana.socket.emitWithAck('announce', { files: [fileNamed('report.pdf')] })).toEqual({ ok: true });
    for (let search = 0; search < 3; search += 1) {
      expect((await ana.socket.emitWithAck('search', { query: 'report', limit: 10, offset: 0 })).ok).toBe(true);
    }
    const limited = await ana.socket.emitWithAck('search', { query: 'report', limit: 10, offset: 0 });
    expect(limited.ok ? undefined : limited.error.code).toBe('RATE_LIMITED');
    for (const connectionId of ['c1', 'c2']) {
      expect(await ana.socket.emitWithAck('signal', { to: bo.id, connectionId, data: { type: 'offer', sdp: 'v=0' } })).toEqual({ ok: true });
    }
    await waitFor(() => bo.pushes.signals.length === 2, 'both signals at Bo');
    // Two more connections reach the cap of 4 from 127.0.0.1; the one after is refused.
    await harness.connect();
    await harness.connect();
    const refused = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const refusal = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(refusal.message).toBe('Too many connections from your address (limit 4)');
    refused.close();

    // The refused client closes its transport after the refusal; wait until the tracker saw that.
    const during = await waitFor(async () => {
      const samples = await scrape(url);
      return metric(samples, 'shoal_connections') === 4 ? samples : undefined;
    }, 'the four admitted connections open');
    expect(metric(during, 'shoal_joins_total')).toBe(2);
    expect(metric(during, 'shoal_leaves_total')).toBe(0);
    expect(metric(during, 'shoal_searches_total')).toBe(3);
    expect(metric(during, 'shoal_search_duration_seconds_count')).toBe(3);
    expect(metric(during, 'shoal_rate_limited_total', 'event="search"')).toBe(1);
    expect(metric(during, 'shoal_signals_relayed_total')).toBe(2);
    expect(metric(during, 'shoal_signal_relay_duration_seconds_count')).toBe(2);
    expect(metric(during, 'shoal_connections_refused_total')).toBe(1);
    expect(metric(during, 'shoal_peers_online')).toBe(2);
    expect(metric(during, 'shoal_network_peers_online')).toBe(2);
    expect(metric(during, 'shoal_files_indexed')).toBe(1);
    for (const stat of ['p50', 'p99', 'max']) {
      expect(metric(during, 'shoal_event_loop_lag_seconds', `stat="${stat}"`), stat).toBeGreaterThanOrEqual(0);
    }

    bo.socket.disconnect();
    const after = await waitFor(async () => {
      const samples = await scrape(url);
      return metric(samples, 'shoal_leaves_total') === 1 ? samples : undefined;
    }, 'the leave counted');
    expect(metric(after, 'shoal_peers_online')).toBe(1);
    expect(metric(after, 'shoal_joins_total')).toBe(2);
  });

  it('counts REST calls refused by the API rate limit', async () => {
    const { url, tracker } = harness;
    // This tracker's REST budget is 2 calls: the third is refused.
    const statuses: number[] = [];
    for (let call = 0; call < 3; call += 1) statuses.push((await fetch(`${url}/api/health`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(valueOf(await scrape(url), tracker.nodeId, 'shoal_rate_limited_total', 'event="rest"')).toBe(1);
  });
});

describe('GET /metrics with SHOAL_ADMIN_TOKEN set', () => {
  const harness = useTracker({ adminToken: ADMIN_TOKEN });

  it('answers 401 without the token or with a wrong one, and the metrics with it', async () => {
    const bare = await fetch(`${harness.url}/metrics`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer realm="shoal-admin"');
    expect(await bare.json()).toMatchObject({ error: 'UNAUTHORIZED' });
    const wrong = await fetch(`${harness.url}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    const samples = await scrape(harness.url, ADMIN_TOKEN);
    expect(valueOf(samples, harness.tracker.nodeId, 'shoal_joins_total')).toBe(0);
  });
});

describe('metrics of two trackers in one process', () => {
  it('keeps a registry per tracker, each labelled with its own node id', async () => {
    const options = { host: '127.0.0.1', port: 0, staticDir: null };
    const a = await createTracker({ ...options, nodeId: 'tracker-a' });
    const b = await createTracker({ ...options, nodeId: 'tracker-b' });
    try {
      const ana = await joinClient(a.url, 'Ana');
      expect(valueOf(await scrape(a.url), 'tracker-a', 'shoal_joins_total')).toBe(1);
      const atB = await scrape(b.url);
      expect(valueOf(atB, 'tracker-b', 'shoal_joins_total')).toBe(0);
      expect([...atB.keys()].every((sample) => !sample.includes('tracker-a'))).toBe(true);
      ana.socket.disconnect();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
