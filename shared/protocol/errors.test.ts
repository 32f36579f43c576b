import { describe, expect, it } from 'vitest';
import {
  ERRORS,
  ERROR_CODES,
  ShoalError,
  asShoalError,
  errorBodySchema,
  errorWithOutlook,
  exitKindOf,
  httpStatusOf,
  isErrorCode,
  restErrorBodyOf,
  restErrorBodySchema,
  shoalErrorFrom,
} from './errors';

describe('the error table', () => {
  it('gives every code an HTTP error status, an exit kind and a meaning', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(20);
    for (const code of ERROR_CODES) {
      const { status, exit, meaning } = ERRORS[code];
      expect([code, status >= 400 && status <= 599]).toEqual([code, true]);
      expect(['badArguments', 'notFound', 'noHolder', 'failed']).toContain(exit);
      expect(meaning.length).toBeGreaterThan(0);
      expect(httpStatusOf(code)).toBe(status);
      expect(exitKindOf(code)).toBe(exit);
    }
  });

  it('answers 500 and a plain failure for codes it does not know', () => {
    for (const unknown of ['NOPE', '', 'constructor', 'toString', '__proto__']) {
      expect(isErrorCode(unknown)).toBe(false);
      expect(httpStatusOf(unknown)).toBe(500);
      expect(exitKindOf(unknown)).toBe('failed');
    }
    expect(isErrorCode(404)).toBe(false);
  });

  it('keeps the statuses scripts rely on', () => {
    expect(httpStatusOf('BAD_REQUEST')).toBe(400);
    expect(httpStatusOf('NETWORK_KEY_INVALID')).toBe(401);
    expect(httpStatusOf('FILE_NOT_FOUND')).toBe(404);
    expect(httpStatusOf('NOT_FOUND')).toBe(404);
    expect(httpStatusOf('QUOTA_EXCEEDED')).toBe(413);
    expect(httpStatusOf('RATE_LIMITED')).toBe(429);
    expect(httpStatusOf('NO_HOLDER')).toBe(503);
    expect(httpStatusOf('INTERNAL')).toBe(500);
  });
});

describe('ShoalError', () => {
  it('carries its code, status and structured details, and sends details only when it has some', () => {
    const plain = new ShoalError('RATE_LIMITED', 'Too many requests — wait a moment');
    expect(plain.httpStatus).toBe(429);
    expect(plain.details).toEqual({});
    expect(plain.toBody()).toEqual({ code: 'RATE_LIMITED', message: 'Too many requests — wait a moment' });

    const withFields = new ShoalError('QUOTA_EXCEEDED', "'big.iso' is too large", { fileName: 'big.iso', limitBytes: 1024 });
    expect(restErrorBodyOf(withFields)).toEqual({
      code: 'QUOTA_EXCEEDED',
      error: 'QUOTA_EXCEEDED',
      message: "'big.iso' is too large",
      details: { fileName: 'big.iso', limitBytes: 1024 },
    });
    expect(restErrorBodySchema.parse(restErrorBodyOf(withFields))).toEqual(restErrorBodyOf(withFields));
  });

  it('comes back whole from a body sent over a wire, and refuses a body with an unknown code', () => {
    const sent = new ShoalError('NO_HOLDER', 'No peer holding it', { fileName: 'a.txt' });
    const received = shoalErrorFrom(errorBodySchema.parse(JSON.parse(JSON.stringify(sent.toBody()))));
    expect(received).toBeInstanceOf(ShoalError);
    expect([received.code, received.message, received.details]).toEqual(['NO_HOLDER', 'No peer holding it', { fileName: 'a.txt' }]);
    expect(errorBodySchema.safeParse({ code: 'MADE_UP', message: 'x' }).success).toBe(false);
  });

  it('keeps what is wrong apart from what happens next, so a caller can say something else next', () => {
    const waiting = errorWithOutlook('NO_HOLDER', "No peer holding 'a.txt' is online", 'the download will resume when one appears', { fileName: 'a.txt' });
    expect(waiting.message).toBe("No peer holding 'a.txt' is online; the download will resume when one appears");
    expect(waiting.details).toEqual({ fileName: 'a.txt', reason: "No peer holding 'a.txt' is online" });
  });

  it('wraps anything thrown as INTERNAL (or the given code) without details', () => {
    expect(asShoalError(new Error('disk on fire'))).toMatchObject({ code: 'INTERNAL', message: 'disk on fire', details: {} });
    expect(asShoalError('nope', 'PEER_UNREACHABLE')).toMatchObject({ code: 'PEER_UNREACHABLE', httpStatus: 503 });
  });
});
