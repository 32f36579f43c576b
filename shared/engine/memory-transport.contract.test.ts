import { MemoryNetwork } from './memory-transport';
import { describeTransportContract } from './transport.contract';
import { SEND_LOW_WATER_BYTES } from './transfer-policy';

describeTransportContract('MemoryTransport', {
  makePeers: async () => {
    const network = new MemoryNetwork();
    network.transport('ghost');
    network.killPeer('ghost'); // known to the network, but offline
    return {
      caller: network.transport('ana'),
      answerer: network.transport('ben'),
      callerId: 'ana',
      answererId: 'ben',
      silentPeerId: 'ghost',
      absentPeerId: 'nobody',
    };
  },
  lowWaterBytes: SEND_LOW_WATER_BYTES,
});
