/** The options every command shares (--tracker, --name, --data-dir, --network-key), checked at the door. */
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { ShoalError } from '../../shared/protocol/errors';
import { displayNameSchema } from '../../shared/protocol/tracker-messages';
import { DEFAULT_TRACKER_URL, defaultDataDir } from '../config';

export interface GlobalOptions {
  trackerUrl: string;
  name: string | undefined;
  dataDir: string;
  networkKey: string | undefined;
}

const trackerUrlSchema = z
  .string()
  .refine((text) => URL.canParse(text) && /^(https?|wss?):$/.test(new URL(text).protocol), {
    message: 'The tracker must be an http(s) URL, e.g. http://localhost:8080',
  });

const globalOptionsSchema = z.object({
  tracker: trackerUrlSchema.default(DEFAULT_TRACKER_URL),
  name: displayNameSchema.optional(),
  dataDir: z.string().min(1).optional(),
  networkKey: z.string().min(1).max(256).optional(),
});

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--tracker <url>', 'tracker to join', DEFAULT_TRACKER_URL)
    .option('--name <name>', 'display name on the network (default: user@host plus a piece of your key)')
    .option('--data-dir <dir>', 'where Shoal keeps its identity, library and hash cache (default: ~/.shoal)')
    .option('--network-key <key>', 'key of a private network, if its operator set one');
}

export function globalOptionsOf(command: Command): GlobalOptions {
  const parsed = globalOptionsSchema.safeParse(command.optsWithGlobals());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShoalError('BAD_REQUEST', `--${String(issue?.path[0] ?? 'option')}: ${issue?.message ?? 'not valid'}`);
  }
  const { tracker, name, dataDir, networkKey } = parsed.data;
  return {
    trackerUrl: tracker,
    name,
    dataDir: path.resolve(dataDir ?? defaultDataDir()),
    networkKey,
  };
}
