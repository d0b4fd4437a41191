import type { AttemptResponse } from '../../notifications/attempt.dto';
import { Time } from '../views/time';
import { requestHeaderLines } from './request-headers';

/** The notification whose attempts these are. */
export interface AttemptsOf {
  id: string;
  test: boolean;
  attempts: AttemptResponse[];
}

/** The headers an attempt's POST carried: recorded with it, or, for an older attempt, what its record tells. */
function RequestHeaders({ notification, attempt }: { notification: AttemptsOf; attempt: AttemptResponse }) {
  return <pre aria-label={`Request headers of attempt ${attempt.number}`}>{requestHeaderLines(notification, attempt).join('\n')}</pre>;
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
