/** `shoal serve`: a long-running peer that seeds its library and answers the REST API. */
import path from 'node:path';
import type { Command } from 'commander';
import { ShoalError } from '../../shared/protocol/errors';
import { DEFAULT_API_HOST, DEFAULT_API_PORT, DOWNLOADS_DIR_NAME, SHARED_DIR_NAME } from '../config';
import { EXIT_CODES } from '../exit-codes';
import { globalOptionsOf } from './global-options';
import { startPeer, stopAndExit } from './peer-lifetime';

interface ServeOptions {
  apiPort: string;
  apiHost: string;
  sharedDir?: string;
  out?: string;
}

export function registerServe(program: Command, version: string): void {
  program
    .command('serve')
    .description('stay online seeding, with a REST API for programs (docs at /docs)')
    .option('--api-port <port>', 'port of the REST API (0: a free port the system picks)', String(DEFAULT_API_PORT))
    .option('--api-host <host>', 'interface of the REST API; anything but loopback exposes your files', DEFAULT_API_HOST)
    .option('--shared-dir <dir>', 'where files uploaded through POST /share are saved (default: <data-dir>/shared)')
    .option('--out <dir>', 'where files downloaded through GET /download are saved (default: <data-dir>/downloads)')
    .action(async (options: ServeOptions, command: Command) => {
      const port = Number(options.apiPort);
      if (!/^\d+$/.test(options.apiPort) || port > 65_535) {
        throw new ShoalError('BAD_REQUEST', `--api-port must be a port number from 0 to 65535, not '${options.apiPort}'`);
      }
      const global = globalOptionsOf(command);
      const sharedDir = path.resolve(options.sharedDir ?? path.join(global.dataDir, SHARED_DIR_NAME));
      const downloadDir = path.resolve(options.out ?? path.join(global.dataDir, DOWNLOADS_DIR_NAME));
      // Loaded before joining: importing Fastify and the docs blocks the event loop for a moment,
      // which a tracker with short heartbeats could take for a dead peer.
      const { startApi } = await import('../api/api-server');
      const peer = await startPeer(global, { downloadDir, seedsLibrary: true });
      let api;
      try {
        api = await startApi({ peer, sharedDir, host: options.apiHost, port, version, log: (message) => process.stderr.write(`${message}\n`) });
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --api-port` : String(error);
        process.stderr.write(`shoal: cannot start the REST API: ${reason}\n`);
        return stopAndExit(peer, EXIT_CODES.badArguments);
      }
      const running = api;
      const stop = (): void => {
        process.stdout.write('Stopping: withdrawing shared files and leaving the tracker.\n');
        void running.close().finally(() => stopAndExit(peer, EXIT_CODES.ok));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(`Online as ${peer.me?.name} on ${peer.trackerUrl}\n`);
      process.stdout.write(`REST API on ${running.url} (docs at ${running.url}/docs)\n`);
    });
}
