import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { defaultDataDir, SANDBOX } from '../../lib/data-files';
import { issueLocalhostCertificate, loadOrCreateDevCa } from '../../dev/dev-ca';
import { segment } from '../client';
import type { SubscribedView } from '../commands/subscriptions';
import { ApiError, CliError, usageError } from '../errors';
import { action, type ActionScope, type CliContext } from '../action';
import { DEFAULT_URL } from '../settings';
import { describeReceived, Inbox } from './inbox';
import { LocalReceiver } from './local-receiver';

interface ListenOptions {
  port: number;
  forward?: string;
  forwardUnverified?: boolean;
  eventType?: string[];
}

export const DEFAULT_LISTEN_PORT = 4443;
const LISTEN_PATH = '/webhooks';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port number (0-65535; 0 picks a free one)');
  return port;
}

function checkForward(url: string | undefined): void {
  if (url === undefined) return;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw usageError(`--forward must be an http:// or https:// URL (got ${url})`);
}

/** A subscribe refused because the environment may not reach localhost says how to allow it. */
function subscribeFailed(err: unknown, environment: string): unknown {
  if (!(err instanceof ApiError) || err.code !== 'private_target') return err;
  return new CliError(
    `environment ${environment} does not allow private targets, so it cannot deliver to localhost. ` +
      `Allow them with: plude environments update ${environment} --allow-private-targets (admin token), or listen in the sandbox environment.`,
  );
}

export function registerListen(program: Command, context: CliContext): void {
  program
    .command('listen')
    .summary('receive notifications on localhost, verify them, print a line for each')
    .description(
      'receive notifications on this machine: an HTTPS receiver on localhost (certificate from the data folder’s development CA), ' +
        'subscribed in the environment, that verifies each signature and prints a line per notification. Ctrl-C deletes the subscription.',
    )
    .option('--port <port>', 'the HTTPS port on localhost', parsePort, DEFAULT_LISTEN_PORT)
    .option('--forward <url>', 'pass each verified notification on to this URL (body and headers as they came) and answer with its status code')
    .option('--forward-unverified', 'with --forward, also pass on POSTs whose signature did not verify (any local process can send them)')
    .option('--event-type <type...>', 'only these event types (every type by default)')
    .action(action<[], ListenOptions>(context, listen));
}

async function listen(scope: ActionScope<ListenOptions>): Promise<void> {
  const { client, out, settings, io, options } = scope;
  settings.token(); // no token: say so before anything starts
  checkForward(options.forward);
  if (options.forwardUnverified) {
    if (!options.forward) throw usageError('--forward-unverified goes with --forward <url>');
    io.stderr(
      `Warning: --forward-unverified passes on POSTs whose signature did not verify: any process on this machine can then send ${options.forward} what it likes.\n`,
    );
  }

  const ca = await loadOrCreateDevCa(settings.dataDir);
  if (ca.replaced) out.say(`Replaced the development CA in ${path.dirname(ca.certFile)} (${ca.replaced}): restart npm start to trust the new one.`);
  else if (ca.created) out.say(`Generated a development CA in ${path.dirname(ca.certFile)}: npm start trusts it from its next start.`);
  let inbox: Inbox | undefined;
  const receiver = await LocalReceiver.start({
    port: options.port,
    tls: await issueLocalhostCertificate(ca),
    async handle(request) {
      if (request.method !== 'POST') return { status: 200, body: 'plude listen receives notifications here (POST)\n' };
      if (!inbox) return { status: 503, body: 'not subscribed yet' };
      const { answer, received } = await inbox.receive(request.headers, request.body);
      out.event({ ...received, at: received.at.toISOString() }, describeReceived(received));
      return answer;
    },
  });
  // From here on a Ctrl-C ends with the subscription deleted (one during the subscribe, once it is made).
  let interrupted = false;
  let wake = () => {};
  const stopListening = io.onInterrupt(() => {
    interrupted = true;
    stopListening(); // a second Ctrl-C ends the process at once
    wake();
  });
  let subscriptionId: string | undefined;
  try {
    const url = `https://localhost:${receiver.port}${LISTEN_PATH}`;
    const body = { url, ...(options.eventType ? { eventTypes: options.eventType } : {}) };
    const subscribed = await client.api<SubscribedView>('PUT', '/webhooks/subscribe', { body }).catch((err: unknown) => {
      throw subscribeFailed(err, settings.environment);
    });
    subscriptionId = subscribed.id;
    inbox = new Inbox(subscribed.signatureKey, options.forward ? { url: options.forward, unverified: options.forwardUnverified } : undefined);
    ready(scope, url, subscribed);
    if (!interrupted) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    stopListening();
    await receiver.close();
  }
  await client.api('DELETE', `/webhooks/subscriptions/${segment(subscriptionId)}`);
  out.event({ stopped: true, subscriptionId, deleted: true }, `Stopped. Subscription ${subscriptionId} deleted.`);
}

/** The settings are plude's defaults: nothing set, the checkout's ./data. */
const onDefaults = ({ settings, io }: ActionScope<ListenOptions>) =>
  settings.url === DEFAULT_URL && settings.environment === SANDBOX && settings.dataDir === path.resolve(io.cwd, defaultDataDir);

function ready(scope: ActionScope<ListenOptions>, url: string, subscribed: SubscribedView): void {
  const { out, settings, options } = scope;
  const types = subscribed.eventTypes.length === 0 ? 'every event type' : subscribed.eventTypes.join(', ');
  out.event(
    {
      listening: url,
      environment: settings.environment,
      subscriptionId: subscribed.id,
      signatureKey: subscribed.signatureKey,
      forward: options.forward ?? null,
    },
    [
      `Ready. Receiving notifications at ${url}`,
      `  subscription ${subscribed.id} in environment ${settings.environment}, for ${types}`,
      `  signature key ${subscribed.signatureKey}`,
      ...(options.forward
        ? [`  forwarding each ${options.forwardUnverified ? 'one, verified or NOT,' : 'verified one'} to ${options.forward}, answering with its status code`]
        : []),
      // Only where the same command, typed elsewhere, finds the same settings.
      ...(onDefaults(scope)
        ? ['  Publish an event from another terminal, in this folder: npx plude events publish invoice.paid --data \'{"invoice": "in_42", "amount": 4200}\'']
        : []),
      '  Ctrl-C stops, and deletes the subscription.',
    ].join('\n'),
  );
}
