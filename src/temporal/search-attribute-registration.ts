import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from './search-attributes';

const { IndexedValueType } = temporal.api.enums.v1;

/**
 * Makes sure the namespace knows the search attributes the workflows carry. Returns false when they are missing
 * and cannot be added (e.g. Temporal Cloud without admin rights): workflows then start without them.
 */
export async function ensureSearchAttributes(client: Client, namespace: string, warn: (message: string) => void): Promise<boolean> {
  const known = await client.connection.operatorService.listSearchAttributes({ namespace });
  const present = new Set(Object.keys({ ...known.customAttributes, ...known.systemAttributes }));
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !present.has(name));
  if (missing.length === 0) return true;
  try {
    const searchAttributes = Object.fromEntries(
      missing.map(([name, type]) => [name, IndexedValueType[`INDEXED_VALUE_TYPE_${type.toUpperCase()}` as keyof typeof IndexedValueType]]),
    );
    await client.connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    warn(
      `search attributes ${missing.map(([name]) => name).join(', ')} are not registered in namespace ${namespace} ` +
        `and could not be added (${(err as Error).message}); workflows start without them`,
    );
    return false;
  }
  await untilUsable(client, namespace, missing[0][0], warn);
  return true;
}

/**
 * A server takes new search attributes at once but its frontends only use them once their namespace cache refreshes
 * (2-10 s): until then a workflow start that carries them fails with "no mapping defined for search attribute"
 * (the chaos suite saw it on a fresh PostgreSQL-backed server). A visibility query on one of them is refused the
 * same way, so it tells when starts will pass; this waits for that, at most `timeoutMs`.
 */
async function untilUsable(client: Client, namespace: string, attribute: string, warn: (message: string) => void, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.connection.workflowService.countWorkflowExecutions({ namespace, query: `${attribute} = 'probe'` });
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        warn(`search attribute ${attribute} is registered but not yet usable after ${timeoutMs} ms (${(err as Error).message}); starting anyway`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
