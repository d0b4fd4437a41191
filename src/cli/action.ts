import type { Command } from 'commander';
import { PludeClient } from './client';
import type { CliIo } from './io';
import { Output } from './output';
import { type GlobalOptions, resolveSettings, type Settings } from './settings';

export interface CliContext {
  io: CliIo;
  /** The HTTP client's fetch (tests may pass their own); the global one by default. */
  fetch?: typeof fetch;
}

/** What a command's action gets: the client, where to print, the settings and its own options. */
export interface ActionScope<O = Record<string, unknown>> {
  client: PludeClient;
  out: Output;
  settings: Settings;
  io: CliIo;
  options: O;
}

/**
 * Wraps a command's action: commander calls it with the positional arguments, the options and the command; the
 * action gets its scope (made from the global options) and the positional arguments.
 */
export function action<A extends unknown[], O = Record<string, unknown>>(
  context: CliContext,
  run: (scope: ActionScope<O>, ...args: A) => Promise<void>,
): (...received: unknown[]) => Promise<void> {
  return async (...received) => {
    const command = received[received.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    const settings = resolveSettings(globals, context.io.env, context.io.cwd);
    const scope: ActionScope<O> = {
      client: new PludeClient(settings, context.fetch),
      out: new Output(context.io, globals.json === true),
      settings,
      io: context.io,
      options: command.opts<O & Record<string, unknown>>(),
    };
    await run(scope, ...(received.slice(0, -2) as A));
  };
}
