import type { NotificationListPage } from '../../notifications/notification-list.dto';
import type { PortalSession } from '../portal-sessions.service';
import { Layout } from '../views/layout';
import { Time } from '../views/time';
import { FiltersForm } from './notification-filters';
import { TestEventForm, type TestEventFields } from './test-event-form';

/** The list's filters as the GET form sends them ('' or absent: no filter). */
export interface NotificationFilters {
  status?: string;
  eventType?: string;
  subscriptionId?: string;
}

export interface NotificationsPageProps {
  session: PortalSession;
  filters: NotificationFilters;
  /** Null when the filters were refused (filterError says why). */
  page: NotificationListPage | null;
  pager: { previous: string | null; next: string | null };
  subscriptions: { id: string; url: string }[];
  eventTypes: { name: string; hasExample: boolean }[];
  filterError?: string;
  testFields?: TestEventFields;
  testError?: string;
}

function Pager({ pager }: Pick<NotificationsPageProps, 'pager'>) {
  if (!pager.previous && !pager.next) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {pager.previous && <a href={pager.previous}>← Previous page</a>}
      {pager.next && <a href={pager.next}>Next page →</a>}
    </nav>
  );
}

function NotificationsTable({ page, subscriptions }: { page: NotificationListPage; subscriptions: NotificationsPageProps['subscriptions'] }) {
  if (page.items.length === 0) return <p>No notification matches.</p>;
  const urls = new Map(subscriptions.map((subscription) => [subscription.id, subscription.url]));
  return (
    <table>
      <caption class="hint">Newest first</caption>
      <thead>
        <tr>
          <th scope="col">Notification</th>
          <th scope="col">Created</th>
          <th scope="col">Event type</th>
          <th scope="col">Subscription</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last attempt</th>
        </tr>
      </thead>
      <tbody>
        {page.items.map((notification) => (
          <tr key={notification.id}>
            <td>
              <a href={`/portal/notifications/${notification.id}`}>
                <code>{notification.id}</code>
              </a>
            </td>
            <td>
              <Time at={notification.createdAt} />
            </td>
            <td>
              <code>{notification.eventType}</code>
              {notification.test && <span class="badge">test</span>}
            </td>
            <td>
              <code>{urls.get(notification.subscriptionId) ?? notification.subscriptionId}</code>
            </td>
            <td class={`status status-${notification.status}`}>{notification.status}</td>
            <td>{notification.attemptCount}</td>
            <td>
              <Time at={notification.lastAttemptAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The environment's notifications: filtered, paged, each opening to its attempts; and a test event to send. */
export function NotificationsPage(props: NotificationsPageProps) {
  const { session, page, pager, subscriptions, eventTypes } = props;
  return (
    <Layout title="Notifications" session={session} current="notifications">
      <FiltersForm filters={props.filters} subscriptions={subscriptions} eventTypes={eventTypes} error={props.filterError} />
      <h2 id="list-heading">Notifications</h2>
      {page && <NotificationsTable page={page} subscriptions={subscriptions} />}
      <Pager pager={pager} />
      <TestEventForm session={session} subscriptions={subscriptions} eventTypes={eventTypes} fields={props.testFields ?? {}} error={props.testError} />
    </Layout>
  );
}
