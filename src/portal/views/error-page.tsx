import { Layout } from './layout';

/** What a refused or failed request shows: a title and a sentence, never a stack trace. */
export function ErrorPage({ title, message, signIn }: { title: string; message: string; signIn?: boolean }) {
  return (
    <Layout title={title}>
      <p role="alert">{message}</p>
      {signIn && (
        <p>
          <a href="/portal/sign-in">Sign in</a> with your API token, or ask the platform for a new link.
        </p>
      )}
    </Layout>
  );
}
