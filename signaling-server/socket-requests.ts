/**
 * The door every socket request comes through: find the ack, charge the connection's rate limit,
 * parse the payload with its schema, check the connection has joined, run the handler, and answer
 * `{ ok: true, ... }` or `{ ok: false, error }`. Handlers only ever see typed, valid requests.
 */
import type { z } from 'zod';
import { ShoalError } from '../shared/protocol';
import type { ClientToServerEvents, Failure } from '../shared/protocol';
import type { RequestLimits } from './request-limits';
import type { JoinedIdentity, TrackerLog, TrackerSocket } from './socket-types';
import { describeInvalid } from './validation-message';

export type RequestEvent = keyof ClientToServerEvents;
type ResponseOf<E extends RequestEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
export type SuccessOf<E extends RequestEvent> = Extract<ResponseOf<E>, { ok: true }>;

export interface RequestContext {
  /** Runs after the answer is sent, so the requester hears its answer before any broadcast. */
  afterReply(task: () => Promise<void>): void;
}

export interface PeerRequestContext extends RequestContext {
  /** The joined peer that sent the request, with the key it proved at join. */
  peer: JoinedIdentity;
}

/** One connection's door: its socket, its rate limits, and where surprises are logged. */
export interface RequestDoor {
  socket: TrackerSocket;
  limits: RequestLimits;
  log: TrackerLog;
}

export interface RequestOptions {
  /** Runs for every request that passes the rate limit, before its payload is parsed. */
  onArrival?: () => void;
}

type Handler<E extends RequestEvent, S extends z.ZodType, C> = (request: z.output<S>, context: C) => Promise<SuccessOf<E>>;

/** Handles a request any connection may send (`challenge` and `join`). */
export function onRequest<E extends RequestEvent, S extends z.ZodType>(
  door: RequestDoor,
  event: E,
  schema: S,
  handle: Handler<E, S, RequestContext>,
  options: RequestOptions = {},
): void {
  listen(door, event, schema, (request, context) => handle(request, context), options);
}

/** Handles a request only a joined peer may send; others get `NOT_JOINED`. */
export function onPeerRequest<E extends RequestEvent, S extends z.ZodType>(
  door: RequestDoor,
  event: E,
  schema: S,
  handle: Handler<E, S, PeerRequestContext>,
): void {
  listen(door, event, schema, (request, context) => {
    const peer = door.socket.data.peer;
    if (peer === undefined) throw new ShoalError('NOT_JOINED', `Join with a display name before sending '${event}'`);
    return handle(request, { ...context, peer });
  });
}

function listen<E extends RequestEvent, S extends z.ZodType>(
  { socket, limits, log }: RequestDoor,
  event: E,
  schema: S,
  handle: Handler<E, S, RequestContext>,
  options: RequestOptions = {},
): void {
  const listener = (...args: unknown[]): void => {
    // A client may omit the ack (or send extra arguments): the request still runs, unanswered.
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (response: unknown) => void) : () => undefined;
    const payload = typeof args[0] === 'function' ? undefined : args[0];
    // respond() catches the handler's errors; this guards the ack and broadcasts, so nothing a
    // client sends can surface as an unhandled rejection and take the process down.
    respond(payload, ack).catch((error: unknown) => log.error(`Answering '${event}' failed`, error));
  };

  async function respond(payload: unknown, ack: (response: unknown) => void): Promise<void> {
    const tasks: Array<() => Promise<void>> = [];
    let response: SuccessOf<E> | Failure;
    try {
      limits.admit(event);
      options.onArrival?.();
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw new ShoalError('BAD_REQUEST', describeInvalid(`${event} request`, parsed.error));
      response = await handle(parsed.data, { afterReply: (task) => tasks.push(task) });
    } catch (error) {
      response = { ok: false, error: toErrorBody(error, event, log) };
    }
    ack(response);
    for (const task of tasks) await task();
  }

  // Widened to the event union: TypeScript cannot check a listener against a still-generic event.
  const anyRequestEvent: RequestEvent = event;
  socket.on(anyRequestEvent, listener);
}

function toErrorBody(error: unknown, event: string, log: TrackerLog): Failure['error'] {
  if (error instanceof ShoalError) return error.toBody();
  log.error(`Unexpected error handling '${event}'`, error);
  return { code: 'INTERNAL', message: 'The tracker hit an unexpected error; please try again' };
}
