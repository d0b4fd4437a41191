import type { SubscriptionPage } from '../../subscriptions/subscription.dto';
import type { PortalSession } from '../portal-sessions.service';
import { Layout } from '../views/layout';
import { breakerText, eventTypesText, inFlightText, rateText, statusText } from './subscription-text';

/** The environment's subscriptions, a page of them (newest first), each opening to its own page. */
export function SubscriptionsPage({ session, page, after, notice }: { session: PortalSession; page: SubscriptionPage; after?: string; notice?: string }) {
  return (
    <Layout title="Subscriptions" session={session} current="subscriptions">
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <p>
        <a href="/portal/subscriptions/new">New subscription</a>
      </p>
      {page.items.length === 0 ? (
        <p>{after === undefined ? 'No subscriptions yet.' : 'No more subscriptions.'}</p>
      ) : (
        <table>
          <caption class="hint">Where your notifications go, newest first</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Event types</th>
              <th scope="col">Status</th>
              <th scope="col">Breaker</th>
              <th scope="col">Rate limit</th>
              <th scope="col">In flight</th>
              <th scope="col">Ordering</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((subscription) => (
              <tr key={subscription.id}>
                <th scope="row">
                  <a href={`/portal/subscriptions/${encodeURIComponent(subscription.id)}`}>
                    <code>{subscription.url}</code>
                  </a>
                </th>
                <td>{eventTypesText(subscription.eventTypes)}</td>
                <td class={`status status-${subscription.status}`}>{statusText(subscription)}</td>
                <td>{breakerText(subscription.breaker)}</td>
                <td>{rateText(subscription.rateLimit)}</td>
                <td>{inFlightText(subscription.maxInFlight)}</td>
                <td>{subscription.ordering}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages of subscriptions">
        {after !== undefined && <a href="/portal/subscriptions">First page</a>}
        {page.nextCursor !== null && <a href={`/portal/subscriptions?after=${encodeURIComponent(page.nextCursor)}`}>Next page</a>}
      </nav>
    </Layout>
  );
}
