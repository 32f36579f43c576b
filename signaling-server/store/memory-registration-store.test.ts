import { MemoryRegistrationStore } from './memory-registration-store';
import { describeRegistrationStoreContract } from './registration-store.contract';

describeRegistrationStoreContract('MemoryRegistrationStore', () => new MemoryRegistrationStore());
