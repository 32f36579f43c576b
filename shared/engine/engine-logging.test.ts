import { describe, expect, it, vi } from 'vitest';
import type { ComponentLogger } from '../logging/logger';
import { realClock } from './clock';
import { Download } from './download';
import { RefusedByPeerError } from './outgoing-requests';
import { CHUNK, createSwarm, holdersOf, rejectionOf, servedChunkIndices, shareAmong } from './test-fixtures';

interface LogLine {
  component: string;
  level: 'debug' | 'warn' | 'error';
  message: string;
  details: unknown[];
}

/** A ComponentLogger that keeps every line, so a test can read what each part said. */
function recordingLogger(): { logger: ComponentLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger: ComponentLogger = {
    forComponent: (component) => ({
      debug: (message, ...details) => lines.push({ component, level: 'debug', message, details }),
      warn: (message, ...details) => lines.push({ component, level: 'warn', message, details }),
      error: (message, ...details) => lines.push({ component, level: 'error', message, details }),
    }),
  };
  return { logger, lines };
}

describe('what the engine handles quietly reaches the logger', () => {
  it('says why it could not serve a chunk whose store failed, and still refuses the request with INTERNAL', async () => {
    const { logger, lines } = recordingLogger();
    const swarm = createSwarm(['ana', 'ben'], { logger });
    const { record } = await shareAmong(swarm, ['ben'], 2 * CHUNK);
    const diskError = new Error('the disk went away');
    vi.spyOn(swarm.peer('ben').store, 'getChunk').mockRejectedValue(diskError);

    const link = await swarm.peer('ana').pool.linkTo('ben');
    const refusal = await rejectionOf(link.requestChunk(record.contentId, 1, CHUNK));

    expect(refusal).toBeInstanceOf(RefusedByPeerError);
    expect(refusal).toMatchObject({ code: 'INTERNAL' });
    expect(lines).toContainEqual({
      component: 'shoal:engine:serve',
      level: 'warn',
      message: expect.stringContaining(`chunk 1 of ${record.contentId}`),
      details: [diskError],
    });
  });

  it('says which holder a download set aside, and why', async () => {
    const { logger, lines } = recordingLogger();
    const swarm = createSwarm(['ana', 'ben', 'cleo'], { conditions: { bytesPerSecond: 64 * CHUNK } });
    const { record } = await shareAmong(swarm, ['ben', 'cleo'], 24 * CHUNK);
    swarm.peer('ben').pool.onServe((event) => {
      if (event.type === 'chunk-served' && servedChunkIndices(swarm.peer('ben')).length === 2) swarm.network.killPeer('ben');
    });
    const { contentId, name, mimeType, manifest } = record;
    const ana = swarm.peer('ana');
    const download = new Download(
      { contentId, name, mimeType, size: manifest.size },
      { holders: holdersOf('ben', 'cleo'), pool: ana.pool, store: ana.store, clock: realClock, logger },
    );

    await download.start();

    expect(download.state).toBe('completed');
    const setAside = lines.filter((line) => line.component === 'shoal:engine:download' && line.message.includes('set ben'));
    expect(setAside).toEqual([expect.objectContaining({ level: 'debug', details: [expect.objectContaining({ code: 'PEER_UNREACHABLE' })] })]);
  });
});
