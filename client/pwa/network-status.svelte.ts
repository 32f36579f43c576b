/** Whether the browser has a network at all (navigator.onLine), as reactive state for the UI. */
class NetworkStatus {
  isOnline = $state(navigator.onLine);

  constructor() {
    window.addEventListener('online', () => (this.isOnline = true));
    window.addEventListener('offline', () => (this.isOnline = false));
  }
}

export const networkStatus = new NetworkStatus();
