import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes, declared once: every plude workflow carries the IDs behind it, so that operators can
 * find a notification's or a recovery's workflows in the Web UI (`PludeEnvironment = 'sandbox'`). Registered on the
 * namespace at start-up (search-attribute-registration.ts; the dev server gets them on its command line).
 */
export const SEARCH_ATTRIBUTE_KEYS = {
  environment: defineSearchAttributeKey('PludeEnvironment', SearchAttributeType.KEYWORD),
  subscription: defineSearchAttributeKey('PludeSubscription', SearchAttributeType.KEYWORD),
  event: defineSearchAttributeKey('PludeEvent', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('PludeEventType', SearchAttributeType.KEYWORD),
};

export type SearchAttributeName = (typeof SEARCH_ATTRIBUTE_KEYS)[keyof typeof SEARCH_ATTRIBUTE_KEYS]['name'];

/** Name → type, as the dev server's command line and the operator service's registration take them. */
export const SEARCH_ATTRIBUTES = Object.fromEntries(Object.values(SEARCH_ATTRIBUTE_KEYS).map((key) => [key.name, 'Keyword'])) as Record<
  SearchAttributeName,
  'Keyword'
>;
