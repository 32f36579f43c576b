/**
 * A system notification when a download finishes while the person is not looking at Shoal (the
 * tab is hidden, or another window is in front). Permission is asked on the first Download click,
 * never on load: browsers (rightly) distrust pages that ask before the person did anything.
 */

let hasAsked = false;

function notificationsSupported(): boolean {
  return 'Notification' in window;
}

/** Call from the Download button's click handler: asks once, while the click still counts as the person's. */
export function askForDownloadNotifications(): void {
  if (hasAsked || !notificationsSupported() || Notification.permission !== 'default') return;
  hasAsked = true;
  Notification.requestPermission().catch(() => undefined);
}

function isOutOfSight(): boolean {
  return document.visibilityState === 'hidden' || !document.hasFocus();
}

/** Shows "Download finished" when allowed and the page is out of sight. */
export async function notifyDownloadFinished(download: { contentId: string; name: string }): Promise<void> {
  if (!notificationsSupported() || Notification.permission !== 'granted' || !isOutOfSight()) return;
  const options: NotificationOptions = {
    body: `${download.name} is ready in your downloads.`,
    icon: '/icons/icon-192.png',
    tag: `shoal-download-${download.contentId}`,
  };
  // Through the service worker where there is one: Chrome on Android allows only that way.
  const registration = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
  if (registration?.active) await registration.showNotification('Download finished', options);
  else new Notification('Download finished', options);
}
