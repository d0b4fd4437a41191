/** A time as the API gives it (ISO 8601, UTC), readable and machine-readable; a dash when there is none. */
export function Time({ at }: { at: string | null }) {
  if (at === null) return <span class="hint">—</span>;
  return <time dateTime={at}>{at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>;
}
