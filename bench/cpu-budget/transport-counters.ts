/**
 * What a bench page asked of its data channels and what its connections carried: send() calls and
 * bytes per call (RTCDataChannel.prototype.send, wrapped in the page), data-channel messages and
 * the transport's UDP packets both ways (getStats; a connection's counters are read just before it
 * closes). The transport's CPU goes with its packets, and packets sent but not received were lost
 * (on this machine: dropped at a full socket receive buffer) and cost a retransmission and the
 * SACKs that report the gap, so packets per MiB and lost packets per MiB tell a lossy turn apart.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

/** UDP datagrams the kernel dropped for a full socket receive buffer so far (IPv4 and IPv6), machine-wide. */
export async function udpReceiveDrops(): Promise<number> {
  const snmp = await readFile('/proc/net/snmp', 'utf8').catch(() => '');
  const [header, values] = snmp.split('\n').filter((line) => line.startsWith('Udp:'));
  const column = header?.split(/\s+/).indexOf('RcvbufErrors') ?? -1;
  const v4 = column > 0 ? Number(values?.split(/\s+/)[column] ?? 0) : 0;
  const snmp6 = await readFile('/proc/net/snmp6', 'utf8').catch(() => '');
  const v6 = Number(/^Udp6RcvbufErrors\s+(\d+)/m.exec(snmp6)?.[1] ?? 0);
  return v4 + v6;
}

/** What one page asked of its data channels and what its connections carried, so far. */
export interface TransportCounters {
  sendCalls: number;
  sendBytes: number;
  textSends: number;
  messagesSent: number;
  messagesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  /** The selected candidate pair of each open connection, as "local type/protocol -> remote type". */
  paths: string[];
}

interface CountingWindow {
  benchTransportCounters?: () => Promise<TransportCounters>;
}

/** Installs the counters in a loaded page (simple-peer reads window.RTCPeerConnection per connection). */
export async function installCounters(page: Page): Promise<void> {
  await page.evaluate(() => {
    const counting = window as CountingWindow;
    if (counting.benchTransportCounters !== undefined) return;
    const sends = { calls: 0, bytes: 0, text: 0 };
    const nativeSend = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView) {
      sends.calls += 1;
      if (typeof data === 'string') {
        sends.text += 1;
        sends.bytes += data.length;
      } else {
        sends.bytes += data instanceof Blob ? data.size : data.byteLength;
      }
      nativeSend.call(this, data);
    } as RTCDataChannel['send'];
    const connections: RTCPeerConnection[] = [];
    window.RTCPeerConnection = new Proxy(window.RTCPeerConnection, {
      construct(target, args: [RTCConfiguration?], newTarget) {
        const connection = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
        connections.push(connection);
        return connection;
      },
    });
    // Counters of closed connections are kept from their last read, taken just before they close.
    const lastRead = new Map<RTCPeerConnection, { messagesSent: number; messagesReceived: number; packetsSent: number; packetsReceived: number; path?: string }>();
    const readOne = async (connection: RTCPeerConnection): Promise<void> => {
      const read: { messagesSent: number; messagesReceived: number; packetsSent: number; packetsReceived: number; path?: string } = {
        messagesSent: 0,
        messagesReceived: 0,
        packetsSent: 0,
        packetsReceived: 0,
      };
      try {
        const reports = new Map<string, Record<string, unknown>>();
        (await connection.getStats()).forEach((report: Record<string, unknown>) => reports.set(report.id as string, report));
        for (const report of reports.values()) {
          if (report.type === 'data-channel') {
            read.messagesSent += Number(report.messagesSent ?? 0);
            read.messagesReceived += Number(report.messagesReceived ?? 0);
          } else if (report.type === 'transport') {
            read.packetsSent += Number(report.packetsSent ?? 0);
            read.packetsReceived += Number(report.packetsReceived ?? 0);
            const pair = reports.get(report.selectedCandidatePairId as string);
            const local = reports.get(pair?.localCandidateId as string);
            const remote = reports.get(pair?.remoteCandidateId as string);
            if (local !== undefined) read.path = `${String(local.candidateType)}/${String(local.protocol)} ${String(local.address)} -> ${String(remote?.candidateType)} ${String(remote?.address)}`;
          }
        }
        lastRead.set(connection, read);
      } catch {
        // closed while asked: its last read stands
      }
    };
    const nativeClose = RTCPeerConnection.prototype.close as (this: RTCPeerConnection) => void;
    RTCPeerConnection.prototype.close = function (this: RTCPeerConnection) {
      if (this.connectionState === 'closed') return nativeClose.call(this);
      void readOne(this).finally(() => nativeClose.call(this));
    };
    counting.benchTransportCounters = async () => {
      await Promise.all(connections.filter((connection) => connection.connectionState !== 'closed').map(readOne));
      const paths = [...lastRead.values()].flatMap((read) => (read.path === undefined ? [] : [read.path]));
      const total = { messagesSent: 0, messagesReceived: 0, packetsSent: 0, packetsReceived: 0 };
      for (const read of lastRead.values()) {
        total.messagesSent += read.messagesSent;
        total.messagesReceived += read.messagesReceived;
        total.packetsSent += read.packetsSent;
        total.packetsReceived += read.packetsReceived;
      }
      return { sendCalls: sends.calls, sendBytes: sends.bytes, textSends: sends.text, ...total, paths };
    };
  });
}

export async function countersOf(page: Page): Promise<TransportCounters> {
  const counters = await page.evaluate(() => (window as CountingWindow).benchTransportCounters?.());
  if (counters === undefined) throw new Error('The transport counters are not installed in this page');
  return counters;
}

export function difference(after: TransportCounters, before: TransportCounters): TransportCounters {
  return {
    sendCalls: after.sendCalls - before.sendCalls,
    sendBytes: after.sendBytes - before.sendBytes,
    textSends: after.textSends - before.textSends,
    messagesSent: after.messagesSent - before.messagesSent,
    messagesReceived: after.messagesReceived - before.messagesReceived,
    packetsSent: after.packetsSent - before.packetsSent,
    packetsReceived: after.packetsReceived - before.packetsReceived,
    paths: after.paths,
  };
}
