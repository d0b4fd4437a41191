import type { Command } from 'commander';
import { segment } from '../client';
import { jsonOption } from '../json-input';
import { fields, table } from '../output';
import { action, type CliContext } from '../action';

interface EventTypeView {
  name: string;
  description?: string;
  schema?: unknown;
  example?: unknown;
}

/** The platform's catalog: `list` reads it as an environment does (API token), `put` declares with the admin token. */
export function registerEventTypes(program: Command, context: CliContext): void {
  const eventTypes = program
    .command('event-types')
    .description("the platform's catalog of event types, the same in every environment (list: integrator token; put, archive: service token)");

  eventTypes
    .command('list')
    .description('list the event types (GET /webhooks/event-types, API token)')
    .action(
      action<[]>(context, async ({ client, out }) => {
        const answer = await client.api<{ items: EventTypeView[] }>('GET', '/webhooks/event-types');
        const { items } = answer;
        out.result(answer, () =>
          items.length === 0
            ? 'no event types'
            : table(
                ['NAME', 'DESCRIPTION'],
                items.map((t) => [t.name, t.description]),
              ),
        );
      }),
    );

  eventTypes
    .command('put <name>')
    .description('describe an event type for every environment, creating or replacing it (PUT /event-types/:name, service token)')
    .requiredOption('--description <text>', 'what the event means, for integrators')
    .option('--schema <json>', "a JSON Schema of the event's data, or @schema.json")
    .option('--example <json>', 'an example of its data, or @example.json')
    .action(
      action<[string], { description: string; schema?: string; example?: string }>(context, async ({ client, out, options }, name) => {
        const members = [`"description":${JSON.stringify(options.description)}`];
        if (options.schema !== undefined) members.push(`"schema":${jsonOption('--schema', options.schema)}`);
        if (options.example !== undefined) members.push(`"example":${jsonOption('--example', options.example, 'any')}`);
        const saved = await client.service<EventTypeView | undefined>('PUT', `/event-types/${segment(name)}`, { jsonText: `{${members.join(',')}}` });
        out.result(saved ?? { name, description: options.description }, () =>
          fields([
            ['event type', saved?.name ?? name],
            ['description', saved?.description ?? options.description],
          ]),
        );
      }),
    );

  eventTypes
    .command('archive <name>')
    .description('archive an event type: it stays listed, and publishing it is refused (422) until it is put again (DELETE /event-types/:name, service token)')
    .action(
      action<[string]>(context, async ({ client, out }, name) => {
        await client.service('DELETE', `/event-types/${segment(name)}`);
        out.result({ name, archived: true }, () => `event type ${name} archived: publishing it is refused until plude event-types put ${name}`);
      }),
    );
}
