/** Starting the Node peer for a command, and stopping it cleanly on Ctrl-C or SIGTERM. */
import { Console } from 'node:console';
import { logLinesFor } from '../../shared/logging/debug-switch';
import { consoleLogger } from '../../shared/logging/logger';
import { SHUTDOWN_GRACE_MS } from '../config';
import { EXIT_CODES } from '../exit-codes';
import type { NodePeer } from '../node/node-peer';
import type { GlobalOptions } from './global-options';

export interface PeerStartOptions {
  downloadDir: string;
  seedsLibrary: boolean;
  /** Where the peer's messages (reconnects, withdrawn files) go; stderr by default. */
  log?: (message: string) => void;
}

export async function startPeer(global: GlobalOptions, options: PeerStartOptions): Promise<NodePeer> {
  // Loaded on demand: the WebRTC binding and its friends take a while, and --help needs none of them.
  const { NodePeer } = await import('../node/node-peer');
  return NodePeer.start({
    trackerUrl: global.trackerUrl,
    name: global.name,
    networkKey: global.networkKey,
    dataDir: global.dataDir,
    downloadDir: options.downloadDir,
    seedsLibrary: options.seedsLibrary,
    log: options.log ?? ((message) => process.stderr.write(`${message}\n`)),
    // The engine's warnings and errors; its debug lines too with SHOAL_DEBUG. All on stderr, so
    // stdout stays the command's output (--json).
    logger: consoleLogger(logLinesFor(process.env.SHOAL_DEBUG), new Console(process.stderr)),
  });
}

/** Leaves the network and exits the process with `exitCode`. The native WebRTC binding keeps
 * threads alive, so the process is ended explicitly rather than left to drain. */
export async function stopAndExit(peer: NodePeer | undefined, exitCode: number): Promise<never> {
  const grace = setTimeout(() => process.exit(exitCode), SHUTDOWN_GRACE_MS);
  grace.unref();
  await peer?.stop().catch(() => undefined);
  process.exit(exitCode);
}

/** On SIGINT/SIGTERM: run `beforeStop` (say goodbye), leave cleanly, exit 0. A second signal exits at once. */
export function stopOnSignals(peer: NodePeer, beforeStop?: () => void): void {
  let isStopping = false;
  const stop = (): void => {
    if (isStopping) process.exit(EXIT_CODES.failed);
    isStopping = true;
    beforeStop?.();
    void stopAndExit(peer, EXIT_CODES.ok);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
