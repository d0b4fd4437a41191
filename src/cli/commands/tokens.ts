import type { Command } from 'commander';
import { segment } from '../client';
import { fields, table } from '../output';
import { action, type CliContext } from '../action';

interface IssuedToken {
  token: string;
  id: string;
  environmentId: string;
  scopes: string[];
  createdAt: string;
}

interface TokenSummary {
  id: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `a,b, c` as a list of names, the empty ones left out. */
export const scopeList = (text: string) =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

const tokensOf = (environment: string) => `/admin/environments/${segment(environment)}/tokens`;

export function registerTokens(program: Command, context: CliContext): void {
  const tokens = program.command('tokens').description("an environment's API tokens (admin token); the environment is --environment / PLUDE_ENVIRONMENT");

  tokens
    .command('create')
    .description('issue an API token, shown once (POST /admin/environments/:id/tokens)')
    .option('--scopes <scopes>', 'comma-separated: subscriptions (the integrator’s), publish; default subscriptions')
    .action(
      action<[], { scopes?: string }>(context, async ({ client, out, settings, options }) => {
        const body = options.scopes === undefined ? undefined : { scopes: scopeList(options.scopes) };
        const issued = await client.admin<IssuedToken>('POST', tokensOf(settings.environment), { body });
        out.result(issued, () => [
          ...fields([
            ['token', issued.token],
            ['id', issued.id],
            ['environment', issued.environmentId],
            ['scopes', issued.scopes.join(', ')],
            ['created', issued.createdAt],
          ]),
          '',
          'The token is shown this once: only its hash is stored.',
        ]);
      }),
    );

  tokens
    .command('list')
    .description("list the environment's tokens, never the tokens themselves (GET /admin/environments/:id/tokens)")
    .action(
      action<[]>(context, async ({ client, out, settings }) => {
        const listed = await client.admin<TokenSummary[]>('GET', tokensOf(settings.environment));
        out.result(listed, () =>
          listed.length === 0
            ? `environment ${settings.environment} has no tokens`
            : table(
                ['ID', 'PREFIX', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'],
                listed.map((t) => [t.id, t.prefix, t.scopes.join(','), t.createdAt, t.lastUsedAt, t.revokedAt]),
              ),
        );
      }),
    );

  tokens
    .command('revoke <tokenId>')
    .description('revoke a token (DELETE /admin/environments/:id/tokens/:tokenId)')
    .action(
      action<[string]>(context, async ({ client, out, settings }, tokenId) => {
        await client.admin('DELETE', `${tokensOf(settings.environment)}/${segment(tokenId)}`);
        out.result({ id: tokenId, revoked: true }, () => `token ${tokenId} revoked`);
      }),
    );
}
