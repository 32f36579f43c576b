/**
 * Play while downloading: the file open in the player, and the URL its media element plays from.
 * Playing a file the browser does not hold starts its download (it shows in Transfers); the chunks
 * the player asks for are fetched first (the node's playback, shared/node/playback.ts).
 */
import type { SearchResult } from '../../shared/protocol/tracker-messages';
import { isPlayableMimeType, mediaWantedSchema } from '../service-worker/worker-messages';
import { keepServiceWorkerAlive } from '../service-worker/page-handshake';
import { registerMediaFile, type MediaRegistration } from './media-registration';

/** Well inside the ~30 s after which a browser stops a worker that heard nothing. */
const KEEP_ALIVE_INTERVAL_MS = 10_000;

/** A file to play: a search result, or a file of My files (which knows no holders or chunk size). */
export type PlayRequest = Pick<SearchResult, 'contentId' | 'name' | 'size' | 'mimeType'> & Partial<Pick<SearchResult, 'chunkSizeBytes' | 'holders'>>;

export interface PlayerParts {
  /** A chunk's verified bytes, at once when stored, else once fetched (the node's playback). */
  readChunk: (file: SearchResult, index: number, signal?: AbortSignal) => Promise<Uint8Array>;
  /** The chunk size of a file this browser stores (complete or in part), from its manifest. */
  storedChunkSize: (contentId: string) => Promise<number | undefined>;
}

export interface NowPlaying {
  contentId: string;
  name: string;
  mimeType: string;
  /** Set once the service worker serves the file; the media element plays from here. */
  url: string | undefined;
  /** Why it cannot play, for people (the element's own decoding errors are the view's). */
  problem: string | undefined;
}

export { isPlayableMimeType };

export class Player {
  nowPlaying = $state<NowPlaying | undefined>();
  /** Why the last chunk the player asked for could not be read (no holder online, say), if it failed. */
  readProblem = $state<string | undefined>();

  private registration: MediaRegistration | undefined;
  private playing: SearchResult | undefined;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  /** Counts play() calls, so one that finishes after a later one (or a close) changes nothing. */
  private attempts = 0;

  constructor(private readonly parts: PlayerParts) {
    // A service worker the browser stopped and started again asks for the file it lost.
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
        const wanted = mediaWantedSchema.safeParse(event.data);
        if (wanted.success && this.playing?.contentId === wanted.data.contentId) void this.register(this.playing);
      });
    }
  }

  /** Opens the player on a file; replaces whatever played before. */
  async play(request: PlayRequest): Promise<void> {
    this.close();
    const attempt = this.attempts;
    const { contentId, name, size, mimeType } = request;
    const shown = { contentId, name, mimeType };
    this.nowPlaying = { ...shown, url: undefined, problem: undefined };
    const chunkSizeBytes = request.chunkSizeBytes ?? (await this.parts.storedChunkSize(contentId));
    if (attempt !== this.attempts) return;
    if (!isPlayableMimeType(mimeType)) {
      this.nowPlaying = { ...shown, url: undefined, problem: `'${name}' is not an audio or video file Shoal can play.` };
      return;
    }
    if (chunkSizeBytes === undefined) {
      this.nowPlaying = { ...shown, url: undefined, problem: `'${name}' is no longer in this browser; search for it to play it from its holders.` };
      return;
    }
    const playing: SearchResult = { contentId, name, size, mimeType, chunkSizeBytes, holders: request.holders ?? [] };
    this.playing = playing;
    const registration = await this.register(playing);
    if (attempt !== this.attempts) return;
    this.nowPlaying =
      registration === undefined
        ? {
            ...shown,
            url: undefined,
            problem:
              'Playing while downloading needs the app’s service worker, and it does not run on this page (it needs HTTPS or localhost). Download the file and open it from your downloads.',
          }
        : { ...shown, url: registration.url, problem: undefined };
    if (registration !== undefined) this.keepAliveTimer = setInterval(keepServiceWorkerAlive, KEEP_ALIVE_INTERVAL_MS);
  }

  /** Closes the player; the download it started goes on in Transfers. */
  close(): void {
    this.attempts++;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    this.registration?.release();
    this.registration = undefined;
    this.playing = undefined;
    this.nowPlaying = undefined;
    this.readProblem = undefined;
  }

  private async register(file: SearchResult): Promise<MediaRegistration | undefined> {
    const registration = await registerMediaFile(file, async (index, signal) => {
      try {
        const bytes = await this.parts.readChunk(file, index, signal);
        if (this.playing === file) this.readProblem = undefined;
        return bytes;
      } catch (error) {
        if (!signal.aborted && this.playing === file) this.readProblem = error instanceof Error ? error.message : String(error);
        throw error;
      }
    });
    if (this.playing !== file) {
      registration?.release();
      return undefined;
    }
    this.registration?.release();
    this.registration = registration;
    return registration;
  }
}
