/**
 * Every process of one benchmark Chromium (browser, zygotes, renderers, GPU, utility services) and
 * what each is, from /proc: its command line's `--type=` and `--utility-sub-type=` say. Linux only.
 */
import { readdir, readFile } from 'node:fs/promises';
import { rendererPids, type BenchBrowser } from '../bench-browsers';

export type ProcessKind = 'browser' | 'renderer' | 'gpu' | 'network' | 'storage' | 'utility' | 'zygote' | 'other';

export interface BrowserProcess {
  pid: number;
  kind: ProcessKind;
}

async function commandLineOf(pid: number): Promise<string[] | undefined> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  // Chromium rewrites a child's title with its arguments joined by spaces, so split on both.
  return text?.split(/[\0 ]/).filter((arg) => arg !== '');
}

async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the command name, which may hold spaces: state, then the parent's pid.
  const parent = stat === undefined ? Number.NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(parent) && parent > 0 ? parent : undefined;
}

export function kindOf(commandLine: readonly string[]): ProcessKind {
  const flag = (name: string): string | undefined => commandLine.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const type = flag('type');
  if (type === undefined) return 'browser';
  if (type === 'renderer' || type === 'zygote') return type;
  if (type === 'gpu-process') return 'gpu';
  if (type !== 'utility') return 'other';
  const subType = flag('utility-sub-type') ?? '';
  if (subType.startsWith('network.')) return 'network';
  if (subType.startsWith('storage.')) return 'storage';
  return 'utility';
}

/** The browser process (the first ancestor of a renderer without `--type=`) and all it started. */
export async function browserProcessTree(bench: BenchBrowser): Promise<BrowserProcess[]> {
  const [renderer] = await rendererPids(bench);
  if (renderer === undefined) throw new Error('The benchmark browser has no renderer to start from');
  let browserPid: number | undefined = renderer;
  while (browserPid !== undefined && kindOf((await commandLineOf(browserPid)) ?? []) !== 'browser') browserPid = await parentOf(browserPid);
  if (browserPid === undefined) throw new Error(`No browser process above renderer ${renderer}`);

  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = await parentOf(Number(entry));
    if (parent === undefined) continue;
    const siblings = children.get(parent);
    if (siblings === undefined) children.set(parent, [Number(entry)]);
    else siblings.push(Number(entry));
  }
  const tree: BrowserProcess[] = [];
  const pending = [browserPid];
  for (let pid = pending.shift(); pid !== undefined; pid = pending.shift()) {
    const commandLine = await commandLineOf(pid);
    if (commandLine === undefined) continue; // ended meanwhile
    const kind = kindOf(commandLine);
    // Helpers the browser starts without `--type=` (the crash handler) are not the browser.
    tree.push({ pid, kind: kind === 'browser' && pid !== browserPid ? 'other' : kind });
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}
