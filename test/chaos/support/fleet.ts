import type { Answer, RecordedRequest } from './counting-receiver';
import { CountingReceiver } from './counting-receiver';
import type { Observation } from './ledger';

/** How one subscription's receiver answers: given the request and how many times its webhook-id came before. */
export type Behaviour = (request: RecordedRequest, earlier: number) => number | Answer;

/**
 * One CountingReceiver standing in for many receivers, one path each (/s1, /s2 …), each with its own behaviour,
 * for the ledger's checks. Its certificate chains to the chaos CA, which the hostile receivers share.
 */
export class ReceiverFleet {
  private readonly behaviours = new Map<string, Behaviour>();

  private constructor(readonly server: CountingReceiver) {}

  static async start(): Promise<ReceiverFleet> {
    const server = await CountingReceiver.start({ responder: (request, _index, count) => fleet.answer(request, count - 1) });
    const fleet = new ReceiverFleet(server); // before any request reaches the receiver
    return fleet;
  }

  get caFile(): string {
    return this.server.caFile;
  }

  /** How many requests arrived, all paths. */
  get count(): number {
    return this.server.requests.length;
  }

  /** Every request so far with the status it was answered (none when the client left before the answer). */
  get observations(): Observation[] {
    return this.server.requests.map((r) => ({ headers: r.headers, body: r.text, status: r.answer?.status }));
  }

  /** A receiver at /<name> that answers as `behaviour` says (200 by default); its URL. */
  receiver(name: string, behaviour: Behaviour = () => 200): string {
    this.behaviours.set(`/${name}`, behaviour);
    return this.server.url(`/${name}`);
  }

  /** Resolves once `done` holds, re-checked at every request (and at once). */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    await this.server.waitFor(() => done(), { timeoutMs, what });
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private answer(request: RecordedRequest, earlier: number): number | Answer {
    const behaviour = this.behaviours.get(request.path) ?? (() => 404);
    return behaviour(request, earlier);
  }
}

/** Fails the first `times` requests of every webhook-id with `status`, then answers 200. */
export const failFirst =
  (times: number, status = 500): Behaviour =>
  (_request, earlier) =>
    earlier < times ? status : 200;
