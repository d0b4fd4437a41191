import path from 'node:path';
import { DEFAULT_URL } from '../cli/settings';
import type { Kept } from './first-run';
import { defaultDataDir } from '../lib/data-files';

export interface BannerInput {
  apiUrl: string;
  temporalUiUrl: string | null;
  /** The generated admin token (none when ADMIN_TOKEN is set). */
  adminToken?: Kept<string>;
  /** The sandbox's integrator token (scope subscriptions). */
  sandbox?: Kept<string> & { environmentId: string };
  /** The platform's service token (publish and catalog, every environment). */
  serviceToken?: Kept<string>;
  /** The generated master key (none when ENCRYPTION_KEY or ENCRYPTION_KEY_FILE is set); its value is never shown. */
  masterKey?: Pick<Kept<unknown>, 'file' | 'created'>;
  /** The development CA that this process trusts for receivers and that `plude listen` issues its certificate from. */
  devCa?: { certFile: string; created: boolean };
  /** DATA_DIR as configured, and the folder npm start runs in: where `npx plude` works and finds the data folder. */
  dataDir?: string;
  cwd?: string;
}

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** A generated token is shown on the run that generated it only; later runs say where it is kept. */
const token = (kept: Kept<string>) => (kept.created ? `${kept.value}  (saved in ${kept.file}; shown on this first start only)` : `kept in ${kept.file}`);

/** `cd <checkout> && [PLUDE_URL=… DATA_DIR=…] npx plude`: what runs plude against this process from any terminal. */
function pludeCommand(apiUrl: string, dataDir: string, cwd: string): string {
  const settings: string[] = [];
  if (apiUrl !== DEFAULT_URL) settings.push(`PLUDE_URL=${shellQuote(apiUrl)}`);
  if (path.resolve(cwd, dataDir) !== path.resolve(cwd, defaultDataDir)) settings.push(`DATA_DIR=${shellQuote(path.resolve(cwd, dataDir))}`);
  return `cd ${shellQuote(cwd)} && ${[...settings, 'npx plude'].join(' ')}`;
}

/** What a new user needs to go straight on: where things are, the tokens, and the commands to paste. */
export function banner(input: BannerInput): string {
  const { apiUrl, temporalUiUrl, adminToken, sandbox, serviceToken, masterKey, devCa } = input;
  const lines = ['', 'plude-webhooks is ready', `  API:              ${apiUrl}`];
  if (temporalUiUrl) lines.push(`  Temporal Web UI:  ${temporalUiUrl}  (one workflow per notification; its ID is the notification ID)`);
  if (adminToken) lines.push(`  Admin token:      ${token(adminToken)}`);
  if (masterKey) {
    const where = masterKey.created ? `generated into ${masterKey.file}` : `kept in ${masterKey.file}`;
    lines.push(`  Master key:       ${where}  (it seals the signing keys: back it up with the database)`);
  }
  if (devCa) {
    const where = devCa.created ? `generated into ${devCa.certFile}` : `kept in ${devCa.certFile}`;
    lines.push(`  Development CA:   ${where}  (localhost only, trusted for environments that allow private targets; plude listen's certificates)`);
  }
  if (sandbox) {
    const bearer = sandbox.created ? sandbox.value : `$(cat ${shellQuote(sandbox.file)})`;
    const service = serviceToken ?? sandbox;
    const serviceBearer = service.created ? service.value : `$(cat ${shellQuote(service.file)})`;
    const plude = pludeCommand(apiUrl, input.dataDir ?? defaultDataDir, input.cwd ?? process.cwd());
    lines.push(
      `  Environment:      ${sandbox.environmentId}`,
      `  Integrator token: ${token(sandbox)}`,
      `                    scope subscriptions, environment ${sandbox.environmentId}: what an integrator holds, to subscribe its URL (plude listen, plude subscriptions)`,
    );
    if (serviceToken) {
      lines.push(
        `  Service token:    ${token(serviceToken)}`,
        '                    scopes publish and catalog, every environment: what the platform’s services hold, to publish events and declare their types (plude events publish, plude event-types put)',
      );
    }
    lines.push(
      '',
      'Receive notifications on this machine: in another terminal, run',
      `  ${plude} listen`,
      'It subscribes https://localhost:4443/webhooks and prints a line for each notification, with its signature verified.',
      '',
      'Then publish an event, from a third terminal:',
      `  ${plude} events publish invoice.paid --data '{"invoice": "in_42", "amount": 4200}'`,
      'or with curl:',
      `  curl -X POST -H "Content-Type: application/json" -H "Authorization: Bearer ${serviceBearer}" \\`,
      `      -H "X-environment: ${sandbox.environmentId}" -d '{ "type": "invoice.paid", "data": { "invoice": "in_42", "amount": 4200 } }' \\`,
      `      ${apiUrl}/events`,
      '',
      `Its event types: curl -H "Authorization: Bearer ${bearer}" -H "X-environment: ${sandbox.environmentId}" ${apiUrl}/webhooks/event-types`,
      `A receiver on a real host: ${plude} subscriptions create https://your-host.example/hooks (npx plude --help for more).`,
    );
  }
  return `${lines.join('\n')}\n`;
}
