import { Layout } from './layout';

/** The form's field that carries the pasted API token. */
export const TOKEN_FIELD = 'token';

/** Where a reader without a session lands: the link's way in, or the form that takes the integrator's own API token. */
export function SignInPage({ error, notice }: { error?: string; notice?: string }) {
  return (
    <Layout title="Sign in">
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <p>Open the portal with the link the platform gave you (each link works once), or sign in with your environment’s API token.</p>
      <form method="post" action="/portal/sign-in" class="stack">
        <label for="token">API token</label>
        <input
          id="token"
          name={TOKEN_FIELD}
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'token-error' : 'token-hint'}
        />
        {error ? (
          <p id="token-error" class="error" role="alert">
            {error}
          </p>
        ) : (
          <p id="token-hint" class="hint">
            The token you call the API with (pwh_…). It is sent once, to open a session, and not kept in your browser.
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
