import type { PortalSession } from '../portal-sessions.service';
import { CsrfField } from '../views/layout';
import type { NotificationsPageProps } from './notifications-page';

/** The test form's fields as posted. */
export interface TestEventFields {
  type?: string;
  subscription?: string;
}

/** Send a test event: a catalog type's example, to one subscription, marked as a test. */
export function TestEventForm({
  session,
  subscriptions,
  eventTypes,
  fields,
  error,
}: Pick<NotificationsPageProps, 'subscriptions' | 'eventTypes'> & { session: PortalSession; fields: TestEventFields; error?: string }) {
  const sendable = eventTypes.filter((type) => type.hasExample);
  return (
    <section aria-labelledby="test-heading">
      <h2 id="test-heading">Send a test event</h2>
      <p class="hint">
        The type’s example from the catalog goes to the chosen subscription only. Its POST carries <code>webhook-test: true</code>, and it is listed here as a
        test.
      </p>
      {error && (
        <p class="error" role="alert" id="test-error">
          {error}
        </p>
      )}
      {sendable.length === 0 || subscriptions.length === 0 ? (
        <p>{subscriptions.length === 0 ? 'Create a subscription first.' : 'The catalog has no event type with an example to send.'}</p>
      ) : (
        <form method="post" action="/portal/notifications/test" class="stack" aria-describedby={error ? 'test-error' : undefined}>
          <CsrfField session={session} />
          <div>
            <label for="test-type">Event type</label>
            <select id="test-type" name="type" required>
              {sendable.map((type) => (
                <option key={type.name} value={type.name} selected={type.name === fields.type}>
                  {type.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="test-subscription">Subscription</label>
            <select id="test-subscription" name="subscription" required>
              {subscriptions.map((subscription) => (
                <option key={subscription.id} value={subscription.id} selected={subscription.id === fields.subscription}>
                  {subscription.url}
                </option>
              ))}
            </select>
          </div>
          <div>
            <button type="submit">Send test event</button>
          </div>
        </form>
      )}
    </section>
  );
}
