import { type Command, InvalidArgumentError, Option } from 'commander';
import { segment } from '../client';
import { fields } from '../output';
import { isUnderWay, ProgressLine, progressBar, type RecoveryProgress } from '../progress';
import { action, type CliContext } from '../action';

interface RecoveryStarted {
  id: string;
  notifications: number;
}

const AGO = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO 8601 time (`2025-12-01T09:00:00Z`), or how long ago (`90m`, `24h`, `3d`); as an ISO string. */
export function parseTime(value: string, now = Date.now()): string {
  const ago = AGO.exec(value.trim());
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2]]).toISOString();
  const at = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw new InvalidArgumentError('an ISO 8601 time like 2025-12-01T09:00:00Z, or a time ago like 90m, 24h or 3d');
  return new Date(at).toISOString();
}

const describe = (id: string, progress: RecoveryProgress) =>
  fields([
    ['recovery', id],
    ['status', progress.status],
    ['notifications', progress.total],
    ['started', progress.started],
    ['succeeded', progress.succeeded],
    ['expired', progress.expired],
  ]);

export function registerRecover(program: Command, context: CliContext): void {
  program
    .command('recover <subscription>')
    .summary("deliver a subscription's events again since a time")
    .description("deliver a subscription's events again since a time, and follow the progress (POST /webhooks/subscriptions/:id/recover)")
    .requiredOption('--since <time>', 'from this time: ISO 8601, or a time ago like 24h', (value) => parseTime(value))
    .option('--until <time>', 'up to this time (now by default)', (value) => parseTime(value))
    .option('--no-wait', 'start it and return, without following it')
    .addOption(new Option('--poll-interval <ms>', 'how often the progress is read').default(500).argParser(Number).hideHelp())
    .action(
      action<[string], { since: string; until?: string; wait: boolean; pollInterval: number }>(context, async ({ client, out, io, options }, subscription) => {
        const body = { since: options.since, ...(options.until ? { until: options.until } : {}) };
        const started = await client.api<RecoveryStarted>('POST', `/webhooks/subscriptions/${segment(subscription)}/recover`, { body });
        if (!options.wait) {
          out.result(started, () => [
            `recovery ${started.id} started: ${started.notifications} notifications`,
            `follow it: plude recoveries get ${started.id}`,
          ]);
          return;
        }
        out.say(`recovery ${started.id}: ${started.notifications} notifications (Ctrl-C stops following it; the recovery goes on)`);
        let interrupted = false;
        let wake = () => {};
        const stopListening = io.onInterrupt(() => ((interrupted = true), wake()));
        const bar = new ProgressLine((text) => (out.json ? undefined : io.stdout(text)), io.isTTY);
        let progress: RecoveryProgress;
        try {
          for (;;) {
            progress = await client.api<RecoveryProgress>('GET', `/recoveries/${segment(started.id)}`);
            bar.update(progressBar(progress));
            if (!isUnderWay(progress) || interrupted) break;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, options.pollInterval);
              wake = () => (clearTimeout(timer), resolve());
            });
            if (interrupted) break;
          }
        } finally {
          stopListening();
          bar.done();
        }
        if (interrupted) out.say(`stopped following; the recovery goes on: plude recoveries get ${started.id}`);
        out.result({ id: started.id, ...progress }, () => (isUnderWay(progress) ? [] : `recovery ${started.id} ${progress.status}`));
      }),
    );

  program
    .command('recoveries')
    .description('recoveries started by plude recover (API token)')
    .command('get <id>')
    .description("show a recovery's progress (GET /recoveries/:id)")
    .action(
      action<[string]>(context, async ({ client, out }, id) => {
        const progress = await client.api<RecoveryProgress>('GET', `/recoveries/${segment(id)}`);
        out.result({ id, ...progress }, () => [...describe(id, progress), '', progressBar(progress)]);
      }),
    );
}
