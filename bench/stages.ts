import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import type { Latency } from './measure';
import { median, ms } from './stats';

/**
 * Where a low-load delivery's time goes, read from what each step leaves behind rather than from instrumentation:
 * the bench's clock when it published and when the POST arrived, the workflow's first history event (the Temporal
 * server's clock when it wrote the start), and for plude-webhooks the event's row (PostgreSQL's now() at its
 * INSERT) and the first attempt's row (the worker's clock just before it signs the POST). One machine, one clock.
 */
export interface Stages {
  /** Publish (or the bare workflow's start call) → the workflow's first history event, ms per delivery. */
  toWorkflow: number[];
  /** The workflow's first history event → the POST received. */
  fromWorkflow: number[];
  /** plude-webhooks only: how `toWorkflow` and `fromWorkflow` divide, at the event's row and at the attempt's. */
  parts?: {
    /** Publish → the event's row: HTTP, the token, validation, the INSERT under way. */
    toRow: number[];
    /** The event's row → the workflow's first event: the commit, the start call up to the server's write. */
    rowToWorkflow: number[];
    /** The workflow's first event → the attempt: the eager task, its activation, the local activity, its load. */
    workflowToAttempt: number[];
    /** The attempt → the POST received: signing and the request. */
    attemptToReceived: number[];
  };
}

/** A history event's time in epoch milliseconds, to the microsecond. */
const eventMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;

/** When the Temporal server wrote each workflow's first history event (WorkflowExecutionStarted), in the order given. */
async function firstEvents(temporalAddress: string, workflowIds: string[]): Promise<number[]> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection });
    const times: number[] = [];
    for (const id of workflowIds) times.push(eventMs((await client.workflow.getHandle(id).fetchHistory()).events?.[0]?.eventTime));
    return times;
  } finally {
    await connection.close();
  }
}

/** Publish → the workflow's first event → the POST received. */
const aroundTheStart = (timed: { sentAt: number; workflow: number; receivedAt: number }[]): Stages => ({
  toWorkflow: timed.map((t) => t.workflow - t.sentAt),
  fromWorkflow: timed.map((t) => t.receivedAt - t.workflow),
});

/** The bare workflow's stages: its start call → its first event → the POST received. */
export async function bareStages(low: Latency, temporalAddress: string, workflowIdOf: (tag: string) => Promise<string>): Promise<Stages> {
  const workflows = await firstEvents(temporalAddress, await Promise.all(low.timed.map((t) => workflowIdOf(t.tag))));
  return aroundTheStart(low.timed.map((t, i) => ({ ...t, workflow: workflows[i] })));
}

/**
 * plude-webhooks' stages, with the event's and the first attempt's rows between them: each event found by its tag (its
 * data), with its one notification (the workflow's ID) and that notification's first attempt.
 */
export async function pludeStages(low: Latency, temporalAddress: string, databaseUrl: string): Promise<Stages> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  const rows = new Map<string, { id: string; created: number; attempted: number }>();
  try {
    const { rows: found } = await db.query<{ tag: string; id: string; created: string; attempted: string }>(
      `SELECT e.data->>'tag' AS tag, n.id, (extract(epoch FROM e.created_at) * 1000)::text AS created,
              (extract(epoch FROM a.started_at) * 1000)::text AS attempted
         FROM events e JOIN notifications n ON n.event_id = e.id JOIN attempts a ON a.notification_id = n.id AND a.number = 1
        WHERE e.data->>'tag' = ANY($1)`,
      [low.timed.map((t) => t.tag)],
    );
    for (const row of found) rows.set(row.tag, { id: row.id, created: Number(row.created), attempted: Number(row.attempted) });
  } finally {
    await db.end();
  }
  const recorded = low.timed.map((t) => {
    const row = rows.get(t.tag);
    if (!row) throw new Error(`no first attempt recorded for the event tagged ${t.tag}`);
    return { ...t, ...row };
  });
  const workflows = await firstEvents(
    temporalAddress,
    recorded.map((t) => t.id),
  );
  const timed = recorded.map((t, i) => ({ ...t, workflow: workflows[i] }));
  return {
    ...aroundTheStart(timed),
    parts: {
      toRow: timed.map((t) => t.created - t.sentAt),
      rowToWorkflow: timed.map((t) => t.workflow - t.created),
      workflowToAttempt: timed.map((t) => t.attempted - t.workflow),
      attemptToReceived: timed.map((t) => t.receivedAt - t.attempted),
    },
  };
}

/** One line of medians, for a printed log. */
export function stagesLine(s: Stages): string {
  const m = (values: number[]) => ms(median(values));
  const parts = s.parts
    ? ` (publish → event row ${m(s.parts.toRow)}, → workflow ${m(s.parts.rowToWorkflow)}; workflow → attempt ${m(s.parts.workflowToAttempt)}, → received ${m(s.parts.attemptToReceived)})`
    : '';
  return `→ workflow's first event ${m(s.toWorkflow)}, → POST received ${m(s.fromWorkflow)}${parts}`;
}

/**
 * The stages of the slowest `share` of the deliveries (by publish → POST received) beside the median of all: which
 * stage the tail grows in. plude-webhooks' stages only (they have parts).
 */
export function tailLines(s: Stages, share: number): string[] {
  const total = s.toWorkflow.map((toWorkflow, i) => toWorkflow + s.fromWorkflow[i]);
  const slowest = total
    .map((value, i) => ({ value, i }))
    .sort((a, b) => b.value - a.value)
    .slice(0, Math.max(1, Math.round(total.length * share)))
    .map(({ i }) => i);
  const pick = (values: number[]) => slowest.map((i) => values[i]);
  const parts = s.parts;
  const row = (name: string, values: number[]) => `  ${name.padEnd(44)} ${ms(median(values)).padStart(9)} ${ms(median(pick(values))).padStart(9)}`;
  return [
    `  ${'stage (medians)'.padEnd(44)} ${'all'.padStart(9)} ${`slowest ${(share * 100).toFixed(0)} %`.padStart(9)}`,
    row('publish → POST received', total),
    ...(parts
      ? [
          row('publish → the event row', parts.toRow),
          row('the event row → the workflow (commit, start)', parts.rowToWorkflow),
          row('the workflow → the attempt (task, load)', parts.workflowToAttempt),
          row('the attempt → the POST received', parts.attemptToReceived),
        ]
      : []),
  ];
}
