import { appendFileSync } from 'node:fs';

/** What a case counted. Event cases give the four numbers; `counted` says what else was counted. */
export interface Counted {
  accepted?: number;
  delivered?: number;
  duplicates?: number;
  lost?: number;
  counted?: string;
}

/** One row of RELIABILITY.md, as the case's run recorded it (one JSON line each in CHAOS_RESULTS_FILE). */
export interface CaseResult extends Counted {
  id: string;
  title: string;
  /** What was done to the service. */
  did: string;
  passed: boolean;
  /** The failure's first line, when it failed. */
  failure?: string;
  seconds: number;
  finishedAt: string;
}

function record(result: CaseResult): void {
  const file = process.env.CHAOS_RESULTS_FILE;
  if (file) appendFileSync(file, JSON.stringify(result) + '\n');
}

/**
 * A chaos case: a Jest test whose result and counts become a row of RELIABILITY.md. The body runs the case,
 * asserts with expect(), and returns what it counted; a thrown assertion records the row as failed.
 */
export function chaosCase(id: string, title: string, did: string, body: () => Promise<Counted>, timeoutMs = 180_000): void {
  it(
    `${id}: ${title}`,
    async () => {
      const started = Date.now();
      const row = { id, title, did };
      try {
        const counted = await body();
        record({ ...row, ...counted, passed: true, seconds: (Date.now() - started) / 1000, finishedAt: new Date().toISOString() });
      } catch (err) {
        const failure = ((err as Error).message ?? String(err)).split('\n').find((line) => line.trim()) ?? 'failed';
        record({ ...row, passed: false, failure, seconds: (Date.now() - started) / 1000, finishedAt: new Date().toISOString() });
        throw err;
      }
    },
    timeoutMs,
  );
}
