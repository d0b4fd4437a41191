import type { Kept } from './first-run';

export interface BannerInput {
  apiUrl: string;
  temporalUiUrl: string | null;
  /** The generated admin token (none when ADMIN_TOKEN is set). */
  adminToken?: Kept<string>;
  sandbox?: Kept<string> & { environmentId: string };
  /** The generated master key (none when ENCRYPTION_KEY is set); its value is never shown. */
  masterKey?: Pick<Kept<unknown>, 'file' | 'created'>;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A generated token is shown on the run that generated it only; later runs say where it is kept. */
const token = (kept: Kept<string>) =>
  kept.created ? `${kept.value}  (saved in ${kept.file}; shown on this first start only)` : `kept in ${kept.file}`;

/** What a new user needs to go straight on: where things are, the tokens, and a subscribe command to paste. */
export function banner({ apiUrl, temporalUiUrl, adminToken, sandbox, masterKey }: BannerInput): string {
  const lines = ['', 'plude-webhooks is ready', `  API:              ${apiUrl}`];
  if (temporalUiUrl) lines.push(`  Temporal Web UI:  ${temporalUiUrl}  (one workflow per notification; its ID is the notification ID)`);
  if (adminToken) lines.push(`  Admin token:      ${token(adminToken)}`);
  if (masterKey) {
    const where = masterKey.created ? `generated into ${masterKey.file}` : `kept in ${masterKey.file}`;
    lines.push(`  Master key:       ${where}  (it seals the signing keys: back it up with the database)`);
  }
  if (sandbox) {
    const bearer = sandbox.created ? sandbox.value : `$(cat ${shellQuote(sandbox.file)})`;
    lines.push(
      `  Environment:      ${sandbox.environmentId}`,
      `  API token:        ${token(sandbox)}`,
      '',
      'Subscribe a notification URL:',
      `  curl -X PUT \\`,
      `      -H "Content-Type: application/json" \\`,
      `      -H "Authorization: Bearer ${bearer}" \\`,
      `      -H "X-environment: ${sandbox.environmentId}" \\`,
      `      -H "X-version: 2022-03" \\`,
      `      -d '{ "url" : "https://receiver.example/hooks" }' \\`,
      `      ${apiUrl}/webhooks/subscribe`,
      '',
      'Publish an event:',
      `  curl -X POST -H "Content-Type: application/json" -H "Authorization: Bearer ${bearer}" \\`,
      `      -H "X-environment: ${sandbox.environmentId}" -d '{ "type": "invoice.paid", "data": { "invoice": "in_42", "amount": 4200 } }' \\`,
      `      ${apiUrl}/events`,
      '',
      `Its event types: curl -H "Authorization: Bearer ${bearer}" -H "X-environment: ${sandbox.environmentId}" ${apiUrl}/webhooks/event-types`,
    );
  }
  return `${lines.join('\n')}\n`;
}
