import { Layout } from './layout';

/** Where a reader without a session lands. */
export function SignInPage() {
  return (
    <Layout title="Sign in">
      <p>Open the portal with the link the platform gave you. Each link works once.</p>
    </Layout>
  );
}
