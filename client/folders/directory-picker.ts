/**
 * The directory picker of the File System Access API (`window.showDirectoryPicker`), which only
 * Chromium-based browsers have, and only on secure pages; "Save to folder…" is offered where it is.
 * TypeScript's DOM library leaves the picker out (it is not in every engine), hence the type here.
 */

interface DirectoryPickerOptions {
  /** 'readwrite' asks for write permission together with the choice. */
  mode?: 'read' | 'readwrite';
  id?: string;
}

type DirectoryPicker = (options?: DirectoryPickerOptions) => Promise<FileSystemDirectoryHandle>;

function directoryPicker(): DirectoryPicker | undefined {
  const picker: unknown = (window as Window & { showDirectoryPicker?: unknown }).showDirectoryPicker;
  return typeof picker === 'function' ? (picker as DirectoryPicker) : undefined;
}

export function canPickDirectory(): boolean {
  return typeof window !== 'undefined' && directoryPicker() !== undefined;
}

/** Asks the person for a directory to write into; undefined when they cancel the dialog.
 * Must run in a click handler: the picker needs the click's user activation. */
export async function pickDirectoryToWrite(): Promise<FileSystemDirectoryHandle | undefined> {
  const picker = directoryPicker();
  if (picker === undefined) throw new Error('This browser cannot save into a folder; use Download (ZIP) instead');
  try {
    return await picker.call(window, { mode: 'readwrite', id: 'shoal-save-folder' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return undefined;
    throw error;
  }
}
