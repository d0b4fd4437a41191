import { Command, CommanderError } from 'commander';
import type { CliContext } from './action';
import { registerEnvironments } from './commands/environments';
import { registerEvents } from './commands/events';
import { registerEventTypes } from './commands/event-types';
import { registerNotifications } from './commands/notifications';
import { registerOperationalWebhook } from './commands/operational-webhook';
import { registerPortal } from './commands/portal';
import { registerPurge } from './commands/purge';
import { registerRecover } from './commands/recover';
import { registerSubscriptions } from './commands/subscriptions';
import { registerServiceTokens } from './commands/service-tokens';
import { registerTokens } from './commands/tokens';
import { CliError, EXIT } from './errors';
import type { CliIo } from './io';
import { registerListen } from './listen/listen-command';

const HELP_FOOTER = `
Settings: flags first, then PLUDE_URL, PLUDE_TOKEN, PLUDE_SERVICE_TOKEN, PLUDE_ENVIRONMENT, PLUDE_ADMIN_TOKEN and
DATA_DIR. With none set, plude talks to http://127.0.0.1:3000 in environment "sandbox" and reads the tokens that
npm start keeps in ./data (admin-token, sandbox-token, service-token).

Tokens: events publish, events erase, event-types put and archive use the service token (scopes publish, catalog);
environments, tokens, service-tokens, portal, operational-webhook and purge the admin token (portal
--with-service-token: a service token holding the portal scope); listen, subscriptions, notifications, recover and
the other reads the integrator token (scope subscriptions).

Exit codes: 0 done, 1 failed (the API refused or could not be reached), 2 wrong usage.`;

export function buildProgram(context: CliContext): Command {
  const program = new Command('plude')
    .description('Operate plude-webhooks and receive its notifications locally, through its HTTP API.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.io.stdout(text), writeErr: (text) => context.io.stderr(text) })
    .showHelpAfterError('(add --help for usage)')
    .option('--url <url>', 'the API base URL (PLUDE_URL; default http://127.0.0.1:3000)')
    .option('--environment <id>', 'the environment (PLUDE_ENVIRONMENT; default sandbox)')
    .option('--token <token>', "the environment's integrator token (PLUDE_TOKEN; default: the data folder's sandbox-token)")
    .option('--service-token <token>', "a service token, to publish and declare event types (PLUDE_SERVICE_TOKEN; default: the data folder's service-token)")
    .option('--admin-token <token>', "the admin token (PLUDE_ADMIN_TOKEN; default: the data folder's admin-token)")
    .option('--data-dir <dir>', "npm start's data folder (DATA_DIR; default ./data)")
    .option('--json', 'print JSON for scripts instead of text')
    .addHelpText('after', HELP_FOOTER);
  registerListen(program, context);
  registerEvents(program, context);
  registerNotifications(program, context);
  registerSubscriptions(program, context);
  registerRecover(program, context);
  registerEventTypes(program, context);
  registerEnvironments(program, context);
  registerTokens(program, context);
  registerServiceTokens(program, context);
  registerPortal(program, context);
  registerOperationalWebhook(program, context);
  registerPurge(program, context);
  return program;
}

/** Runs one command line (without `node plude`); resolves to its exit code. */
export async function run(argv: string[], io: CliIo, options: { fetch?: typeof fetch } = {}): Promise<number> {
  const program = buildProgram({ io, fetch: options.fetch });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    // Commander has already said what was wrong (or shown the help that was asked for).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof CliError) {
      io.stderr(`plude: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`plude: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}
