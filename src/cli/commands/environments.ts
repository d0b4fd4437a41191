import type { Command } from 'commander';
import { segment } from '../client';
import { usageError } from '../errors';
import { fields } from '../output';
import { action, type CliContext } from '../action';

/** POST/GET/PATCH /admin/environments… (admin token). */
export interface Environment {
  id: string;
  allowPrivateTargets: boolean;
  createdAt: string;
}

const describe = (environment: Environment) =>
  fields([
    ['environment', environment.id],
    ['private targets', environment.allowPrivateTargets ? 'allowed' : 'refused (unless ALLOW_PRIVATE_TARGETS=true)'],
    ['created', environment.createdAt],
  ]);

export function registerEnvironments(program: Command, context: CliContext): void {
  const environments = program.command('environments').description('create and inspect environments (admin token)');

  environments
    .command('create <id>')
    .description('create an environment (POST /admin/environments)')
    .option('--allow-private-targets', 'its subscriptions may target private, loopback and link-local addresses')
    .action(
      action<[string], { allowPrivateTargets?: boolean }>(context, async ({ client, out, options }, id) => {
        const body = { id, ...(options.allowPrivateTargets ? { allowPrivateTargets: true } : {}) };
        const created = await client.admin<Environment>('POST', '/admin/environments', { body });
        out.result(created, () => [...describe(created), '', `Give it an API token: plude tokens create --environment ${created.id}`]);
      }),
    );

  environments
    .command('get <id>')
    .description('show an environment and its settings (GET /admin/environments/:id)')
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const environment = await client.admin<Environment>('GET', `/admin/environments/${segment(id)}`);
        out.result(environment, () => describe(environment));
      }),
    );

  environments
    .command('update <id>')
    .description("change an environment's settings (PATCH /admin/environments/:id)")
    .option('--allow-private-targets', 'allow private, loopback and link-local targets')
    .option('--no-allow-private-targets', 'refuse them again')
    .action(
      action<[string], { allowPrivateTargets?: boolean }>(context, async ({ client, out, options }, id) => {
        if (options.allowPrivateTargets === undefined) throw usageError('nothing to change: give --allow-private-targets or --no-allow-private-targets');
        const body = { allowPrivateTargets: options.allowPrivateTargets };
        const environment = await client.admin<Environment>('PATCH', `/admin/environments/${segment(id)}`, { body });
        out.result(environment, () => describe(environment));
      }),
    );
}
