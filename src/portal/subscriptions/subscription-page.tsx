import type { SubscriptionView } from '../../subscriptions/subscription.dto';
import type { FieldErrors } from '../form-input';
import type { PortalSession } from '../portal-sessions.service';
import { CsrfField, Layout, PostButton } from '../views/layout';
import { DeleteForm } from './delete-subscription-page';
import type { SubscriptionFormValues } from './subscription-form';
import { FieldError, FormError, SubscriptionFields } from './subscription-fields';
import { breakerText, eventTypesText, inFlightText, rateText, statusText } from './subscription-text';

/** How long the older keys keep signing after a rotation: the choices offered (the API takes any duration up to 7d). */
const OVERLAPS = [
  { value: '0s', label: 'no time: retire them now' },
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours (the default)' },
  { value: '7d', label: '7 days' },
];

export interface SubscriptionPageProps {
  session: PortalSession;
  subscription: SubscriptionView;
  catalogTypes: string[];
  /** The edit form's values: the subscription's own, or what the reader typed when it was refused. */
  form: SubscriptionFormValues;
  formErrors?: FieldErrors;
  rotateErrors?: FieldErrors;
  notice?: string;
  /** The signing key, only on the page that answers "Reveal signing key". */
  signingKey?: string;
}

function Facts({ subscription }: { subscription: SubscriptionView }) {
  const rows: [string, string][] = [
    ['ID', subscription.id],
    ['URL', subscription.url],
    ['Event types', eventTypesText(subscription.eventTypes)],
    ['Status', statusText(subscription)],
    ['Breaker', breakerText(subscription.breaker)],
    ['Rate limit', rateText(subscription.rateLimit)],
    ['In flight at once', inFlightText(subscription.maxInFlight)],
    ['Ordering', subscription.ordering],
    ['Created', subscription.createdAt],
    ['Changed', subscription.updatedAt],
  ];
  return (
    <table>
      <caption class="hint">The subscription as it is now</caption>
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{name === 'URL' || name === 'ID' ? <code>{value}</code> : value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SigningKey({
  session,
  subscription,
  signingKey,
  errors,
}: {
  session: PortalSession;
  subscription: SubscriptionView;
  signingKey?: string;
  errors: FieldErrors;
}) {
  const base = `/portal/subscriptions/${encodeURIComponent(subscription.id)}`;
  return (
    <section aria-labelledby="signing-key">
      <h2 id="signing-key">Signing key</h2>
      {signingKey === undefined ? (
        <PostButton session={session} action={`${base}/reveal-key`} label="Reveal signing key" />
      ) : (
        <>
          <p>The newest key, which signs first (Standard Webhooks: verify the webhook-signature header with it):</p>
          <pre>
            <code id="signing-key-value">{signingKey}</code>
          </pre>
          <p class="hint">Shown on this page only; it is not kept in your browser.</p>
        </>
      )}
      <form method="post" action={`${base}/rotate-key`} class="stack">
        <CsrfField session={session} />
        <FormError errors={errors} />
        <div>
          <label for="overlap">Older keys keep signing for</label>
          <select id="overlap" name="overlap" aria-describedby="overlap-hint">
            {OVERLAPS.map((overlap) => (
              <option key={overlap.value} value={overlap.value} selected={overlap.value === '24h'}>
                {overlap.label}
              </option>
            ))}
          </select>
          <p id="overlap-hint" class="hint">
            The new key signs at once; during the overlap each notification carries both signatures.
          </p>
          <FieldError id="overlap-error" message={errors.overlap} />
        </div>
        <div>
          <button type="submit">Rotate the key</button>
        </div>
      </form>
    </section>
  );
}

/** One subscription: what it is, pause or resume, its signing key (revealed on request, rotated), edit, delete. */
export function SubscriptionPage(props: SubscriptionPageProps) {
  const { session, subscription } = props;
  const base = `/portal/subscriptions/${encodeURIComponent(subscription.id)}`;
  return (
    <Layout title="Subscription" session={session} current="subscriptions">
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <p>
        <a href="/portal/subscriptions">All subscriptions</a>
      </p>
      <Facts subscription={subscription} />
      <div class="actions">
        {subscription.status === 'active' ? (
          <PostButton session={session} action={`${base}/pause`} label="Pause" />
        ) : (
          <PostButton session={session} action={`${base}/resume`} label={subscription.status === 'disabled' ? 'Re-enable' : 'Resume'} />
        )}
        <DeleteForm session={session} subscription={subscription} confirmed={false} />
      </div>
      <SigningKey session={session} subscription={subscription} signingKey={props.signingKey} errors={props.rotateErrors ?? {}} />
      <section aria-labelledby="edit">
        <h2 id="edit">Edit</h2>
        <form method="post" action={base} class="stack" noValidate>
          <CsrfField session={session} />
          <SubscriptionFields values={props.form} errors={props.formErrors ?? {}} catalogTypes={props.catalogTypes} />
          <div>
            <button type="submit">Save</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
