import type { ComponentChildren } from 'preact';
import type { RecoveryView } from '../../recoveries/recovery.dto';
import type { PortalSession } from '../portal-sessions.service';
import { Layout } from '../views/layout';
import { Time } from '../views/time';

/** While a recovery runs or its redeliveries are pending, its page updates itself this often (the Layout's liveSeconds). */
export const RECOVERY_REFRESH_SECONDS = 2;

/** Done: every redelivery has been started and none is pending any more (or it never started). */
export const recoveryDone = (recovery: RecoveryView): boolean => recovery.status !== 'running' && recovery.pending === 0;

/** A recovery and its progress, live while it goes on. */
export function RecoveryPage({ session, recovery, notice }: { session: PortalSession; recovery: RecoveryView; notice?: string }) {
  const done = recoveryDone(recovery);
  const ended = recovery.succeeded + recovery.expired;
  return (
    <Layout title={`Recovery ${recovery.id}`} session={session} current="notifications" liveSeconds={done ? undefined : RECOVERY_REFRESH_SECONDS}>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div id="recovery-progress-region" data-live>
        <p role="status" aria-live="polite">
          {done ? (
            <strong>{recovery.status === 'failed' ? 'The recovery could not be started: nothing was redelivered.' : 'Done.'}</strong>
          ) : (
            <span>In progress.</span>
          )}{' '}
          {ended} of {recovery.total} redeliveries have ended.
        </p>
        {recovery.total > 0 && (
          <p>
            <label for="recovery-progress">Redeliveries ended</label>
            <progress id="recovery-progress" max={recovery.total} value={ended}>
              {ended} of {recovery.total}
            </progress>
          </p>
        )}
        <table>
          <caption class="hint">What became of the range’s notifications</caption>
          <tbody>
            <Row label="Status" value={<span class={`status status-${recovery.status}`}>{recovery.status}</span>} />
            <Row label="Subscription" value={<code>{recovery.subscriptionId}</code>} />
            <Row label="Since" value={<Time at={recovery.since} />} />
            <Row label="Until" value={<Time at={recovery.until} />} />
            <Row label="To redeliver" value={recovery.total} />
            <Row label="Started" value={recovery.started} />
            <Row label="Succeeded" value={recovery.succeeded} />
            <Row label="Expired again" value={recovery.expired} />
            <Row label="Pending" value={recovery.pending} />
            <Row label="Accepted" value={<Time at={recovery.createdAt} />} />
            <Row label="Completed" value={<Time at={recovery.completedAt} />} />
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

function Row({ label, value }: { label: string; value: ComponentChildren }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{value}</td>
    </tr>
  );
}
