/**
 * Generators of malformed, oversized and out-of-order tracker messages for fuzz tests, driven by a
 * seeded random source so a failing run can be replayed from its seed.
 */
import { ANNOUNCE_MAX_FILES, FILE_NAME_MAX_CHARS, NAME_MAX_CHARS, QUERY_MAX_CHARS, SIGNAL_MAX_BYTES } from '../../shared/protocol';
import { fileNamed, randomContentId } from './fixtures';

export const TRACKER_REQUEST_EVENTS = ['challenge', 'join', 'announce', 'withdraw', 'search', 'holders', 'signal'] as const;

const ODD_EVENT_NAMES = ['peers', 'removed', 'index-changed', 'JOIN', 'join ', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'.repeat(5_000), '🦈', 'signal\u0000'];

export class HostileMessages {
  /** Full-size announcements are built once per size: making 500 files per message would slow the fuzzer, not the tracker. */
  private readonly fileLists = new Map<number, ReturnType<typeof fileNamed>[]>();

  constructor(private readonly random: () => number) {}

  private manyFiles(count: number): ReturnType<typeof fileNamed>[] {
    let files = this.fileLists.get(count);
    if (files === undefined) {
      files = Array.from({ length: count }, (_, index) => fileNamed(index % 50 === 0 ? this.text() || 'f' : `file ${index}`));
      this.fileLists.set(count, files);
    }
    return files;
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  /**
   * Lengths around every limit the protocol has, and one far past them that still fits in a
   * message; messages past the size cap are sent on purpose elsewhere, as they cost the connection.
   */
  length(): number {
    const limit = this.pick([NAME_MAX_CHARS, QUERY_MAX_CHARS, FILE_NAME_MAX_CHARS, 64, 88, 128, 256, SIGNAL_MAX_BYTES, 100_000]);
    return Math.max(0, limit + this.int(5) - 2);
  }

  text(): string {
    const alphabets = ['abc xyz', '\u0000\u001f\u007f\n\t', '<img src=x onerror=alert(1)>', '../../etc/passwd', 'ÅÉ🦈\u202e\ud800', '0123456789abcdef'];
    const alphabet = this.pick(alphabets);
    const length = this.chance(0.2) ? this.length() : this.int(40);
    let text = '';
    while (text.length < length) text += alphabet;
    return text.slice(0, length);
  }

  /** Any JSON-ish value: wrong types, odd keys, moderate nesting. */
  value(depth = 0): unknown {
    const kind = this.int(depth > 4 ? 6 : 9);
    switch (kind) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308, Number.MIN_VALUE]);
      case 3: return this.text();
      case 4: return undefined;
      case 5: return this.pick(['', '0', 'true', '{}', '[]']);
      case 6: return Array.from({ length: this.int(6) }, () => this.value(depth + 1));
      default: {
        const keys = ['name', 'publicKey', 'signature', 'networkKey', 'files', 'contentIds', 'query', 'limit', 'offset', 'contentId', 'to', 'connectionId', 'data', '__proto__', 'constructor', 'prototype', 'then'];
        const object: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) object[this.pick(keys)] = this.value(depth + 1);
        return object;
      }
    }
  }

  /** Arrays nested `depth` levels, as a value (for socket.io-client) or as JSON text. */
  nested(depth: number): unknown {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) value = this.chance(0.5) ? [value] : { deeper: value };
    return value;
  }

  nestedJson(depth: number): string {
    return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  }

  /** A request shaped almost right for the event, with one part broken, or a plain wrong value. */
  payloadFor(event: string, context: { peerIds: string[]; nonce?: string; publicKey?: string }): unknown {
    if (this.chance(0.25)) return this.value();
    const someId = this.chance(0.7) && context.peerIds.length > 0 ? this.pick(context.peerIds) : this.text();
    switch (event) {
      case 'challenge':
        return this.pick([{}, undefined, { nonce: this.text() }, this.value()]);
      case 'join':
        return {
          name: this.chance(0.7) ? `fuzz ${this.int(5)}` : this.text(),
          publicKey: this.chance(0.6) && context.publicKey !== undefined ? context.publicKey : this.text(),
          signature: this.chance(0.5) ? 'A'.repeat(88) : this.text(),
          ...(this.chance(0.3) ? { networkKey: this.text() } : {}),
        };
      case 'announce': {
        const count = this.pick([0, 1, 3, ANNOUNCE_MAX_FILES, ANNOUNCE_MAX_FILES + 1]);
        const files = count > 3 ? [...this.manyFiles(count)] : Array.from({ length: count }, () => fileNamed(this.text() || 'f'));
        if (files.length > 0 && this.chance(0.5)) files[this.int(files.length)] = this.value() as ReturnType<typeof fileNamed>;
        return { files };
      }
      case 'withdraw':
        return { contentIds: this.chance(0.5) ? [randomContentId()] : [this.text(), this.value()] };
      case 'search':
        return { query: this.chance(0.5) ? this.text() : 'x'.repeat(QUERY_MAX_CHARS + 1), limit: this.value(), offset: this.value() };
      case 'holders':
        return { contentId: this.chance(0.5) ? randomContentId() : this.text() };
      case 'signal':
        return {
          to: someId,
          connectionId: this.chance(0.7) ? `c${this.int(10)}` : this.text(),
          data: this.pick([
            { type: 'offer', sdp: this.text(), auth: this.text() },
            { type: 'candidate', candidate: this.value() },
            { extra: this.nested(this.pick([3, 20, 200])) },
            { type: 'candidate', candidate: 'x'.repeat(SIGNAL_MAX_BYTES + this.int(3) - 1) },
            this.value(),
          ]),
        };
      default:
        return this.value();
    }
  }

  event(): string {
    return this.chance(0.85) ? this.pick(TRACKER_REQUEST_EVENTS) : this.pick(ODD_EVENT_NAMES);
  }

  /** A WebSocket frame no Socket.IO client would send; many make the tracker drop the connection. */
  brokenFrame(): string | Buffer {
    switch (this.int(10)) {
      case 0: return `42${this.text()}`;
      case 1: return '42["search"';
      case 2: return `42${this.int(1_000)}["search",${this.nestedJson(this.pick([10, 1_000, 100_000]))}]`;
      case 3: return '451-["signal",{"_placeholder":true,"num":0}]';
      case 4: return Buffer.from(Array.from({ length: 1 + this.int(64) }, () => this.int(256)));
      case 5: return this.pick(['41', '40', '44{}', '4', '2', '3', '5', '6', '']);
      case 6: return `42["disconnect",{}]`;
      case 7: return `43${this.int(10)}[{"ok":true}]`;
      case 8: return `42["join",${JSON.stringify(this.value())},"extra",${this.nestedJson(50)}]`;
      default: return this.text();
    }
  }
}
