/**
 * Socket.IO messages between a peer and the tracker. Every event a peer sends carries an
 * acknowledgement callback that receives `{ ok: true, ... }` or `{ ok: false, error }`.
 * The tracker parses each payload with these schemas before anything else sees it.
 */
import { z } from 'zod';
import { errorBodySchema } from './errors';
import { iceServerGrantSchema } from './ice-servers';
import {
  ANNOUNCE_MAX_FILES,
  FILE_NAME_MAX_CHARS,
  FOLDER_MAX_FILES,
  FOLDER_MAX_INDEXED_NAMES,
  NAME_MAX_CHARS,
  QUERY_MAX_CHARS,
  SEARCH_MAX_LIMIT,
} from './limits';

/** Trimmed display name, 1-40 characters. Uniqueness (case-insensitive) is the tracker's job. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a display name')
  .max(NAME_MAX_CHARS, `A display name has at most ${NAME_MAX_CHARS} characters`);

/** Content ids are lowercase hex SHA-256 digests of the file's manifest. */
export const contentIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'A content id is 64 lowercase hex characters');

export const peerIdSchema = z.string().min(1).max(64);

/** base64 of a raw P-256 public key (65 bytes → 88 characters); see shared/identity/peer-keys.ts. */
export const publicKeySchema = z.string().min(1).max(128);
/** base64 of a 64-byte ECDSA signature (88 characters). */
export const signatureSchema = z.string().min(1).max(128);

/** A file name is shown as text and never used as a path by the tracker. */
export const fileNameSchema = z
  .string()
  .min(1, 'A file needs a name')
  .max(FILE_NAME_MAX_CHARS, `A file name has at most ${FILE_NAME_MAX_CHARS} characters`)
  // Control characters have no business in a displayed name and confuse terminals.
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'A file name may not contain control characters');

/** What a folder's announcement adds (see folder-manifest.ts): how many files, their total size
 * (optional: peers from before it was added leave it out), and inner names for search. */
export const folderAnnouncementSchema = z.object({
  fileCount: z.number().int().min(1).max(FOLDER_MAX_FILES),
  totalSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  innerNames: z.array(fileNameSchema).max(FOLDER_MAX_INDEXED_NAMES),
});
export type FolderAnnouncement = z.infer<typeof folderAnnouncementSchema>;

export const fileAnnouncementSchema = z.object({
  contentId: contentIdSchema,
  name: fileNameSchema,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  mimeType: z.string().max(255).default('application/octet-stream'),
  chunkSizeBytes: z.number().int().min(1).max(64 * 1024 * 1024),
  /** Present when this file is a folder manifest (see folder-manifest.ts): search also finds it by inner names. */
  folder: folderAnnouncementSchema.optional(),
});
export type FileAnnouncement = z.infer<typeof fileAnnouncementSchema>;

export const peerSummarySchema = z.object({
  id: peerIdSchema,
  name: z.string(),
  files: z.number().int().min(0),
  /** The key the tracker verified at join, so peers can remember it and notice a change. */
  publicKey: publicKeySchema,
  /** Short form of the key for people to compare ("1a2b 3c4d 5e6f 7a8b"). */
  fingerprint: z.string(),
});
export type PeerSummary = z.infer<typeof peerSummarySchema>;

export const holderSchema = z.object({ id: peerIdSchema, name: z.string() });
export type Holder = z.infer<typeof holderSchema>;

/**
 * One search hit: a file (grouped by content id) and every online peer that holds it. A folder's
 * hit says how many files it holds (`fileCount`) and, when its sharer said, their total size
 * (`totalSize`; `size` is its manifest's); its inner names stay in the tracker.
 */
export const searchResultSchema = fileAnnouncementSchema.omit({ folder: true }).extend({
  holders: z.array(holderSchema),
  fileCount: z.number().int().min(1).optional(),
  totalSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

/** The result fields an announcement gives: itself without the folder's inner names, plus its file
 * count and total size. */
export function resultFieldsOf(file: FileAnnouncement): Omit<SearchResult, 'holders'> {
  const { folder, ...fields } = file;
  if (folder === undefined) return fields;
  return { ...fields, fileCount: folder.fileCount, ...(folder.totalSize !== undefined ? { totalSize: folder.totalSize } : {}) };
}

/** The text search matches an announcement against: its name, and for a folder its inner names. */
export function searchTextOf(file: FileAnnouncement): string {
  return file.folder === undefined ? file.name : [file.name, ...file.folder.innerNames].join('\n');
}

// ---- peer -> tracker requests -------------------------------------------------------------

/** Challenge: asks for a one-time nonce to sign in `join`; carries nothing. */
export const challengeRequestSchema = z.object({}).optional();
export type ChallengeRequest = z.infer<typeof challengeRequestSchema>;

/** Join: the name, the peer's public key, and its signature of `joinChallengeText(nonce, name)`
 * for the nonce from the `challenge` event; plus the operator's network key when one is set. */
export const joinRequestSchema = z.object({
  name: displayNameSchema,
  publicKey: publicKeySchema,
  signature: signatureSchema,
  networkKey: z.string().max(256).optional(),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const announceRequestSchema = z.object({
  files: z.array(fileAnnouncementSchema).min(1).max(ANNOUNCE_MAX_FILES),
});
export type AnnounceRequest = z.infer<typeof announceRequestSchema>;

export const withdrawRequestSchema = z.object({
  contentIds: z.array(contentIdSchema).min(1).max(ANNOUNCE_MAX_FILES),
});
export type WithdrawRequest = z.infer<typeof withdrawRequestSchema>;

export const searchRequestSchema = z.object({
  /** Keywords separated by white space; every word must appear in the name. Blank lists every file. */
  query: z.string().max(QUERY_MAX_CHARS).default(''),
  limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT).optional(),
  offset: z.number().int().min(0).default(0),
});
export type SearchRequest = z.input<typeof searchRequestSchema>;

/**
 * simple-peer signal payloads (offer, answer, ICE candidate, renegotiation). They are opaque to
 * the tracker; its only checks are shape and size (see SIGNAL_MAX_BYTES).
 */
export const signalDataSchema = z.looseObject({
  type: z.string().max(32).optional(),
  sdp: z.string().max(60_000).optional(),
  candidate: z.unknown().optional(),
  /** On offers and answers: the sender's signature of `signalAuthText(session, sdp)`. */
  auth: signatureSchema.optional(),
});
export type SignalData = z.infer<typeof signalDataSchema>;

export const holdersRequestSchema = z.object({ contentId: contentIdSchema });
export type HoldersRequest = z.infer<typeof holdersRequestSchema>;

export const signalRequestSchema = z.object({
  to: peerIdSchema,
  /** Identifies one connection attempt, so two peers can tell crossed offers apart. */
  connectionId: z.string().min(1).max(64),
  data: signalDataSchema,
});
export type SignalRequest = z.infer<typeof signalRequestSchema>;

// ---- tracker -> peer acknowledgements and pushes ------------------------------------------

export const failureSchema = z.object({ ok: z.literal(false), error: errorBodySchema });
export type Failure = z.infer<typeof failureSchema>;

export const challengeAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), nonce: z.string().min(16).max(128) }),
  failureSchema,
]);
export type ChallengeAck = z.infer<typeof challengeAckSchema>;

export const joinedPeerSchema = holderSchema.extend({ fingerprint: z.string() });
export type JoinedPeer = z.infer<typeof joinedPeerSchema>;

/** A join's answer carries the ICE servers to connect with; TURN entries hold credentials that expire. */
export const joinAckSchema = z.discriminatedUnion('ok', [
  iceServerGrantSchema.extend({ ok: z.literal(true), peer: joinedPeerSchema }),
  failureSchema,
]);
export type JoinAck = z.input<typeof joinAckSchema>;

/** Fresh ICE servers, asked for before the TURN credentials from the join run out. */
export const iceServersAckSchema = z.discriminatedUnion('ok', [
  iceServerGrantSchema.extend({ ok: z.literal(true) }),
  failureSchema,
]);
export type IceServersAck = z.input<typeof iceServersAckSchema>;

export const okAckSchema = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), failureSchema]);
export type OkAck = z.infer<typeof okAckSchema>;

export const searchAckSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** How many files match in all, so a client can page with offset/limit. */
    total: z.number().int().min(0),
    results: z.array(searchResultSchema),
  }),
  failureSchema,
]);
export type SearchAck = z.infer<typeof searchAckSchema>;

export const holdersAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), file: searchResultSchema.nullable() }),
  failureSchema,
]);
export type HoldersAck = z.infer<typeof holdersAckSchema>;

/**
 * Peer-list changes are numbered by the tracker (one counter per tracker process). A snapshot says
 * which change it reflects; a peer skips deltas numbered at or below its snapshot's.
 */
const changeSeqSchema = z.number().int().min(0);

/** One page of the peer list, sent only to a peer that just joined; `pages` pages make the list. */
export const peersSnapshotPushSchema = z
  .object({
    seq: changeSeqSchema,
    page: z.number().int().min(0),
    pages: z.number().int().min(1),
    peers: z.array(peerSummarySchema),
  })
  .refine((push) => push.page < push.pages, 'A page number is below the page count');
export type PeersSnapshotPush = z.infer<typeof peersSnapshotPushSchema>;

/** One change to the peer list, pushed to every joined peer: a peer joined, left, or its file count changed. */
export const peersDeltaPushSchema = z.union([
  z.object({ seq: changeSeqSchema, joined: peerSummarySchema }),
  z.object({ seq: changeSeqSchema, left: peerIdSchema }),
  z.object({ seq: changeSeqSchema, files: z.object({ id: peerIdSchema, count: z.number().int().min(0) }) }),
]);
export type PeersDeltaPush = z.infer<typeof peersDeltaPushSchema>;

/** Changes that arrived within one batching window, in order (see signaling-server/delta-batches.ts). */
export const peersDeltasPushSchema = z.object({ deltas: z.array(peersDeltaPushSchema).min(1).max(100_000) });
export type PeersDeltasPush = z.infer<typeof peersDeltasPushSchema>;

export const signalPushSchema = z.object({
  from: peerIdSchema,
  fromName: z.string(),
  /** The sender's key as the tracker verified it at join; offers and answers must be signed by it. */
  fromPublicKey: publicKeySchema,
  connectionId: z.string().min(1).max(64),
  data: signalDataSchema,
});
export type SignalPush = z.infer<typeof signalPushSchema>;

/** Event names, in one place so neither side can misspell them. */
/** Pushed just before the tracker disconnects a peer on purpose (name revoked, key banned). */
export const removedPushSchema = z.object({ error: errorBodySchema });
export type RemovedPush = z.infer<typeof removedPushSchema>;

export const TRACKER_EVENTS = {
  /** Asks for a one-time nonce to sign in `join`. */
  challenge: 'challenge',
  join: 'join',
  announce: 'announce',
  withdraw: 'withdraw',
  search: 'search',
  /** Who holds one content id right now (a download re-asks this to fail over). */
  holders: 'holders',
  signal: 'signal',
  /** Renews the ICE servers (TURN credentials) a joined peer was given. */
  iceServers: 'ice-servers',
  /** Pushed to a peer that just joined: the online peer list, in pages. */
  peersSnapshot: 'peers-snapshot',
  /** Pushed to every joined peer: one change to the peer list (joined, left, file count). */
  peersDelta: 'peers-delta',
  /** Pushed to every joined peer: the changes of one batching window, in order. */
  peersDeltas: 'peers-deltas',
  /** Pushed: the file index changed (announce, withdraw, a peer left); clients refresh their search. */
  indexChanged: 'index-changed',
  /** Pushed: this peer is being disconnected by the operator, and why. */
  removed: 'removed',
} as const;

/** Typed Socket.IO event maps, for `Server<ClientToServer, ServerToClient>` and `Socket<ServerToClient, ClientToServer>`. */
export interface ClientToServerEvents {
  challenge: (request: unknown, ack: (response: ChallengeAck) => void) => void;
  join: (request: unknown, ack: (response: JoinAck) => void) => void;
  announce: (request: unknown, ack: (response: OkAck) => void) => void;
  withdraw: (request: unknown, ack: (response: OkAck) => void) => void;
  search: (request: unknown, ack: (response: SearchAck) => void) => void;
  holders: (request: unknown, ack: (response: HoldersAck) => void) => void;
  signal: (request: unknown, ack: (response: OkAck) => void) => void;
  'ice-servers': (request: unknown, ack: (response: IceServersAck) => void) => void;
}

export interface ServerToClientEvents {
  'peers-snapshot': (push: PeersSnapshotPush) => void;
  'peers-delta': (push: PeersDeltaPush) => void;
  'peers-deltas': (push: PeersDeltasPush) => void;
  signal: (push: SignalPush) => void;
  'index-changed': () => void;
  removed: (push: RemovedPush) => void;
}
