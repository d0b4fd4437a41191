import type { SubscriptionPage } from '../../subscriptions/subscription.dto';
import type { PortalSession } from '../portal-sessions.service';
import { Layout } from '../views/layout';

/** The environment's subscriptions. */
export function SubscriptionsPage({ session, page }: { session: PortalSession; page: SubscriptionPage }) {
  return (
    <Layout title="Subscriptions" session={session} current="subscriptions">
      {page.items.length === 0 ? (
        <p>No subscriptions yet.</p>
      ) : (
        <table>
          <caption class="hint">Where your notifications go</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Event types</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((subscription) => (
              <tr key={subscription.id}>
                <td>
                  <code>{subscription.url}</code>
                </td>
                <td>{subscription.eventTypes.length === 0 ? 'every type' : subscription.eventTypes.join(', ')}</td>
                <td class={`status status-${subscription.status}`}>{subscription.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
