/**
 * The page's side of handing work to the service worker (a folder's ZIP stream, a media file to
 * play): post the message with an `ack` port and wait for the worker to say it took it. False when
 * no worker controls the page (an insecure page, a page loaded before the worker took over, a dev
 * server) or the worker does not answer in time; the caller then does without it.
 */
import { handOverAcceptedSchema, type HandOverMessage, type KeepAlive } from './worker-messages';

/** How long the worker has to accept before the page gives up on it. */
const WORKER_ACCEPT_TIMEOUT_MS = 3_000;

/** Every hand-over as the page writes it: the helper adds the `ack` port. */
type WithoutAck<Message> = Message extends unknown ? Omit<Message, 'ack'> : never;
type HandOver = WithoutAck<HandOverMessage>;

export function controllingWorker(): ServiceWorker | null {
  return 'serviceWorker' in navigator ? navigator.serviceWorker.controller : null;
}

/** Posts `message` (moving `transfer` with it) to the controlling worker; true once it accepted. */
export async function handToServiceWorker(message: HandOver, transfer: Transferable[] = []): Promise<boolean> {
  const worker = controllingWorker();
  if (worker === null) return false;
  const channel = new MessageChannel();
  const accepted = new Promise<boolean>((resolve) => {
    channel.port1.onmessage = (event: MessageEvent<unknown>) => resolve(handOverAcceptedSchema.safeParse(event.data).success);
    setTimeout(() => resolve(false), WORKER_ACCEPT_TIMEOUT_MS);
  });
  try {
    worker.postMessage({ ...message, ack: channel.port2 }, [...transfer, channel.port2]);
  } catch {
    channel.port1.close();
    return false;
  }
  const isAccepted = await accepted;
  channel.port1.close();
  return isAccepted;
}

/** Tells the controlling worker the page still needs it (see keepAliveSchema); nothing when there is none. */
export function keepServiceWorkerAlive(): void {
  controllingWorker()?.postMessage({ type: 'shoal-keep-alive' } satisfies KeepAlive);
}
