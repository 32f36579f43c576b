/**
 * The page side of webm-in-page.ts: bundled with the generator and run in a page by
 * page.evaluate, it puts `shoalTestMedia` on the page, which generates WebM files and hands them on
 * (as a download, or into a file input) without copying them through the test process.
 */
import { generateWebm, removeGeneratedWebm, type WebmRequest } from './generate-webm';

/** What crosses back to the test process: everything about the file but its bytes. */
export interface GeneratedWebmInfo {
  name: string;
  sizeBytes: number;
  durationSeconds: number;
  frameCount: number;
  generateMs: number;
}

export interface TestMediaApi {
  generate(request: WebmRequest): Promise<GeneratedWebmInfo>;
  /** Starts a browser download of a generated file (the test saves it with Playwright's Download). */
  offerAsDownload(name: string): void;
  /** Puts a generated file into a file input and fires its events, as a person choosing it would. */
  putInFileInput(input: HTMLInputElement, name: string): void;
  remove(name: string): Promise<void>;
}

const files = new Map<string, File>();
const downloadUrls = new Map<string, string>();

function generatedFile(name: string): File {
  const file = files.get(name);
  if (file === undefined) throw new Error(`No generated video named '${name}' in this page`);
  return file;
}

const testMedia: TestMediaApi = {
  async generate(request) {
    const { file, durationSeconds, frameCount, generateMs } = await generateWebm(request);
    files.set(request.name, file);
    return { name: request.name, sizeBytes: file.size, durationSeconds, frameCount, generateMs };
  },
  offerAsDownload(name) {
    // The URL stays valid until remove(): the browser may still be reading it after the click.
    const url = downloadUrls.get(name) ?? URL.createObjectURL(generatedFile(name));
    downloadUrls.set(name, url);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  },
  putInFileInput(input, name) {
    const transfer = new DataTransfer();
    transfer.items.add(generatedFile(name));
    input.files = transfer.files;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  },
  async remove(name) {
    const url = downloadUrls.get(name);
    if (url !== undefined) URL.revokeObjectURL(url);
    downloadUrls.delete(name);
    files.delete(name);
    await removeGeneratedWebm(name);
  },
};

(globalThis as { shoalTestMedia?: TestMediaApi }).shoalTestMedia = testMedia;
