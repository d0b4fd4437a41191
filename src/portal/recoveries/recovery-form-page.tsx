import type { SubscriptionView } from '../../subscriptions/subscription.dto';
import type { PortalSession } from '../portal-sessions.service';
import { CsrfField, Layout } from '../views/layout';
import type { RecoveryFormFields } from './recovery-form';

export interface RecoveryFormPageProps {
  session: PortalSession;
  subscriptions: SubscriptionView[];
  /** What the reader entered (or the subscription it came from), kept when the form is shown again. */
  fields: RecoveryFormFields;
  error?: string;
  /** The running recovery an overlapping range ran into. */
  runningId?: string;
}

const valueOf = (value: unknown) => (typeof value === 'string' ? value : '');

/** Recover a range: redeliver every notification of a subscription, created in the range, that expired or was cancelled. */
export function RecoveryFormPage({ session, subscriptions, fields, error, runningId }: RecoveryFormPageProps) {
  return (
    <Layout title="Recover a range" session={session} current="notifications">
      <p>
        Every notification of the subscription whose event was created in the range and that expired or was cancelled is delivered again. Notifications still
        being delivered are left as they are.
      </p>
      {error && (
        <p class="error" role="alert" id="recovery-error">
          {error}
          {runningId && (
            <>
              {' '}
              <a href={`/portal/recoveries/${runningId}`}>See the running recovery</a>.
            </>
          )}
        </p>
      )}
      <form method="post" action="/portal/recoveries" class="stack" aria-describedby={error ? 'recovery-error' : undefined}>
        <CsrfField session={session} />
        <div>
          <label for="subscription">Subscription</label>
          <select id="subscription" name="subscription" required>
            {subscriptions.map((subscription) => (
              <option key={subscription.id} value={subscription.id} selected={subscription.id === fields.subscription}>
                {`${subscription.url} (${subscription.id})`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="since">Since (UTC, inclusive)</label>
          <input id="since" name="since" type="datetime-local" step={1} required value={valueOf(fields.since)} />
        </div>
        <div>
          <label for="until">Until (UTC, exclusive)</label>
          <input id="until" name="until" type="datetime-local" step={1} value={valueOf(fields.until)} aria-describedby="until-hint" />
          <p class="hint" id="until-hint">
            Leave empty for now.
          </p>
        </div>
        <div>
          <button type="submit">Recover</button>
        </div>
      </form>
    </Layout>
  );
}
