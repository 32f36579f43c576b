/**
 * A peer speaking the Socket.IO wire protocol (Engine.IO v4 over a bare WebSocket) by hand, so a
 * test can freeze it the way a hung tab freezes: the TCP connection stays open, but nothing is
 * read and no heartbeat pong is sent. socket.io-client cannot do this; it closes itself on a
 * missed ping, which the tracker would see as a clean disconnect. Fuzz tests also use it to send
 * frames no Socket.IO client would: broken packets, binary garbage, reserved event names.
 */
import WebSocket from 'ws';

/** Engine.IO packet types (first character) and the Socket.IO ones after a '4' (message). */
const PING = '2';
const PONG = '3';
const SOCKET_CONNECT = '40';
const SOCKET_ACK = '43';

/** What `request` resolves with when the connection closed before the answer came. */
export const DROPPED = Symbol('dropped');

export class RawPeer {
  /** Heartbeat pongs sent so far: how many pings this peer has survived. */
  pongsSent = 0;
  /** Resolves when the WebSocket has closed, from either side. */
  readonly closed: Promise<void>;
  private nextAckId = 0;
  private readonly pendingAcks = new Map<number, (response: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.onPacket(String(data)));
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      ws.once('close', () => {
        for (const answer of this.pendingAcks.values()) answer(DROPPED);
        this.pendingAcks.clear();
        resolve();
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Opens the WebSocket and connects to the main namespace. */
  static async connect(trackerUrl: string): Promise<RawPeer> {
    const ws = new WebSocket(`${trackerUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const peer = new RawPeer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', function onHandshake(data) {
        const packet = String(data);
        if (packet.startsWith('0')) ws.send(SOCKET_CONNECT);
        if (packet.startsWith(SOCKET_CONNECT)) {
          ws.off('message', onHandshake);
          resolve();
        }
      });
    });
    return peer;
  }

  /** Sends an event with an ack and resolves with the tracker's answer, or DROPPED if the connection closes first. */
  request(event: string, payload: unknown): Promise<unknown> {
    if (!this.isOpen) return Promise.resolve(DROPPED);
    const id = this.nextAckId++;
    return new Promise((resolve) => {
      this.pendingAcks.set(id, resolve);
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  /** Sends one WebSocket frame exactly as given, text or bytes, well-formed or not. */
  sendFrame(frame: string | Buffer): void {
    if (this.isOpen) this.ws.send(frame);
  }

  /** From now on the peer reads nothing and answers nothing, like a frozen page. */
  freeze(): void {
    this.ws.pause();
  }

  /** Drops the TCP connection without a goodbye, like a killed browser. */
  terminate(): void {
    this.ws.terminate();
  }

  private onPacket(packet: string): void {
    if (packet === PING) {
      this.ws.send(PONG);
      this.pongsSent += 1;
      return;
    }
    const ack = /^43(\d+)(.*)$/s.exec(packet);
    if (packet.startsWith(SOCKET_ACK) && ack !== null) {
      const id = Number(ack[1]);
      const [response] = JSON.parse(ack[2] ?? '[]') as unknown[];
      this.pendingAcks.get(id)?.(response);
      this.pendingAcks.delete(id);
    }
  }
}
