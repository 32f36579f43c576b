/** What a peer tells the tracker about a file it holds, taken from its stored record. */
import type { FileAnnouncement } from '../protocol/tracker-messages';
import type { FileRecord } from './chunk-store';

export function announcementOf(record: FileRecord): FileAnnouncement {
  return {
    contentId: record.contentId,
    name: record.name,
    size: record.manifest.size,
    mimeType: record.mimeType,
    chunkSizeBytes: record.manifest.chunkSizeBytes,
  };
}
