import type { Command } from 'commander';
import { segment } from '../client';
import { fields, table } from '../output';
import { action, type CliContext } from '../action';
import { scopeList } from './tokens';

interface IssuedServiceToken {
  token: string;
  id: string;
  name: string;
  scopes: string[];
  environments: string[] | null;
  createdAt: string;
}

interface ServiceTokenSummary {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  environments: string[] | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const environmentsOf = (environments: string[] | null) => environments?.join(', ') ?? 'every environment';

/** The platform's service tokens (POST, GET, DELETE /admin/tokens), with the admin token. */
export function registerServiceTokens(program: Command, context: CliContext): void {
  const tokens = program
    .command('service-tokens')
    .description('service tokens, which publish events and declare event types in the environments they list (admin token)');

  tokens
    .command('create <name>')
    .description('issue a service token, shown once (POST /admin/tokens)')
    .option('--scopes <scopes>', 'comma-separated: publish, catalog, portal', 'publish,catalog')
    .option('--environments <ids>', 'comma-separated environments it may use; default: every environment, those created later included')
    .action(
      action<[string], { scopes: string; environments?: string }>(context, async ({ client, out, options }, name) => {
        const body = {
          name,
          scopes: scopeList(options.scopes),
          ...(options.environments === undefined ? {} : { environments: scopeList(options.environments) }),
        };
        const issued = await client.admin<IssuedServiceToken>('POST', '/admin/tokens', { body });
        out.result(issued, () => [
          ...fields([
            ['token', issued.token],
            ['id', issued.id],
            ['name', issued.name],
            ['scopes', issued.scopes.join(', ')],
            ['environments', environmentsOf(issued.environments)],
            ['created', issued.createdAt],
          ]),
          '',
          'The token is shown this once: only its hash is stored. Name the environment of each request in X-environment.',
        ]);
      }),
    );

  tokens
    .command('list')
    .description('list the service tokens, never the tokens themselves (GET /admin/tokens)')
    .action(
      action<[]>(context, async ({ client, out }) => {
        const listed = await client.admin<ServiceTokenSummary[]>('GET', '/admin/tokens');
        out.result(listed, () =>
          listed.length === 0
            ? 'no service tokens'
            : table(
                ['ID', 'NAME', 'PREFIX', 'SCOPES', 'ENVIRONMENTS', 'CREATED', 'LAST USED', 'REVOKED'],
                listed.map((t) => [t.id, t.name, t.prefix, t.scopes.join(','), environmentsOf(t.environments), t.createdAt, t.lastUsedAt, t.revokedAt]),
              ),
        );
      }),
    );

  tokens
    .command('revoke <tokenId>')
    .description('revoke a service token (DELETE /admin/tokens/:id)')
    .action(
      action<[string]>(context, async ({ client, out }, tokenId) => {
        await client.admin('DELETE', `/admin/tokens/${segment(tokenId)}`);
        out.result({ id: tokenId, revoked: true }, () => `service token ${tokenId} revoked`);
      }),
    );
}
