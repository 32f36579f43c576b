/** Stable error codes: the UI, CLI and REST API map these to messages and statuses the same way. */
import { z } from 'zod';

export const ERROR_CODES = [
  'BAD_REQUEST',
  'NAME_INVALID',
  'NAME_TAKEN',
  'NETWORK_KEY_INVALID',
  'SIGNATURE_INVALID',
  'BANNED',
  'REVOKED',
  'RATE_LIMITED',
  'UNAUTHORIZED',
  'KEY_CHANGED',
  'NOT_JOINED',
  'PEER_NOT_FOUND',
  'PEER_UNREACHABLE',
  'FILE_NOT_FOUND',
  'NO_HOLDER',
  'CHUNK_CORRUPT',
  'MANIFEST_MISMATCH',
  'QUOTA_EXCEEDED',
  'TIMEOUT',
  'CANCELLED',
  'INTERNAL',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error with a stable code and a message a person can act on. */
export class ShoalError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ShoalError';
    this.code = code;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** Turns any thrown value into a ShoalError without leaking internals to the user. */
export function asShoalError(error: unknown, fallback: ErrorCode = 'INTERNAL'): ShoalError {
  if (error instanceof ShoalError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ShoalError(fallback, message);
}
