/**
 * The transfer engine as hosts use it (shared/node, and the browser's and the CLI's adapters).
 * The engine depends on interfaces only: a Transport and a ChunkStore, which each host supplies,
 * and a Clock. In-memory doubles for tests and simulations are in testing.ts, not here.
 */

// What a host supplies.
export type { ChunkStore, FileRecord, StagedChunks } from './chunk-store';
export { PeerUnreachableError, type ConnectionPath, type Frame, type PeerChannel, type Transport } from './transport';
export { realClock, type Clock } from './clock';

// Sharing a file and serving it.
export { shareFile, type FileSource, type ShareFileOptions } from './share-file';
export { announcementOf } from './file-announcement';
export { isStoredFileComplete, missingChunkIndices, readStoredChunks } from './stored-file';
export { LinkPool, type LinkPoolOptions, type LinkSource } from './link-pool';
export type { ChunkRepairer, ServeEvent } from './serve-queue';
export type { OriginalFile, OriginalFiles, ServingCounters } from './served-chunks';
export { isChunkIntact, useChunkDigest, type ChunkDigest } from './chunk-verification';
export { WriteGenerations } from './write-generations';
export { RefusedByPeerError } from './outgoing-requests';

// Downloading one.
export { Download, type DownloadTuning } from './download';
export type { CancelOptions, DownloadDeps, DownloadFile } from './download-inputs';
export type { DownloadProgress, DownloadSnapshot, DownloadState, FetchingPeer } from './download-report';
export type { HolderFailure } from './holder-failures';
export { describeFetchingPeer, describeFetchingPeers, describePath } from './connection-description';

// Policy: the numbers that trade speed against memory and patience.
export * from './transfer-policy';
