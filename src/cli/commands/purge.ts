import type { Command } from 'commander';
import { usageError } from '../errors';
import { fields } from '../output';
import { action, type CliContext } from '../action';

interface PurgeCounts {
  events: number;
  notifications: number;
  attempts: number;
  responseBodies: number;
}

interface PurgePreview {
  retentionMs: number;
  responseBodyRetentionMs: number;
  wouldDelete: PurgeCounts;
}

interface PurgeTriggered {
  scheduleId: string;
  alreadyRunning: boolean;
}

const days = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 1000}s`);

export function registerPurge(program: Command, context: CliContext): void {
  program
    .command('purge')
    .description('what the purge would delete past RETENTION (--dry-run), or a purge now (--now); admin token')
    .option('--dry-run', 'count what a purge started now would delete, deleting nothing (GET /admin/purge)')
    .option('--now', "trigger the purge's Temporal Schedule now (POST /admin/purge)")
    .action(
      action<[], { dryRun?: boolean; now?: boolean }>(context, async ({ client, out, options }) => {
        if (Boolean(options.dryRun) === Boolean(options.now)) throw usageError('say --dry-run or --now (one of them)');
        if (options.dryRun) {
          const preview = await client.admin<PurgePreview>('GET', '/admin/purge');
          const { wouldDelete: would } = preview;
          out.result(preview, () => [
            `a purge now would delete (RETENTION ${days(preview.retentionMs)}, RESPONSE_BODY_RETENTION ${days(preview.responseBodyRetentionMs)}):`,
            ...fields([
              ['events', would.events],
              ['notifications', would.notifications],
              ['attempts', would.attempts],
              ['response bodies', would.responseBodies],
            ]),
          ]);
          return;
        }
        const triggered = await client.admin<PurgeTriggered>('POST', '/admin/purge');
        out.result(triggered, () =>
          triggered.alreadyRunning
            ? `a purge is already running (schedule ${triggered.scheduleId}): none started`
            : `purge started (schedule ${triggered.scheduleId}); its counts are in the Temporal Web UI's Schedules page and in plude_purged_total`,
        );
      }),
    );
}
