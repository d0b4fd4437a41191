import type { NotificationResponse } from '../../notifications/notification.dto';
import type { PortalSession } from '../portal-sessions.service';
import { Layout, PostButton } from '../views/layout';
import { Time } from '../views/time';
import { AttemptsSection } from './attempts-section';

/** What the page shows of the notification's event: its type and its data as stored, indented. */
export interface NotificationEvent {
  type: string;
  prettyData: string;
  erasedAt: string | null;
}

/** What the page shows of the notification's subscription; null once it was deleted. */
export interface NotificationSubscription {
  url: string;
  status: string;
}

export interface NotificationPageProps {
  session: PortalSession;
  notification: NotificationResponse;
  event: NotificationEvent;
  subscription: NotificationSubscription | null;
  /** What a change just did (post/redirect/get). */
  notice?: string;
  /** Why a change was refused (e.g. a redelivery of a pending notification). */
  error?: string;
}

/** A pending notification's page updates itself this often (the Layout's liveSeconds), so that its attempts appear as they are made. */
export const PENDING_REFRESH_SECONDS = 3;

function NextAttempt({ notification }: { notification: NotificationResponse }) {
  if (notification.status !== 'pending') return <span class="hint">none: it has ended</span>;
  if (notification.held) return <span>held while its subscription is {notification.held}</span>;
  if (notification.waitsFor) return <a href={`/portal/notifications/${notification.waitsFor}`}>after {notification.waitsFor} (its ordering key’s turn)</a>;
  return <Time at={notification.temporal?.nextRetryAt ?? notification.nextAttemptAt} />;
}

function Actions({ session, notification, subscription }: Pick<NotificationPageProps, 'session' | 'notification' | 'subscription'>) {
  return (
    <div class="actions">
      {notification.status === 'pending' ? (
        <p class="hint">It is being delivered: it can be redelivered once it has ended.</p>
      ) : (
        subscription && <PostButton session={session} action={`/portal/notifications/${notification.id}/redeliver`} label="Redeliver" />
      )}
      {subscription && (
        <a href={`/portal/recoveries/new?subscription=${encodeURIComponent(notification.subscriptionId)}`}>Recover a range of this subscription</a>
      )}
    </div>
  );
}

/** One notification: its event, where it goes, where it stands, and every attempt. */
export function NotificationPage({ session, notification, event, subscription, notice, error }: NotificationPageProps) {
  const pending = notification.status === 'pending';
  return (
    <Layout title={`Notification ${notification.id}`} session={session} current="notifications" liveSeconds={pending ? PENDING_REFRESH_SECONDS : undefined}>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div id="notification-state" data-live>
        <dl>
          <dt>Event type</dt>
          <dd>
            <code>{event.type}</code>
            {notification.test && <span class="badge">test</span>}
          </dd>
          <dt>Subscription</dt>
          <dd>
            <code>{notification.subscriptionId}</code>{' '}
            {subscription ? (
              <>
                → <code>{subscription.url}</code> ({subscription.status})
              </>
            ) : (
              <span class="hint">(deleted)</span>
            )}
          </dd>
          <dt>Status</dt>
          <dd class={`status status-${notification.status}`}>{notification.status}</dd>
          <dt>Created</dt>
          <dd>
            <Time at={notification.createdAt} />
          </dd>
          <dt>Next attempt</dt>
          <dd>
            <NextAttempt notification={notification} />
          </dd>
          <dt>Delivery window closes</dt>
          <dd>
            <Time at={notification.expiresAt} />
          </dd>
          {notification.redeliveredAt && (
            <>
              <dt>Last redelivered</dt>
              <dd>
                <Time at={notification.redeliveredAt} />
              </dd>
            </>
          )}
        </dl>
        <Actions session={session} notification={notification} subscription={subscription} />
      </div>
      <h2 id="event-data">Event data</h2>
      {event.erasedAt && (
        <p class="hint">
          Its data was erased at <Time at={event.erasedAt} />.
        </p>
      )}
      <pre aria-labelledby="event-data">{event.prettyData}</pre>
      <div id="notification-attempts" data-live>
        <AttemptsSection notification={notification} />
      </div>
    </Layout>
  );
}
