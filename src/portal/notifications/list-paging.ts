import { isId } from '../../domain/ids';

/** How many earlier pages a list remembers for its Previous link (older ones: Previous goes back to the first page). */
const TRAIL_MAX = 50;

/** A list's place: the cursor of this page (none: the first) and those of the pages before it, oldest first ('' the first page). */
export interface ListPlace {
  after?: string;
  trail: string[];
}

/** The place a list URL's `after` and `trail` name; a trail that is not cursors is forgotten (Previous then goes to the first page). */
export function placeOf(after: unknown, trail: unknown): ListPlace {
  const cursors = typeof trail === 'string' && trail !== '' ? trail.split(',') : typeof trail === 'string' ? [''] : [];
  const valid = cursors.every((cursor) => cursor === '' || isId('ntf', cursor));
  return { after: typeof after === 'string' && after !== '' ? after : undefined, trail: valid ? cursors.slice(-TRAIL_MAX) : [] };
}

/** The query of a place (its filters kept): the cursors only ever go forward, so Previous retraces the trail. */
function queryOf(filters: Record<string, string | undefined>, place: ListPlace | null): string {
  const params = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  if (place?.after !== undefined) {
    params.set('after', place.after);
    params.set('trail', place.trail.join(','));
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** The Previous and Next pages' URLs of a list at `place` (null where there is none). */
export function pagerOf(base: string, filters: Record<string, string | undefined>, place: ListPlace, nextCursor: string | null) {
  const next = nextCursor === null ? null : base + queryOf(filters, { after: nextCursor, trail: [...place.trail, place.after ?? ''] });
  if (place.after === undefined) return { previous: null, next };
  const before = place.trail.at(-1);
  const previousPlace = before === undefined || before === '' ? null : { after: before, trail: place.trail.slice(0, -1) };
  return { previous: base + queryOf(filters, previousPlace), next };
}
