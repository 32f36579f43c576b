/**
 * In-memory doubles of what hosts supply, FOR TESTS AND SIMULATIONS ONLY (the engine's own tests,
 * shared/node's, benchmarks): they implement the same interfaces as the real things, which cannot
 * all run in a unit test. Never imported by index.ts, so they do not ship to hosts.
 */
export { MemoryChunkStore } from './memory-chunk-store';
export { VirtualClock } from './virtual-clock';
export { MemoryChannel } from './memory-channel';
export { MemoryNetwork, MemoryTransport, type LinkConditions, type MemoryNetworkOptions } from './memory-transport';
// Random files, stores read back whole, and waiting with a deadline.
export { CHUNK, memorySource, randomBytes, readStoredFile, rejectionOf, sha256Of, waitUntil } from './test-fixtures';
