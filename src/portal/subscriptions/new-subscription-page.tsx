import type { FieldErrors } from '../form-input';
import type { PortalSession } from '../portal-sessions.service';
import { CsrfField, Layout } from '../views/layout';
import type { SubscriptionFormValues } from './subscription-form';
import { SubscriptionFields } from './subscription-fields';

/** Subscribing a URL: the form, again with its values and the reasons beside the fields when they were refused. */
export function NewSubscriptionPage(props: { session: PortalSession; values: SubscriptionFormValues; errors: FieldErrors; catalogTypes: string[] }) {
  return (
    <Layout title="New subscription" session={props.session} current="subscriptions">
      <form method="post" action="/portal/subscriptions" class="stack" noValidate>
        <CsrfField session={props.session} />
        <SubscriptionFields values={props.values} errors={props.errors} catalogTypes={props.catalogTypes} />
        <div>
          <button type="submit">Subscribe</button>
        </div>
      </form>
      <p>
        <a href="/portal/subscriptions">Back to the subscriptions</a>
      </p>
    </Layout>
  );
}
