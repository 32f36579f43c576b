/** Triggers the browser's ordinary download of a Blob under the file's name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started once click() returns; the URL is kept a while for slow save dialogs.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
