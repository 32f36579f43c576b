/**
 * `npm start`: builds the web app if it is stale, starts the tracker from environment settings
 * (see env-config.ts), prints the URLs to open, and shuts down cleanly on Ctrl-C or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createTracker } from './app';
import type { RunningTracker, TrackerOptions } from './app';
import { buildClientIfStale } from './client-build';
import { TrustedProxies } from './client-address';
import { REPO_ROOT, SHUTDOWN_GRACE_MS } from './config';
import { prepareDataDir, readEnvConfig } from './env-config';
import type { EnvConfig } from './env-config';
import { startupLines } from './listen-urls';
import { redactedUrl } from './store/redis-connection';
import type { TrackerLog } from './socket-types';

const consoleLog: TrackerLog = {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error),
};

/** Reads a PEM file named by TLS_CERT or TLS_KEY, saying which one could not be read. */
function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable} ${path} could not be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

async function start(config: EnvConfig): Promise<RunningTracker> {
  prepareDataDir(config);
  const tls: TrackerOptions['tls'] =
    config.tls === undefined
      ? undefined
      : { cert: readPem('TLS_CERT', config.tls.certPath), key: readPem('TLS_KEY', config.tls.keyPath) };
  await buildClientIfStale(REPO_ROOT, consoleLog.info);
  try {
    return await createTracker({
      port: config.port,
      host: config.host,
      corsOrigins: config.corsOrigins,
      dataDir: config.dataDir,
      redisUrl: config.redisUrl,
      networkKey: config.networkKey,
      adminToken: config.adminToken,
      ice: config.ice,
      maxConnectionsPerAddress: config.maxConnectionsPerIp,
      trustedProxies: new TrustedProxies(config.trustedProxies),
      tls,
      log: consoleLog,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${config.port} is already in use; start with another, e.g. PORT=${config.port + 1} npm start`);
    }
    throw error;
  }
}

/** One line on what peers are given to find each other beyond the local network. */
function describeIce({ staticServers, turn }: EnvConfig['ice']): string {
  const servers = `${staticServers.length} ICE server(s) from SHOAL_ICE_SERVERS`;
  if (turn === undefined) return `${servers}; no TURN relay (peers that cannot reach each other directly cannot connect).`;
  return `${servers}; TURN relay ${turn.urls.join(', ')} with credentials valid for ${turn.ttlSeconds} s.`;
}

/** One line on the connection cap, whose X-Forwarded-For is believed, and who may read /metrics. */
function describeOperatorSettings({ maxConnectionsPerIp, trustedProxies, adminToken }: EnvConfig): string {
  const cap = maxConnectionsPerIp > 0 ? `at most ${maxConnectionsPerIp} connections per client address` : 'no cap on connections per address';
  const proxies =
    trustedProxies.length === 0
      ? 'X-Forwarded-For ignored (no SHOAL_TRUSTED_PROXIES)'
      : `X-Forwarded-For believed from ${trustedProxies.map(({ address, prefix, family }) => (prefix === (family === 'ipv4' ? 32 : 128) ? address : `${address}/${prefix}`)).join(', ')}`;
  const metrics = adminToken === undefined ? 'metrics open at /metrics' : 'metrics at /metrics need the admin token';
  return `${cap}; ${proxies}; ${metrics}.`.replace(/^./, (first) => first.toUpperCase());
}

function stopOnSignals(tracker: RunningTracker): void {
  let isStopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (isStopping) {
      console.log(`${signal} again: exiting now`);
      process.exit(1);
    }
    isStopping = true;
    console.log(`${signal}: disconnecting peers and stopping…`);
    // A peer that never acknowledges the close must not hold the process open.
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    tracker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

try {
  const config = readEnvConfig();
  const tracker = await start(config);
  stopOnSignals(tracker);
  for (const line of startupLines(tracker.host, tracker.port, tracker.isTls ? 'https' : 'http')) console.log(line);
  console.log(config.networkKey === undefined ? 'Open network: anyone who can reach it may join.' : 'Closed network: joining needs the network key.');
  if (config.adminToken !== undefined) console.log('Admin API on: /api/admin (Authorization: Bearer <SHOAL_ADMIN_TOKEN>).');
  if (config.redisUrl !== undefined) console.log(`Tracker state, registrations and bans in Redis at ${redactedUrl(config.redisUrl)}.`);
  console.log(describeIce(config.ice));
  console.log(describeOperatorSettings(config));
  if (!tracker.isServingWebApp) console.log('(No built web app found; only the API and Socket.IO are available.)');
} catch (error) {
  console.error(`Could not start the Shoal tracker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
