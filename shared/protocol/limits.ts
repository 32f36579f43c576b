/** Wire limits shared by the tracker and every peer: one place to read what a message may hold. */

/** Display names: short enough for a list row, long enough for "First Last (laptop)". */
export const NAME_MAX_CHARS = 40;

/** A file name longer than this is almost certainly not a real name; 255 is the common file-system limit. */
export const FILE_NAME_MAX_CHARS = 255;

/** Search queries are keywords, not documents. */
export const QUERY_MAX_CHARS = 200;

/** Default and largest search page: a page is rendered as one list, so keep it readable and cheap. */
export const SEARCH_DEFAULT_LIMIT = 100;
export const SEARCH_MAX_LIMIT = 500;

/** Files one announce may carry; a peer with more announces in batches. */
export const ANNOUNCE_MAX_FILES = 500;

/** An SDP offer with many candidates stays well under this; anything larger is hostile or broken. */
export const SIGNAL_MAX_BYTES = 64 * 1024;

/** 2^53 - 1: sizes are JS numbers; this is ~8 PiB, beyond any real file. */
export const FILE_SIZE_MAX_BYTES = Number.MAX_SAFE_INTEGER;

/** Files one shared folder may hold: its manifest stays a few MB at most. */
export const FOLDER_MAX_FILES = 10_000;

/** Inner file names a folder's announcement carries for search; a bigger folder is found by its first ones. */
export const FOLDER_MAX_INDEXED_NAMES = 1_000;
