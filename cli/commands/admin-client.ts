/**
 * The tracker's admin REST API as seen from the CLI: one authenticated request, its answer checked
 * against a schema (the tracker is across a trust boundary too), its errors turned into ShoalErrors.
 */
import { z } from 'zod';
import {
  banResponseSchema,
  bansResponseSchema,
  registrationsResponseSchema,
  revokeResponseSchema,
  unbanResponseSchema,
  type AdminBan,
  type AdminRegistration,
} from '../../shared/protocol/admin-messages';
import { errorBodySchema, isErrorCode, ShoalError, shoalErrorFrom } from '../../shared/protocol/errors';
import { TrackerUnreachableError } from '../node/tracker-unreachable-error';

export type Registration = AdminRegistration;
export type Ban = AdminBan;

export const adminAnswers = {
  registrations: registrationsResponseSchema,
  revoked: revokeResponseSchema,
  banned: banResponseSchema,
  bans: bansResponseSchema,
  unbanned: unbanResponseSchema,
};

/** Trackers before the error table sent the code only as `error`. */
const olderErrorAnswerSchema = z.object({ error: z.string(), message: z.string() });

export interface AdminTarget {
  trackerUrl: string;
  token: string;
}

export async function adminRequest<T>(
  target: AdminTarget,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  answerSchema: z.ZodType<T>,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.trackerUrl), {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new TrackerUnreachableError(`Cannot reach the tracker at ${target.trackerUrl}`);
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const failure = errorBodySchema.safeParse(json);
    if (failure.success) throw shoalErrorFrom(failure.data);
    const older = olderErrorAnswerSchema.safeParse(json);
    const code = older.success && isErrorCode(older.data.error) ? older.data.error : response.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    throw new ShoalError(code, older.success ? older.data.message : `The tracker answered ${response.status}`);
  }
  const answer = answerSchema.safeParse(json);
  if (!answer.success) throw new ShoalError('INTERNAL', 'The tracker sent an admin answer Shoal does not understand');
  return answer.data;
}
