/** Transfer policy: the numbers that trade speed against memory and patience, each with its reason. */

/** WebRTC setup is signalling round trips through the tracker plus ICE checks; falling back to a
 * TURN relay on a bad network can take ~10 s, so give it a little more before calling a peer unreachable. */
export const CONNECT_TIMEOUT_MS = 15_000;

/** A request fails when its peer sends nothing towards our requests for this long. It is idle time,
 * not total time, because a 64 MiB chunk on a slow uplink may rightly take minutes; 10 s is many
 * round trips and longer than a GC pause or a throttled background tab. */
export const REQUEST_IDLE_TIMEOUT_MS = 10_000;

/** Each peer's request window (bytes of chunks asked for and not yet received) follows its measured
 * throughput: this much time of it, so the peer's serve queue never runs dry while our next request
 * crosses the network. Half a second covers round trips of a few hundred ms with room to spare,
 * yet a slow peer holds few chunks, so the end of a download does not wait on its backlog. */
export const PEER_WINDOW_TARGET_MS = 500;

/** A new peer's window, before its speed is known: 4 chunks of 1 MiB cover a 100 ms round trip at 40 MB/s. */
export const PEER_WINDOW_INITIAL_BYTES = 4 * 1024 * 1024;

/** A slow peer still gets this much (and always PIPELINE_DEPTH_MIN chunks), so a speed-up shows at once. */
export const PEER_WINDOW_MIN_BYTES = 1024 * 1024;

/** Chunks in flight to one peer at least, whatever their size: while it sends one, the next request
 * already waits in its queue, so no round trip passes idle between chunks (that gap costs a capped
 * or distant peer a good part of its speed). Memory does not double: the peer serves one at a time. */
export const PIPELINE_DEPTH_MIN = 2;

/** At most this much in flight to one peer: 16 MiB covers a 100 ms round trip at 160 MB/s, beyond
 * what a data channel does today. Chunk buffers are allocated only when their bytes start to
 * arrive (the peer serves one request at a time), so a wide window costs queued requests, not memory. */
export const PEER_WINDOW_MAX_BYTES = 16 * 1024 * 1024;

/** A peer's throughput, for its window, is averaged over this long: long enough to span a few
 * chunks, short enough to follow a peer that slows down. */
export const PEER_SPEED_WINDOW_MS = 2_000;

/** Requests in flight to one peer at most, whatever the chunk size. With chunks of at least 1 MiB
 * PEER_WINDOW_MAX_BYTES binds first; this bounds the request count under any other chunk policy. */
export const PIPELINE_DEPTH_MAX = 64;

/** Received chunks still being verified and stored, per download. Receiving goes on while the store
 * writes, but if the store falls this far behind we stop asking for more rather than pile up memory. */
export const UNWRITTEN_BYTES_MAX = 16 * 1024 * 1024;

/** Free chunk buffers a download keeps for its next chunks (chunk-buffer-pool.ts). A chunk's buffer
 * is busy while it arrives and while it is checked and stored; a handful covers that at full speed,
 * and 8 MiB is little beside the bytes in flight. */
export const CHUNK_BUFFERS_KEPT_BYTES = 8 * 1024 * 1024;

/** Serving: wait for the channel to drain once this much is queued. Chromium closes a data channel
 * whose send buffer passes 16 MiB; 4 MiB keeps the pipe full through a 40 ms pause of our event loop
 * (a GC, an IndexedDB read) at 100 MB/s, with a wide margin below that limit. */
export const SEND_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** What adapters should use as the channel's low-water mark (`bufferedAmountLowThreshold`): refill
 * while a quarter of the high-water mark is still queued, so the pipe never runs dry. */
export const SEND_LOW_WATER_BYTES = 1024 * 1024;

/** Serving reads and verifies the next chunks while it sends the current one, up to this many bytes
 * (at least one chunk): a store read that takes longer than sending one small chunk does not let
 * the channel run dry, and memory stays bounded whatever the chunk size. */
export const SERVE_READ_AHEAD_BYTES = 4 * 1024 * 1024;

/** Requests one peer may queue with us. A downloader keeps at most PIPELINE_DEPTH_MAX per file, so
 * this leaves room for a few files at once; more is a flood, refused so a hostile peer cannot grow
 * our memory (a queued request is a small object; only the one being sent and the next hold bytes). */
export const SERVE_QUEUE_MAX = 256;

/** Files one peer may ask us to tell it about (have-chunk) per link; the oldest interest is
 * forgotten beyond this, so a peer cannot grow our memory by asking about many files. */
export const REMOTE_INTERESTS_MAX = 1024;

/** Speed is averaged over this window: long enough to smooth chunk-sized bursts, short enough that
 * the number follows a real change (a peer leaving) within a few seconds. */
export const SPEED_WINDOW_MS = 5_000;

/** A download focused on a chunk (a media player's playhead) fetches the chunks from there on in
 * order, up to this many ahead, before going back to rarest first: 16 chunks (at least 16 MiB) is
 * tens of seconds of even a high-bitrate video, so playback runs on while the rest arrives, yet the
 * window is small enough that the swarm still gets the file's rare chunks from us soon. */
export const FOCUS_WINDOW_CHUNKS = 16;

/** Sharing keeps at most this many bytes read and hashed but not yet stored (at least one chunk):
 * several writes in flight let the store batch them into one transaction and keep it busy while the
 * next chunks are read and hashed, and memory stays bounded whatever the file size. */
export const SHARE_UNSTORED_BYTES_MAX = 8 * 1024 * 1024;

/** Progress is reported at most this often (2 Hz): the bar, speed and ETA still move steadily, and
 * each report costs a snapshot, an event and a re-render of every transfer row, on the cores the
 * transfer itself needs (issue 16's CPU budget). */
export const PROGRESS_INTERVAL_MS = 500;

/** While downloading, the holder list is asked for again this often, to add holders that appeared
 * (or came back); while waiting for any holder, too. A tracker query is cheap; 5 s feels prompt. */
export const HOLDER_POLL_INTERVAL_MS = 5_000;

/** How each holder is reached (direct or relayed, round trip) is read again this often for the
 * transfer's report: the round trip drifts, and each read asks the browser for the connection's stats. */
export const PATH_REFRESH_INTERVAL_MS = 5_000;

/** A path whose round trip is not measured yet (just after connecting) is read again this soon, as
 * the decision on extra links waits for it. */
export const RTT_UNKNOWN_RETRY_MS = 1_000;

/** Connections a download opens to one holder whose round trip is long (MULTI_LINK_RTT_MIN_MS),
 * spreading its requests over them. One SCTP association's loss-based congestion control stays far
 * below a long, slightly lossy link's capacity: about MSS / RTT / sqrt(loss). Between two Chromiums
 * over 40 ms on a 100 Mbit/s (11.9 MiB/s) link (`npm run bench:net -- --connections=...`), one
 * carried 1.1 MiB/s at 0.1 % loss and 0.5 at 0.5 %. Data channels on one connection share its
 * association, so only separate connections help: 4 carried 3.9 MiB/s, 8 6.1 and 16 8.5 at 0.1 %
 * (5.3 at 0.5 %, where 24 carried 7.6). 16 passes half the link at 0.1 % with a margin; each costs a
 * signalling exchange and a little memory on both sides, and is opened only after the first works. */
export const LINKS_PER_PEER = 16;

/** Connections one download opens to all its holders together, at most (besides late arrivals):
 * holders share it evenly, up to LINKS_PER_PEER each. Several holders are several associations
 * already, and each connection costs signals through the tracker, which limits their rate (300 at
 * once, then 100 a second): 8 holders at 16 connections each would send a thousand at once. */
export const LINKS_PER_DOWNLOAD_MAX = 32;

/** Extra connections to a peer that no download has used for this long are closed: long enough
 * for the next download from the same peer to find them open, short enough that a session meeting
 * many distant peers does not pile up connections (see extra-links.ts). */
export const EXTRA_LINKS_IDLE_MS = 30_000;

/** Extra connections only above this round trip: on a LAN one association fills the link, and on a
 * short path loss recovery is quick enough that more connections cost more than they bring. */
export const MULTI_LINK_RTT_MIN_MS = 10;

/** Holders one download fetches from at once: beyond ~8 the gain in speed is small and each peer
 * costs a connection, its request window and its share of the end game's duplicate requests. */
export const PEERS_PER_DOWNLOAD_MAX = 8;

/** A holder that failed for a reason that may pass (unreachable, stopped answering, no longer has
 * the file) is tried again after this back-off, doubled at each further failure up to the maximum.
 * A holder that sent bad data is never asked again for that file. */
export const HOLDER_RETRY_BACKOFF_MS = 5_000;
export const HOLDER_RETRY_BACKOFF_MAX_MS = 60_000;

/** When the connected peers have none of the chunks still missing (partial seeders behind us) for
 * this long, the download shows 'waiting'; shorter gaps are normal while they fetch their next one. */
export const STARVED_GRACE_MS = 3_000;

/** A rate limit lets this much time's worth of bytes through at once after a quiet spell (and at
 * most a chunk): enough to absorb the late timer wake-ups of a busy tab while bytes flow, small
 * enough that the cap holds from the first byte and that a seeder its downloader kept idle does
 * not catch up in a burst (at 250 ms, four 2 MiB/s seeders read 4.07x one over a 4 s window). */
export const RATE_LIMIT_BURST_MS = 50;

/** Under an upload limit a chunk's blocks are cut to carry at most this much time's worth of the
 * limit (at least 1 KiB), so even at 1 KiB/s bytes keep arriving well within REQUEST_IDLE_TIMEOUT_MS. */
export const RATE_LIMITED_BLOCK_MS = 250;
