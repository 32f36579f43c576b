/**
 * The Node peer (`shoal` CLI and its REST API) and browser peers on one network, over real WebRTC:
 * files go both ways and arrive byte for byte.
 */
import path from 'node:path';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { runCli, runCliToEnd, type CliProcess } from '../cli/test-support/cli-process';
import { chunkCount, chunkLength, chunkSizeFor } from '../shared/content/chunking';
import { expect } from './fixtures';
import { test } from './cli-test';
import { downloadAndHash, resultRow, search, setLimit, share } from './peer-actions';
import { makeRandomFile, removeTestFiles, sha256OfFile } from './test-files';

const MiB = 1024 * 1024;

const createdDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-cli-'));
  createdDirs.push(dir);
  return dir;
}

test.afterAll(async () => {
  await Promise.all(createdDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  await removeTestFiles();
});

async function cliArgs(trackerUrl: string, ...args: string[]): Promise<string[]> {
  return ['--tracker', trackerUrl, '--data-dir', await tempDir(), ...args];
}

async function stop(cli: CliProcess): Promise<void> {
  cli.kill('SIGTERM');
  expect((await cli.waitForExit()).code).toBe(0);
}

test('a browser shares and the CLI downloads', async ({ tracker, peers }) => {
  const file = await makeRandomFile('from the browser.bin', 6 * MiB + 321);
  const [ana] = await peers('ana');
  await share(ana.page, file);

  const outDir = await tempDir();
  const result = await runCliToEnd(await cliArgs(tracker.url, 'get', file.name, '--out', outDir, '--json'), { timeoutMs: 120_000 });
  expect(result.code, result.stderr).toBe(0);
  const saved = JSON.parse(result.stdout) as { path: string; size: number };
  expect(saved).toMatchObject({ name: file.name, size: file.size, path: path.join(outDir, file.name) });
  expect(await sha256OfFile(saved.path)).toBe(file.sha256);
});

/** Indices of the chunks the journals under `dataDir` list as verified and written (see cli/node/partial-download.ts). */
async function journaledChunks(dataDir: string): Promise<number[]> {
  const libraryDir = path.join(dataDir, 'library');
  const journals = (await readdir(libraryDir).catch(() => [])).filter((name) => name.endsWith('.chunks'));
  const texts = await Promise.all(journals.map((name) => readFile(path.join(libraryDir, name), 'utf8').catch(() => '')));
  return texts.flatMap((text) => text.split('\n').filter(Boolean).map(Number));
}

test('a CLI download from a browser killed half-way with kill -9 resumes from what it verified', async ({ tracker, peers }) => {
  const file = await makeRandomFile('resumed by the cli.bin', 12 * MiB + 1234);
  const chunkBytes = chunkSizeFor(file.size);
  const totalChunks = chunkCount(file.size, chunkBytes);
  const [ana] = await peers('ana');
  await share(ana.page, file);
  // Slow enough (about 13 s for the file) that the kill lands half-way.
  await setLimit(ana.page, 'Upload limit', 1024);

  const outDir = await tempDir();
  const args = await cliArgs(tracker.url, 'get', file.name, '--out', outDir);
  const dataDir = args[args.indexOf('--data-dir') + 1] as string;
  const first = runCli(args);
  await expect.poll(async () => (await journaledChunks(dataDir)).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  first.kill('SIGKILL');
  expect((await first.waitForExit()).signal).toBe('SIGKILL');
  const kept = await journaledChunks(dataDir);
  expect(kept.length).toBeLessThan(totalChunks);
  // Chunks come rarest first, not in order: the short last one may be among them.
  const keptBytes = kept.reduce((sum, index) => sum + chunkLength(file.size, chunkBytes, index), 0);
  expect(await readdir(outDir)).toEqual([`${file.name}.shoal-partial`]);

  await setLimit(ana.page, 'Upload limit', 0);
  const second = await runCliToEnd(args, { timeoutMs: 120_000 });
  expect(second.code, second.stderr).toBe(0);
  // Its first progress line already counts the chunks kept on disk: they were not fetched again.
  const firstLine = /^[^\n]*: (\d+)%/m.exec(second.stdout);
  expect(firstLine, second.stdout).not.toBeNull();
  expect(Number(firstLine?.[1])).toBeGreaterThanOrEqual(Math.floor((keptBytes * 100) / file.size));
  expect(await readdir(outDir)).toEqual([file.name]);
  expect(await sha256OfFile(path.join(outDir, file.name))).toBe(file.sha256);
});

test('the CLI shares and a browser downloads', async ({ tracker, peers }) => {
  const file = await makeRandomFile('from the cli.bin', 6 * MiB + 777);
  const sharer = runCli(await cliArgs(tracker.url, '--name', 'cli-sharer', 'share', file.path));
  try {
    await sharer.waitForOutput(/Sharing 1 file as cli-sharer/);
    const [ben] = await peers('ben');
    await search(ben.page, 'cli');
    await expect(resultRow(ben.page, file.name)).toContainText('1 peer');
    expect(await downloadAndHash(ben.page, file.name)).toBe(file.sha256);
  } finally {
    await stop(sharer);
  }
});

test('a file uploaded through POST /share is found and downloaded by a browser', async ({ tracker, peers }) => {
  const file = await makeRandomFile('uploaded over rest.pdf', 2 * MiB + 5);
  const serve = runCli(await cliArgs(tracker.url, '--name', 'rest-daemon', 'serve', '--api-port', '0'));
  try {
    const [, apiUrl] = await serve.waitForOutput(/REST API on (http:\/\/127\.0\.0\.1:\d+)/);
    const form = new FormData();
    form.append('files', new Blob([await import('node:fs/promises').then((fs) => fs.readFile(file.path))]), file.name);
    const response = await fetch(`${apiUrl}/share`, { method: 'POST', body: form });
    expect(response.status).toBe(201);

    const [cleo] = await peers('cleo');
    await search(cleo.page, 'uploaded rest');
    await expect(resultRow(cleo.page, file.name)).toContainText('1 peer');
    expect(await downloadAndHash(cleo.page, file.name)).toBe(file.sha256);
  } finally {
    await stop(serve);
  }
});
