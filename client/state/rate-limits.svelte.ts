/** Upload and download limits in KiB/s (0 = unlimited), remembered across reloads. */
import type { LinkPool } from '../../shared/engine/link-pool';

const UPLOAD_KEY = 'shoal.uploadLimitKiBps';
const DOWNLOAD_KEY = 'shoal.downloadLimitKiBps';

function savedLimit(key: string): number {
  const value = Number(localStorage.getItem(key) ?? '0');
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

export class RateLimits {
  uploadKiBps = $state(savedLimit(UPLOAD_KEY));
  downloadKiBps = $state(savedLimit(DOWNLOAD_KEY));

  private readonly pool: LinkPool;

  constructor(pool: LinkPool) {
    this.pool = pool;
    this.apply();
  }

  setUpload(kiBps: number): void {
    this.uploadKiBps = sanitize(kiBps);
    localStorage.setItem(UPLOAD_KEY, String(this.uploadKiBps));
    this.apply();
  }

  setDownload(kiBps: number): void {
    this.downloadKiBps = sanitize(kiBps);
    localStorage.setItem(DOWNLOAD_KEY, String(this.downloadKiBps));
    this.apply();
  }

  private apply(): void {
    this.pool.setUploadLimit(this.uploadKiBps * 1024);
    this.pool.setDownloadLimit(this.downloadKiBps * 1024);
  }
}

function sanitize(kiBps: number): number {
  return Number.isFinite(kiBps) && kiBps > 0 ? Math.floor(kiBps) : 0;
}
