/** Search over the network's file index. The last query is re-run whenever the index changes,
 * so results follow peers joining, leaving and sharing. */
import type { SearchResult } from '../../shared/protocol/tracker-messages';
import type { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import type { Alerts } from './alerts.svelte';

/** Index changes come in bursts (a peer announcing many files, several peers leaving); one refresh
 * per burst keeps the UI current without spending the tracker's per-peer search budget. */
const REFRESH_DEBOUNCE_MS = 300;

export class Search {
  results = $state<SearchResult[]>([]);
  total = $state(0);
  hasSearched = $state(false);
  isSearching = $state(false);
  lastQuery = $state('');

  private readonly tracker: TrackerConnection;
  private readonly alerts: Alerts;
  private latestRequest = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(tracker: TrackerConnection, alerts: Alerts) {
    this.tracker = tracker;
    this.alerts = alerts;
    tracker.onIndexChanged(() => {
      if (!this.hasSearched) return;
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => void this.run(this.lastQuery, { quiet: true }), REFRESH_DEBOUNCE_MS);
    });
  }

  async run(query: string, options: { quiet?: boolean } = {}): Promise<void> {
    const request = ++this.latestRequest;
    this.lastQuery = query;
    this.isSearching = true;
    try {
      const page = await this.tracker.search(query.trim());
      // A slower, older answer must not overwrite a newer one.
      if (request !== this.latestRequest) return;
      this.results = page.results;
      this.total = page.total;
      this.hasSearched = true;
    } catch (error) {
      if (!options.quiet) this.alerts.showError(error);
    } finally {
      if (request === this.latestRequest) this.isSearching = false;
    }
  }
}
