import { type Command, InvalidArgumentError } from 'commander';
import { segment } from '../client';
import { usageError } from '../errors';
import { fields } from '../output';
import { action, type CliContext } from '../action';

/** POST/GET/PATCH /admin/environments… (admin token). */
export interface Environment {
  id: string;
  allowPrivateTargets: boolean;
  defaultRateLimit: number | null;
  defaultMaxInFlight: number | null;
  /** The integrator portal's branding (null: the portal's own). */
  displayName?: string | null;
  accentColor?: string | null;
  logoUrl?: string | null;
  createdAt: string;
}

/** A gate default as a flag gives it: a number ≥ 0 (0: no limit), or `default` (sent as null: the platform's). */
export function parseGateDefault(value: string): number | 'default' {
  if (value === 'default') return value;
  const limit = Number(value);
  if (value.trim() === '' || !Number.isFinite(limit) || limit < 0) throw new InvalidArgumentError('a number ≥ 0 (0: no limit), or "default"');
  return limit;
}

/**
 * A PATCH body of the `names` whose flags were given: `default` sent as null (the platform's, or the environment's,
 * default again), the others as they are.
 */
export function patchOf<O extends object>(options: O, names: readonly (keyof O & string)[]): Record<string, unknown> {
  const given = names.filter((name) => options[name] !== undefined);
  return Object.fromEntries(given.map((name) => [name, options[name] === 'default' ? null : options[name]]));
}

const gateDefault = (value: number | null | undefined, unit: string) =>
  value === null || value === undefined ? 'the platform default' : value === 0 ? 'none' : `${value} ${unit}`;

const describe = (environment: Environment) =>
  fields([
    ['environment', environment.id],
    ['private targets', environment.allowPrivateTargets ? 'allowed' : 'refused (unless ALLOW_PRIVATE_TARGETS=true)'],
    ['default rate', gateDefault(environment.defaultRateLimit, 'a second')],
    ['default cap', gateDefault(environment.defaultMaxInFlight, 'in flight')],
    ['portal name', environment.displayName ?? `the environment's ID`],
    ['portal colour', environment.accentColor ?? "the portal's own"],
    ['portal logo', environment.logoUrl ?? 'none'],
    ['created', environment.createdAt],
  ]);

/** What `environments update` may change, as its flags give it (PATCH /admin/environments/:id's fields). */
interface EnvironmentChanges {
  allowPrivateTargets?: boolean;
  defaultRateLimit?: number | 'default';
  defaultMaxInFlight?: number | 'default';
  displayName?: string;
  accentColor?: string;
  logoUrl?: string;
}

const CHANGES: (keyof EnvironmentChanges)[] = ['allowPrivateTargets', 'defaultRateLimit', 'defaultMaxInFlight', 'displayName', 'accentColor', 'logoUrl'];

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
    .option(
      '--default-rate-limit <perSecond>',
      "deliveries a second to each subscription without a rateLimit of its own (0: none; default: the platform's)",
      parseGateDefault,
    )
    .option(
      '--default-max-in-flight <n>',
      "attempts in flight to each subscription without a maxInFlight of its own (0: none; default: the platform's)",
      parseGateDefault,
    )
    .option('--display-name <name>', 'the name its integrator portal shows, 1-100 characters ("default": its ID again)')
    .option('--accent-color <#rrggbb>', 'its portal\'s accent colour ("default": the portal\'s own again)')
    .option('--logo-url <url>', 'an https:// image its portal shows in the header ("default": none again)')
    .action(
      action<[string], EnvironmentChanges>(context, async ({ client, out, options }, id) => {
        const body = patchOf(options, CHANGES);
        if (Object.keys(body).length === 0)
          throw usageError(
            'nothing to change: give --[no-]allow-private-targets, --default-rate-limit, --default-max-in-flight, --display-name, --accent-color or --logo-url',
          );
        const environment = await client.admin<Environment>('PATCH', `/admin/environments/${segment(id)}`, { body });
        out.result(environment, () => describe(environment));
      }),
    );
}
