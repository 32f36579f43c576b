/**
 * `shoal admin ...`: the operator's membership commands, over the tracker's admin REST API
 * (needs the tracker's SHOAL_ADMIN_TOKEN, given as --admin-token or in the environment).
 */
import type { Command } from 'commander';
import { ShoalError } from '../../shared/protocol/errors';
import { adminAnswers, adminRequest, type AdminTarget, type Ban, type Registration } from './admin-client';
import { globalOptionsOf } from './global-options';

function targetOf(command: Command): AdminTarget {
  const { adminToken } = command.optsWithGlobals<{ adminToken?: string }>();
  const token = adminToken ?? process.env.SHOAL_ADMIN_TOKEN;
  if (!token) throw new ShoalError('BAD_REQUEST', 'Give the tracker\'s admin token with --admin-token or SHOAL_ADMIN_TOKEN');
  return { trackerUrl: globalOptionsOf(command).trackerUrl, token };
}

function print(value: unknown, asJson: boolean | undefined, text: () => string): void {
  process.stdout.write(asJson ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

function describeRegistration(entry: Registration): string {
  const flags = [entry.online ? 'online' : 'offline', ...(entry.banned ? ['banned'] : [])].join(', ');
  return `${entry.name}  key ${entry.fingerprint}  since ${entry.registeredAt}  (${flags})`;
}

function describeBan(ban: Ban): string {
  return `key ${ban.fingerprint}  banned ${ban.bannedAt}`;
}

/** A public key is long base64; anything else is taken as a fingerprint. */
function banTarget(key: string): { publicKey: string } | { fingerprint: string } {
  return key.length > 40 ? { publicKey: key } : { fingerprint: key };
}

export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description("manage who may join (needs the tracker's admin token)")
    .option('--admin-token <token>', 'the tracker\'s SHOAL_ADMIN_TOKEN (default: $SHOAL_ADMIN_TOKEN)');

  admin
    .command('registrations')
    .description('list registered names with their keys')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const answer = await adminRequest(targetOf(command), 'GET', '/api/admin/registrations', adminAnswers.registrations);
      print(answer, options.json, () =>
        answer.registrations.length === 0 ? 'No names are registered.' : answer.registrations.map(describeRegistration).join('\n'),
      );
    });

  admin
    .command('revoke <name>')
    .description('free a name; its peer is disconnected at once')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const path = `/api/admin/registrations/${encodeURIComponent(name)}`;
      const answer = await adminRequest(targetOf(command), 'DELETE', path, adminAnswers.revoked);
      print(answer, options.json, () => `Revoked '${answer.revoked.name}' (${answer.disconnected} connection(s) closed).`);
    });

  admin
    .command('ban <key>')
    .description('ban a key, by fingerprint or public key; its peer is disconnected at once')
    .option('--json', 'print JSON')
    .action(async (key: string, options: { json?: boolean }, command: Command) => {
      const answer = await adminRequest(targetOf(command), 'POST', '/api/admin/bans', adminAnswers.banned, banTarget(key));
      print(answer, options.json, () => `Banned key ${answer.ban.fingerprint} (${answer.disconnected} connection(s) closed).`);
    });

  admin
    .command('bans')
    .description('list banned keys')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const answer = await adminRequest(targetOf(command), 'GET', '/api/admin/bans', adminAnswers.bans);
      print(answer, options.json, () => (answer.bans.length === 0 ? 'No keys are banned.' : answer.bans.map(describeBan).join('\n')));
    });

  admin
    .command('unban <fingerprint>')
    .description('lift a ban')
    .option('--json', 'print JSON')
    .action(async (fingerprint: string, options: { json?: boolean }, command: Command) => {
      const path = `/api/admin/bans/${encodeURIComponent(fingerprint)}`;
      const answer = await adminRequest(targetOf(command), 'DELETE', path, adminAnswers.unbanned);
      print(answer, options.json, () => `Lifted the ban on key ${answer.unbanned.fingerprint}.`);
    });

  for (const command of [admin, ...admin.commands]) command.exitOverride();
}
