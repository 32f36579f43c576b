/**
 * The error table: every code Shoal answers with, declared once with the HTTP status both REST APIs
 * answer it with and the kind of exit the CLI makes (like fastify's lib/errors.js). The UI, the CLI
 * and the REST APIs map from this table and from an error's structured `details`, never from its
 * message, which is written for people.
 */
import { z } from 'zod';

/** How `shoal` exits on an error; cli/exit-codes.ts gives each kind its number. */
export type ExitKind = 'badArguments' | 'notFound' | 'noHolder' | 'failed';

interface ErrorSpec {
  /** The HTTP status a REST API answers with. */
  status: number;
  exit: ExitKind;
  /** What the code means, for the OpenAPI documents. */
  meaning: string;
}

export const ERRORS = {
  BAD_REQUEST: { status: 400, exit: 'badArguments', meaning: 'the request is malformed or not valid' },
  NAME_INVALID: { status: 400, exit: 'badArguments', meaning: 'the display name is not allowed' },
  NAME_TAKEN: { status: 409, exit: 'badArguments', meaning: 'another peer has the name' },
  NETWORK_KEY_INVALID: { status: 401, exit: 'badArguments', meaning: 'the network key is missing or wrong' },
  SIGNATURE_INVALID: { status: 401, exit: 'failed', meaning: 'a signature does not match its key' },
  BANNED: { status: 403, exit: 'failed', meaning: 'the tracker operator banned this identity key' },
  REVOKED: { status: 403, exit: 'failed', meaning: 'the tracker operator revoked the name' },
  RATE_LIMITED: { status: 429, exit: 'failed', meaning: 'too many requests; wait a moment' },
  // The tracker's per-address cap refused a connection: unlike RATE_LIMITED, waiting alone may not
  // help; another connection from the same address has to close first.
  TOO_MANY_CONNECTIONS: {
    status: 429,
    exit: 'failed',
    meaning: 'the client address already holds as many tracker connections as the tracker allows',
  },
  UNAUTHORIZED: { status: 401, exit: 'badArguments', meaning: 'the admin token is missing or wrong' },
  KEY_CHANGED: { status: 409, exit: 'failed', meaning: 'a known name came back with another key' },
  NOT_JOINED: { status: 409, exit: 'failed', meaning: 'the request needs a joined peer' },
  PEER_NOT_FOUND: { status: 404, exit: 'failed', meaning: 'no such peer is online' },
  PEER_UNREACHABLE: { status: 503, exit: 'noHolder', meaning: 'a peer (or the tracker) cannot be reached now' },
  FILE_NOT_FOUND: { status: 404, exit: 'notFound', meaning: 'no such file (or path)' },
  NO_HOLDER: { status: 503, exit: 'noHolder', meaning: 'the file exists but no peer holding it can send it now' },
  // A holder sent bytes that do not match: a bad upstream.
  CHUNK_CORRUPT: { status: 502, exit: 'failed', meaning: 'a peer sent data that fails its hash check' },
  MANIFEST_MISMATCH: { status: 502, exit: 'failed', meaning: 'a file description does not match its content id' },
  QUOTA_EXCEEDED: { status: 413, exit: 'failed', meaning: 'over a size or count limit' },
  TIMEOUT: { status: 504, exit: 'failed', meaning: 'something did not answer in time' },
  CANCELLED: { status: 409, exit: 'failed', meaning: 'the operation was cancelled or the peer shut down' },
  INTERNAL: { status: 500, exit: 'failed', meaning: 'an unexpected error' },
  // Only over HTTP: an unknown route or admin record, a body in a type the route does not take.
  NOT_FOUND: { status: 404, exit: 'notFound', meaning: 'no such route or record' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 'badArguments', meaning: 'the body is in a type the route does not take' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

export const errorCodeSchema = z.enum(ERROR_CODES);

/** Whether a string (from a wire or a REST body) is one of the table's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** The table's status for a code; 500 for anything the table does not know. */
export function httpStatusOf(code: string): number {
  return isErrorCode(code) ? ERRORS[code].status : 500;
}

/** The table's exit kind for a code; 'failed' for anything the table does not know. */
export function exitKindOf(code: string): ExitKind {
  return isErrorCode(code) ? ERRORS[code].exit : 'failed';
}

/** The structured fields an error may carry besides its sentence, so callers need not parse it. */
export const errorDetailsSchema = z.object({
  fileName: z.string().optional().describe('the file the error is about'),
  contentId: z.string().optional().describe('the content id the error is about'),
  peerId: z.string().optional(),
  peerName: z.string().optional(),
  fingerprint: z.string().optional().describe('the identity key fingerprint the error is about'),
  field: z.string().optional().describe('the input that is not valid, e.g. "query string limit"'),
  limitBytes: z.number().optional().describe('the size limit that was exceeded'),
  reason: z
    .string()
    .optional()
    .describe('NO_HOLDER: why no holder can send the file now, without what happens next'),
});
export type ErrorDetails = z.infer<typeof errorDetailsSchema>;

export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: errorDetailsSchema.optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error with a stable code, a message a person can act on and the fields behind it. */
export class ShoalError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ShoalError';
    this.code = code;
    this.details = details;
  }

  /** The status a REST API answers this error with. */
  get httpStatus(): number {
    return ERRORS[this.code].status;
  }

  toBody(): ErrorBody {
    return Object.keys(this.details).length === 0
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * An error that says what is wrong and what happens next ("No peer holding 'a.txt' is online; the
 * download will resume when one appears"). details.reason keeps the first half, so a caller that
 * does something else next (the CLI exits) can say so without parsing the sentence.
 */
export function errorWithOutlook(code: ErrorCode, reason: string, outlook: string, details: ErrorDetails = {}): ShoalError {
  return new ShoalError(code, `${reason}; ${outlook}`, { ...details, reason });
}

/** Turns any thrown value into a ShoalError without leaking internals to the user. */
export function asShoalError(error: unknown, fallback: ErrorCode = 'INTERNAL'): ShoalError {
  if (error instanceof ShoalError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ShoalError(fallback, message);
}

/** A ShoalError from an error body that came over a wire (a socket ack, a REST answer). */
export function shoalErrorFrom(body: ErrorBody): ShoalError {
  return new ShoalError(body.code, body.message, body.details ?? {});
}

/**
 * What both REST APIs answer a failure with: the error body plus `error`, the same code under the
 * name REST answers have carried from the start (scripts read it).
 */
export const restErrorBodySchema = errorBodySchema.extend({
  error: errorCodeSchema.describe('the same as code'),
});
export type RestErrorBody = z.infer<typeof restErrorBodySchema>;

export function restErrorBodyOf(error: ShoalError): RestErrorBody {
  return { ...error.toBody(), error: error.code };
}
