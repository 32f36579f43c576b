import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../shared/protocol';
import { useTracker } from './test-support/tracker-harness';

const ADMIN_TOKEN = 'errors-test-admin-token-0123456789';

describe('the tracker REST errors', () => {
  const harness = useTracker({ adminToken: ADMIN_TOKEN });

  async function expectTableError(response: Response, code: ErrorCode, details?: Record<string, unknown>): Promise<void> {
    expect(response.status).toBe(ERRORS[code].status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      code,
      error: code,
      message: expect.any(String),
      ...(details === undefined ? {} : { details }),
    });
  }

  function admin(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${harness.url}${path}`, { method, ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });
  }

  it("answers each failure with the error table's status, the code and its fields", async () => {
    await expectTableError(await fetch(`${harness.url}/api/files?limit=0`), 'BAD_REQUEST', { field: 'query string limit' });
    await expectTableError(await fetch(`${harness.url}/api/nope`), 'NOT_FOUND');
    await expectTableError(await fetch(`${harness.url}/api/admin/bans`), 'UNAUTHORIZED');
    await expectTableError(await admin('DELETE', '/api/admin/bans/1a2b3c4d5e6f7a8b'), 'NOT_FOUND', { fingerprint: '1a2b 3c4d 5e6f 7a8b' });
    await expectTableError(await admin('DELETE', '/api/admin/registrations/Nobody'), 'NOT_FOUND', { peerName: 'Nobody' });
  });

  it("maps Fastify's own failures to the table: a body too large, a body in a type the route does not take", async () => {
    const tooLarge = JSON.stringify({ publicKey: 'x'.repeat(10_000) });
    await expectTableError(
      await admin('POST', '/api/admin/bans', { body: tooLarge, headers: { 'content-type': 'application/json' } }),
      'QUOTA_EXCEEDED',
      { limitBytes: 4 * 1024 },
    );
    await expectTableError(await admin('POST', '/api/admin/bans', { body: '<ban/>', headers: { 'content-type': 'application/xml' } }), 'UNSUPPORTED_MEDIA_TYPE');
    await expectTableError(await admin('POST', '/api/admin/bans', { body: '{"publicKey":', headers: { 'content-type': 'application/json' } }), 'BAD_REQUEST');
  });
});
