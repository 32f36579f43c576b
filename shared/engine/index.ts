/**
 * The transfer engine's public API. It depends on two interfaces only, a Transport and a
 * ChunkStore, which the browser, the CLI and tests each supply.
 */
export type { ChunkStore, FileRecord } from './chunk-store';
export type { ConnectionPath, Frame, PeerChannel, Transport } from './transport';
export * from './transfer-policy';
export { shareFile, type FileSource, type ShareFileOptions } from './share-file';
export { LinkPool, type LinkPoolOptions, type LinkSource } from './link-pool';
export { PeerLink, type PeerLinkOptions } from './peer-link';
export { RefusedByPeerError } from './outgoing-requests';
export type { ChunkRepairer, ServeEvent } from './serve-queue';
export { Download, type CancelOptions, type DownloadDeps, type DownloadFile, type DownloadTuning } from './download';
export type { DownloadProgress, DownloadSnapshot, DownloadState, FetchingPeer } from './download-report';
export type { HolderFailure } from './holder-failures';
export { ChunkScheduler } from './chunk-scheduler';
export { PeerWindow } from './peer-window';
export { RateLimiter } from './rate-limiter';
export { realClock, type Clock } from './clock';
export { SpeedMeter } from './speed-meter';
export { isStoredFileComplete, missingChunkIndices, readStoredChunks } from './stored-file';
// In-memory implementations, for tests and simulations only.
export { MemoryChunkStore } from './memory-chunk-store';
export { VirtualClock } from './virtual-clock';
export {
  MemoryChannel,
  MemoryNetwork,
  MemoryTransport,
  type LinkConditions,
  type MemoryNetworkOptions,
} from './memory-transport';
