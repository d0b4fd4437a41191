import type { AttemptResponse } from '../../notifications/notification.dto';
import { Time } from '../views/time';

/** The notification whose attempts these are. */
export interface AttemptsOf {
  id: string;
  test: boolean;
  attempts: AttemptResponse[];
}

/**
 * The headers an attempt's POST carried, as far as its record tells them: webhook-id is the notification's ID and
 * webhook-timestamp the attempt's start in seconds (activities/index.ts signs with both, src/domain/signature.ts
 * webhookHeaders), and a test event's carries webhook-test; the signature itself is not recorded with the attempt.
 */
function RequestHeaders({ notification, attempt }: { notification: AttemptsOf; attempt: AttemptResponse }) {
  const lines = [
    `POST ${attempt.url}`,
    'content-type: application/json',
    `webhook-id: ${notification.id}`,
    `webhook-timestamp: ${Math.floor(Date.parse(attempt.startedAt) / 1000)}`,
    'webhook-signature: (not recorded with the attempt)',
    ...(notification.test ? ['webhook-test: true'] : []),
  ];
  return <pre aria-label={`Request headers of attempt ${attempt.number}`}>{lines.join('\n')}</pre>;
}

/** One attempt: when, how long, what was sent and what came back. */
function Attempt({ notification, attempt }: { notification: AttemptsOf; attempt: AttemptResponse }) {
  const outcome = attempt.succeeded ? 'succeeded' : 'failed';
  return (
    <section aria-labelledby={`attempt-${attempt.number}`}>
      <h3 id={`attempt-${attempt.number}`}>
        Attempt {attempt.number} <span class={`status status-${outcome}`}>{outcome}</span>
        {attempt.trigger === 'redeliver' && <span class="hint"> (redelivery)</span>}
      </h3>
      <dl>
        <dt>Started</dt>
        <dd>
          <Time at={attempt.startedAt} />
        </dd>
        <dt>Duration</dt>
        <dd>{attempt.durationMs} ms</dd>
        <dt>Status code</dt>
        <dd>{attempt.statusCode === null ? 'none (no answer)' : attempt.statusCode}</dd>
        {attempt.error !== null && (
          <>
            <dt>Error</dt>
            <dd class="error">{attempt.error}</dd>
          </>
        )}
        {attempt.retryAfterMs !== null && (
          <>
            <dt>Retry-After asked for</dt>
            <dd>{attempt.retryAfterMs} ms</dd>
          </>
        )}
        <dt>Next attempt planned</dt>
        <dd>
          <Time at={attempt.nextAttemptAt} />
        </dd>
      </dl>
      <h4>Request headers</h4>
      <RequestHeaders notification={notification} attempt={attempt} />
      <h4>Response body (excerpt)</h4>
      {attempt.responseBody === null || attempt.responseBody === '' ? <p class="hint">No body.</p> : <pre>{attempt.responseBody}</pre>}
    </section>
  );
}

/** A notification's attempts, last first: the one a reader comes for. */
export function AttemptsSection({ notification }: { notification: AttemptsOf }) {
  const { attempts } = notification;
  return (
    <section aria-labelledby="attempts">
      <h2 id="attempts">Attempts ({attempts.length})</h2>
      {attempts.length === 0 ? (
        <p>No attempt yet.</p>
      ) : (
        [...attempts].reverse().map((attempt) => <Attempt key={attempt.number} notification={notification} attempt={attempt} />)
      )}
    </section>
  );
}
