import { MemoryStore } from './memory-store';
import { describeTrackerStoreContract } from './tracker-store.contract';

describeTrackerStoreContract('MemoryStore', (options) => new MemoryStore(options));
