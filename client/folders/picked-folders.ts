/**
 * Folders a person picked ("Share folder", an <input webkitdirectory>) or dropped on the drop
 * zone, turned into a name and a list of files with their paths inside the folder. Paths come from
 * the browser and are checked again when the folder's manifest is built.
 */

export interface PickedFolder {
  name: string;
  files: { path: string; file: File }[];
}

/** Files from a directory input: `webkitRelativePath` is "<folder>/<path inside>". */
export function foldersOfDirectoryInput(files: readonly File[]): PickedFolder[] {
  const byName = new Map<string, PickedFolder>();
  for (const file of files) {
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    if (slash <= 0) continue;
    const name = relative.slice(0, slash);
    let folder = byName.get(name);
    if (folder === undefined) {
      folder = { name, files: [] };
      byName.set(name, folder);
    }
    folder.files.push({ path: relative.slice(slash + 1), file });
  }
  return [...byName.values()];
}

/** What a drop holds: folders (read through `webkitGetAsEntry`) and loose files. */
export async function readDrop(items: DataTransferItemList): Promise<{ folders: PickedFolder[]; files: File[] }> {
  // Entries must be taken synchronously, before the drop event's data goes away.
  const entries = Array.from(items)
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  const folders: PickedFolder[] = [];
  const files: File[] = [];
  for (const { entry, file } of entries) {
    if (entry?.isDirectory === true) {
      const folder: PickedFolder = { name: entry.name, files: [] };
      await collect(entry as FileSystemDirectoryEntry, '', folder.files);
      if (folder.files.length > 0) folders.push(folder);
    } else if (file !== null) {
      files.push(file);
    }
  }
  return { folders, files };
}

async function collect(directory: FileSystemDirectoryEntry, prefix: string, into: PickedFolder['files']): Promise<void> {
  for (const entry of await allEntries(directory)) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) await collect(entry as FileSystemDirectoryEntry, path, into);
    else if (entry.isFile) into.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
  }
}

/** readEntries answers in batches (100 in Chromium) until it answers an empty one. */
async function allEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}
