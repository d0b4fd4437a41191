import type { DataSource } from 'typeorm';

/** One dependency the process needs to do its work; `check` resolves when it answers, and rejects saying why not. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** What /health/ready checks (the API: PostgreSQL and Temporal; a worker also its own polling). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

const CHECK_TIMEOUT_MS = 3000;

/** `work`, or a rejection once `ms` have passed. */
export async function within<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function postgresCheck(db: DataSource): ReadinessCheck {
  return { name: 'postgres', check: () => within(CHECK_TIMEOUT_MS, 'postgres', async () => void (await db.query('SELECT 1'))) };
}

/** The part of a Temporal connection (the client's or a worker's NativeConnection) the check uses. */
export interface TemporalConnectionLike {
  withDeadline<T>(deadline: number | Date, fn: () => Promise<T>): Promise<T>;
  workflowService: { getSystemInfo(request: object): Promise<unknown> };
}

export function temporalCheck(connection: TemporalConnectionLike): ReadinessCheck {
  return {
    name: 'temporal',
    check: () =>
      within(CHECK_TIMEOUT_MS, 'temporal', async () => {
        await connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => connection.workflowService.getSystemInfo({}));
      }),
  };
}

/** A worker is ready while it polls its task queue. */
export function workerCheck(worker: { isRunning(): boolean }): ReadinessCheck {
  return {
    name: 'worker',
    check: async () => {
      if (!worker.isRunning()) throw new Error('the worker is not polling its task queue');
    },
  };
}
