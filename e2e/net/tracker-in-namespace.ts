/**
 * Runs the tracker as `npm start` does (signaling-server/main.ts, settings from the environment)
 * inside a lab namespace, listening on that namespace's address only.
 */
import { REPO_ROOT } from '../../signaling-server/config';
import type { Lab } from './lab';
import type { NamespaceProcess } from './namespace-process';

export interface NamespaceTracker {
  /** http://ip:port, as a person on the network would type it. */
  url: string;
  process: NamespaceProcess;
}

export interface TrackerEnv {
  /** JSON list of ICE servers (STUN, or TURN with fixed credentials). */
  SHOAL_ICE_SERVERS?: string;
  /** Comma-separated turn: URLs; with SHOAL_TURN_SECRET the tracker mints coturn credentials. */
  SHOAL_TURN_URLS?: string;
  SHOAL_TURN_SECRET?: string;
  SHOAL_TURN_TTL_SECONDS?: string;
}

export interface TrackerStartOptions {
  env?: TrackerEnv;
  port?: number;
  /** Listen on every interface (HOST=0.0.0.0), so the machine's own browser can use localhost. */
  isListeningOnAll?: boolean;
}

/**
 * Starts the tracker in `ns`, reached at ip:port, and waits for it to print that URL. The web app
 * must be built already (`npm run test:e2e` runs `vite build` first); otherwise main.ts builds it,
 * which the generous deadline allows for.
 */
export async function startTrackerIn(
  lab: Lab,
  ns: string,
  ip: string,
  { env = {}, port = 8080, isListeningOnAll = false }: TrackerStartOptions = {},
): Promise<NamespaceTracker> {
  const dataDir = await lab.tempDir('tracker');
  const tracker = lab.spawn(ns, process.execPath, ['--import', 'tsx', 'signaling-server/main.ts'], {
    cwd: REPO_ROOT,
    env: { HOST: isListeningOnAll ? '0.0.0.0' : ip, PORT: String(port), DATA_DIR: dataDir, ...env },
  });
  const url = `http://${ip}:${port}`;
  await tracker.waitForOutput(new RegExp(`${url.replaceAll('.', '\\.')}\\b`), 120_000);
  return { url, process: tracker };
}
