/**
 * Registers the app-shell service worker (client/service-worker/sw.ts) in built apps. Browsers
 * allow service workers only on secure pages (HTTPS or localhost): on a tracker reached over plain
 * HTTP on a LAN the app works as before, it just does not open offline or install.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => {
    // Not fatal: the app runs without it, only without the offline shell.
    console.warn('Shoal could not register its service worker; the app will not open offline', error);
  });
}
