/** Custom search attributes registered on the Temporal namespace (dev server: at start-up). */
export const SEARCH_ATTRIBUTES = {
  PludeEnvironment: 'Keyword',
  PludeSubscription: 'Keyword',
  PludeEvent: 'Keyword',
  PludeEventType: 'Keyword',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;
