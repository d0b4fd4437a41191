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
    return true;
  } catch (err) {
    warn(
      `search attributes ${missing.map(([name]) => name).join(', ')} are not registered in namespace ${namespace} ` +
        `and could not be added (${(err as Error).message}); workflows start without them`,
    );
    return false;
  }
}
