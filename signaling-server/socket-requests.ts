/**
 * The door every socket request comes through: find the ack, charge the connection's rate limit,
 * parse the payload with its schema, check the connection has joined, run the handler, and answer
 * `{ ok: true, ... }` or `{ ok: false, error }`. Handlers only ever see typed, valid requests.
 *
 * The routes are registered once per tracker, and every connection shares them through one
 * catch-all listener: a connection costs no closures of its own, which at thousands of idle peers
 * is most of the tracker's heap (each named closure also carries the name property tsx adds).
 */
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import { ShoalError } from '../shared/protocol';
import type { ClientToServerEvents, Failure } from '../shared/protocol';
import type { RateLimitPolicy } from './config';
import { RequestLimits } from './request-limits';
import type { JoinedIdentity, TrackerLog, TrackerSocket } from './socket-types';
import { describeInvalid } from './validation-message';

export type RequestEvent = keyof ClientToServerEvents;
type ResponseOf<E extends RequestEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
export type SuccessOf<E extends RequestEvent> = Extract<ResponseOf<E>, { ok: true }>;

export interface RequestContext {
  /** The connection that sent the request. */
  socket: TrackerSocket;
  /** Runs after the answer is sent, so the requester hears its answer before every broadcast. */
  afterReply(task: () => Promise<void>): void;
}

export interface PeerRequestContext extends RequestContext {
  /** The joined peer that sent the request, with the key it proved at join. */
  peer: JoinedIdentity;
}

export interface RequestOptions {
  /** Runs for every request that passes the rate limit, before its payload is parsed. */
  onArrival?: (socket: TrackerSocket) => void;
}

/** Told of every answer sent (metrics): the event, the answer, and how long it took from arrival. */
export type AnswerObserver = (socket: TrackerSocket, event: RequestEvent, response: unknown, durationMs: number) => void;

type Handler<E extends RequestEvent, S extends z.ZodType, C> = (request: z.output<S>, context: C) => Promise<SuccessOf<E>>;

interface Route {
  schema: z.ZodType;
  handle: (request: unknown, context: RequestContext) => Promise<unknown>;
  options: RequestOptions;
}

type Acknowledge = (response: unknown) => void;
const noAck: Acknowledge = () => undefined;

export class RequestRouter {
  private readonly routes = new Map<string, Route>();
  private readonly observers: AnswerObserver[] = [];
  /** Each connection's budgets, made at its first request and dropped with the socket. */
  private readonly limits = new WeakMap<TrackerSocket, RequestLimits>();

  constructor(
    private readonly rateLimits: RateLimitPolicy,
    private readonly log: TrackerLog,
  ) {}

  /** Handles a request every connection may send (`challenge` and `join`). */
  on<E extends RequestEvent, S extends z.ZodType>(event: E, schema: S, handle: Handler<E, S, RequestContext>, options: RequestOptions = {}): void {
    this.routes.set(event, { schema, handle: (request, context) => handle(request as z.output<S>, context), options });
  }

  /** Handles a request only a joined peer may send; others get `NOT_JOINED`. */
  onPeer<E extends RequestEvent, S extends z.ZodType>(event: E, schema: S, handle: Handler<E, S, PeerRequestContext>): void {
    this.on(event, schema, (request, context) => {
      const peer = context.socket.data.peer;
      if (peer === undefined) throw new ShoalError('NOT_JOINED', `Join with a display name before sending '${event}'`);
      return handle(request, { ...context, peer });
    });
  }

  observeAnswers(observer: AnswerObserver): void {
    this.observers.push(observer);
  }

  /** Routes the connection's requests; unknown events are ignored. */
  attach(socket: TrackerSocket): void {
    socket.onAny(this.dispatch);
  }

  // One function for every socket: Socket.IO calls catch-all listeners with the socket as `this`.
  private readonly dispatch = ((router: RequestRouter) =>
    function dispatchRequest(this: TrackerSocket, event: unknown, ...args: unknown[]): void {
      if (typeof event !== 'string') return;
      const route = router.routes.get(event);
      if (route === undefined) return;
      // A client may omit the ack (or send extra arguments): the request still runs, unanswered.
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as Acknowledge) : noAck;
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      // respond() catches the handler's errors; this guards the ack and broadcasts, so nothing a
      // client sends can surface as an unhandled rejection and take the process down.
      router
        .respond(this, event as RequestEvent, route, payload, ack)
        .catch((error: unknown) => router.log.error(`Answering '${event}' failed`, error));
    })(this);

  private limitsOf(socket: TrackerSocket): RequestLimits {
    let limits = this.limits.get(socket);
    if (limits === undefined) {
      limits = new RequestLimits(this.rateLimits);
      this.limits.set(socket, limits);
    }
    return limits;
  }

  private async respond(socket: TrackerSocket, event: RequestEvent, route: Route, payload: unknown, ack: Acknowledge): Promise<void> {
    const arrivedAtMs = performance.now();
    const tasks: Array<() => Promise<void>> = [];
    let response: unknown;
    try {
      this.limitsOf(socket).admit(event);
      route.options.onArrival?.(socket);
      const parsed = route.schema.safeParse(payload);
      if (!parsed.success) throw new ShoalError('BAD_REQUEST', describeInvalid(`${event} request`, parsed.error));
      response = await route.handle(parsed.data, { socket, afterReply: (task) => tasks.push(task) });
    } catch (error) {
      response = { ok: false, error: toErrorBody(error, event, this.log) } satisfies Failure;
    }
    ack(response);
    const durationMs = performance.now() - arrivedAtMs;
    for (const observer of this.observers) observer(socket, event, response, durationMs);
    for (const task of tasks) await task();
  }
}

function toErrorBody(error: unknown, event: string, log: TrackerLog): Failure['error'] {
  if (error instanceof ShoalError) return error.toBody();
  log.error(`Unexpected error handling '${event}'`, error);
  return { code: 'INTERNAL', message: 'The tracker hit an unexpected error; please try again' };
}
