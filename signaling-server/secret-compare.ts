/** Compares a secret a client sent with the configured one without leaking, through timing, how much matched. */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** True when `given` equals `expected`; hashing first gives equal lengths, so the time says nothing of either. */
export function secretsMatch(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}
