/**
 * How a WebRTC connection reaches its peer, read from getStats(): the selected ICE candidate pair
 * (as the transport's `selectedCandidatePairId`, else the nominated pair that succeeded, else one
 * marked `selected` as Firefox does) and its two candidates. Relayed when either is a TURN relay.
 */
import type { ConnectionPath } from '../engine/transport';
import type { StatsReportLike } from './peer-connection-access';

type Stats = Record<string, unknown>;

export function connectionPathFrom(report: StatsReportLike): ConnectionPath | undefined {
  const byId = new Map<string, Stats>();
  report.forEach((stats) => {
    if (typeof stats.id === 'string') byId.set(stats.id, stats);
  });
  const pair = selectedPair([...byId.values()], byId);
  if (pair === undefined) return undefined;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  const isRelayed = local?.candidateType === 'relay' || remote?.candidateType === 'relay';
  const rttSeconds = pair.currentRoundTripTime;
  return { kind: isRelayed ? 'relayed' : 'direct', rttMs: typeof rttSeconds === 'number' ? rttSeconds * 1000 : undefined };
}

function selectedPair(all: Stats[], byId: Map<string, Stats>): Stats | undefined {
  for (const stats of all) {
    if (stats.type === 'transport' && typeof stats.selectedCandidatePairId === 'string') {
      const pair = byId.get(stats.selectedCandidatePairId);
      if (pair !== undefined) return pair;
    }
  }
  const pairs = all.filter((stats) => stats.type === 'candidate-pair');
  return pairs.find((pair) => pair.nominated === true && pair.state === 'succeeded') ?? pairs.find((pair) => pair.selected === true);
}
