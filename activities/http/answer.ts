import type { DeliverySender } from '../ports';
import { HttpSendError, type SendRequest } from './sender';

/** What came of one POST, as an attempt records it: the receiver's answer, or why there was none. */
export interface Answer {
  statusCode: number | null;
  responseBody: string | null;
  retryAfter: string | null;
  /** Why the attempt failed (null: a 2xx). */
  error: string | null;
  timedOut: boolean;
  /** The POST's headers (signed ones, the span's traceparent, user-agent): the very object sent, and recorded. */
  requestHeaders: Record<string, string>;
}

const isSuccess = (statusCode: number) => statusCode >= 200 && statusCode < 300;

/** Sends the POST; never throws: a failure to send is an Answer without a status code. */
export async function postTo(sender: DeliverySender, request: SendRequest): Promise<Answer> {
  const requestHeaders = request.headers;
  try {
    const { statusCode, body, retryAfter } = await sender.send(request);
    const error = isSuccess(statusCode) ? null : `receiver answered HTTP ${statusCode}`;
    return { statusCode, responseBody: body, retryAfter, error, timedOut: false, requestHeaders };
  } catch (err) {
    const timedOut = err instanceof HttpSendError && err.code === 'TIMEOUT';
    return { statusCode: null, responseBody: null, retryAfter: null, error: err instanceof Error ? err.message : String(err), timedOut, requestHeaders };
  }
}
