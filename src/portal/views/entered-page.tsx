import { Layout } from './layout';

/**
 * What an opened link answers: the cookie is set, and the page moves on to the subscriptions by itself. A page, not a
 * redirect: a SameSite=Strict cookie set by an answer to a link followed from another site is not sent on that
 * navigation's redirects, but is on the next navigation this page starts.
 */
export function EnteredPage() {
  return (
    <Layout title="Signed in" moveTo="/portal/subscriptions">
      <p>
        You are signed in. <a href="/portal/subscriptions">Continue to your subscriptions</a>.
      </p>
    </Layout>
  );
}
