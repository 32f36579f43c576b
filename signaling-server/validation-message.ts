/** Turns a zod validation failure into one sentence a person can act on. */
import type { z } from 'zod';

/** Says what was wrong, e.g. "Invalid join request: name — Enter a display name". */
export function describeInvalid(what: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return `Invalid ${what}`;
  const path = issue.path.map(String).join('.');
  return path === '' ? `Invalid ${what}: ${issue.message}` : `Invalid ${what}: ${path} — ${issue.message}`;
}
