/**
 * The `shoal` command line: parses arguments with commander, runs one subcommand (or the
 * interactive menu without one), and turns any failure into a one-line message and an exit code.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { asShoalError, ShoalError } from '../shared/protocol/errors';
import { registerAdmin } from './commands/admin';
import { registerGet } from './commands/get';
import { addGlobalOptions } from './commands/global-options';
import { runMenu } from './commands/menu';
import { registerPeers } from './commands/peers';
import { registerSearch } from './commands/search';
import { registerServe } from './commands/serve';
import { registerShare } from './commands/share';
import { EXIT_CODES, exitCodeFor } from './exit-codes';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function buildProgram(): Command {
  const program = new Command('shoal')
    .description('Shoal peer-to-peer file sharing from the command line. Without a command: an interactive menu.')
    .version(packageJson.version, '-V, --version')
    .showSuggestionAfterError()
    .exitOverride();
  addGlobalOptions(program);
  registerShare(program);
  registerSearch(program);
  registerGet(program);
  registerPeers(program);
  registerServe(program, packageJson.version);
  registerAdmin(program);
  // Without a command: the menu. Extra words reach this action too, so an unknown command is caught here.
  program.allowExcessArguments(true).action(async (_options: unknown, command: Command) => {
    const [unknown] = command.args;
    if (unknown !== undefined) throw new ShoalError('BAD_REQUEST', `Unknown command '${unknown}'; see shoal --help`);
    await runMenu(command, '.');
  });
  for (const command of program.commands) command.exitOverride();
  return program;
}

function fail(error: unknown): never {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message (or the help / version text).
    process.exit(error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.badArguments);
  }
  const message = asShoalError(error).message.replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`shoal: ${message}\n`);
  if (process.env.SHOAL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(exitCodeFor(error));
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  fail(error);
}
