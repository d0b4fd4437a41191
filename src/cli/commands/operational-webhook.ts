import type { Command } from 'commander';
import { fields } from '../output';
import { action, type CliContext } from '../action';

/** PUT/GET /admin/operational-webhook (admin token). */
interface OperationalWebhook {
  url: string;
  signatureKey: string;
  allowPrivateTargets: boolean;
  status: string;
  disabledReason: string | null;
  createdAt: string;
}

const ROUTE = '/admin/operational-webhook';

const describe = (webhook: OperationalWebhook) =>
  fields([
    ['url', webhook.url],
    ['status', webhook.disabledReason === null ? webhook.status : `${webhook.status} (${webhook.disabledReason})`],
    ['signature key', webhook.signatureKey],
    ['private target', webhook.allowPrivateTargets ? 'allowed' : 'refused (unless ALLOW_PRIVATE_TARGETS=true)'],
    ['created', webhook.createdAt],
  ]);

/** The platform's one operational webhook: where it learns of disabled subscriptions, expiries and breakers. */
export function registerOperationalWebhook(program: Command, context: CliContext): void {
  const webhook = program.command('operational-webhook').description("the platform's own webhook for what happens to its tenants' deliveries (admin token)");

  webhook
    .command('set <url>')
    .description('register it, or change its URL keeping its key; a disabled one becomes active again (PUT /admin/operational-webhook)')
    .option('--allow-private-targets', 'the URL may be a private, loopback or link-local address')
    .action(
      action<[string], { allowPrivateTargets?: boolean }>(context, async ({ client, out, options }, url) => {
        const body = { url, ...(options.allowPrivateTargets ? { allowPrivateTargets: true } : {}) };
        const registered = await client.admin<OperationalWebhook>('PUT', ROUTE, { body });
        out.result(registered, () => [...describe(registered), '', 'Verify each operational notification with its signature key (Standard Webhooks).']);
      }),
    );

  webhook
    .command('get')
    .description('show it, its key and its status (GET /admin/operational-webhook)')
    .action(
      action<[]>(context, async ({ client, out }) => {
        const registered = await client.admin<OperationalWebhook>('GET', ROUTE);
        out.result(registered, () => describe(registered));
      }),
    );

  webhook
    .command('delete')
    .description('remove it; its pending operational notifications end cancelled (DELETE /admin/operational-webhook)')
    .action(
      action<[]>(context, async ({ client, out }) => {
        await client.admin('DELETE', ROUTE);
        out.result({ deleted: true }, () => 'operational webhook deleted');
      }),
    );
}
