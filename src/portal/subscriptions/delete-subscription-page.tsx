import type { SubscriptionView } from '../../subscriptions/subscription.dto';
import type { PortalSession } from '../portal-sessions.service';
import { CsrfField, Layout } from '../views/layout';

/** The form that deletes a subscription: the browser's script asks first (data-confirm) and says so with `confirmed`. */
export function DeleteForm({ session, subscription, confirmed }: { session: PortalSession; subscription: SubscriptionView; confirmed: boolean }) {
  return (
    <form
      method="post"
      action={`/portal/subscriptions/${encodeURIComponent(subscription.id)}/delete`}
      class="inline"
      data-confirm={confirmed ? undefined : `Delete the subscription to ${subscription.url}? Its pending notifications will be cancelled.`}
    >
      <CsrfField session={session} />
      <input type="hidden" name="confirmed" value={confirmed ? 'yes' : ''} />
      <button type="submit" class="danger">
        {confirmed ? 'Yes, delete it' : 'Delete subscription'}
      </button>
    </form>
  );
}

/** Without the script, a delete asks here first. */
export function DeleteSubscriptionPage({ session, subscription }: { session: PortalSession; subscription: SubscriptionView }) {
  return (
    <Layout title="Delete subscription" session={session} current="subscriptions">
      <p>
        Delete the subscription to <code>{subscription.url}</code>? Its pending notifications will be cancelled, and it receives nothing more. This cannot be
        undone.
      </p>
      <div class="actions">
        <DeleteForm session={session} subscription={subscription} confirmed />
        <a href={`/portal/subscriptions/${encodeURIComponent(subscription.id)}`}>Keep it</a>
      </div>
    </Layout>
  );
}
