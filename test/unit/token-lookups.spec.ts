import { randomBytes } from 'node:crypto';
import { hashToken } from '../../src/auth/api-token';
import { TOKEN_LOOKUP_SLOTS, type LookupGate } from '../../src/auth/token-lookups';
import { TokenAuthenticator } from '../../src/auth/token-authenticator';
import { UNKNOWN_TOKEN_TTL_MS, UnknownTokens } from '../../src/auth/unknown-tokens';
import { rateLimited } from '../../src/domain/errors';
import type { ApiTokenRepository, TokenAccess } from '../../src/persistence/repositories/api-token.repository';
import type { EnvironmentRepository } from '../../src/persistence/repositories/environment.repository';

const newToken = () => `pwh_${randomBytes(32).toString('base64url')}`;

/** An environment token's access, as the repository answers for a live one. */
const access = (environmentId: string): TokenAccess => ({ kind: 'environment', environmentId, scopes: ['subscriptions'] });
/** Authentication never asks whether an environment exists (that is mayUse's). */
const NO_ENVIRONMENTS = {} as EnvironmentRepository;

/** A repository that knows `live` tokens, counts its queries and how many run at once; `hold` keeps them running. */
function spyRepository(live: Map<string, string> = new Map()) {
  const spy = { queries: 0, running: 0, mostAtOnce: 0, hold: Promise.resolve() };
  const repository = {
    async authenticate(tokenHash: string) {
      spy.queries++;
      spy.mostAtOnce = Math.max(spy.mostAtOnce, ++spy.running);
      await spy.hold;
      spy.running--;
      const environmentId = live.get(tokenHash);
      return environmentId ? access(environmentId) : null;
    },
  } as unknown as ApiTokenRepository;
  return { spy, authenticator: new TokenAuthenticator(repository, NO_ENVIRONMENTS) };
}

/** A gate that records what it was asked, and refuses once `refuse` is set. */
function recordingGate() {
  const calls: string[] = [];
  const gate: LookupGate & { refuse: boolean } = {
    refuse: false,
    admitLookup() {
      calls.push('admit');
      if (this.refuse) throw rateLimited('too many failed authentications from this address', 1);
    },
    failed: () => void calls.push('failed'),
  };
  return { gate, calls };
}

describe('TokenAuthenticator: unknown and revoked tokens', () => {
  afterEach(() => jest.useRealTimers());

  it('remembers an unknown token for UNKNOWN_TOKEN_TTL_MS: one query, then none until it is forgotten', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { spy, authenticator } = spyRepository();
    const unknown = newToken();
    for (let i = 0; i < 5; i++) expect(await authenticator.authenticate(unknown)).toBeNull();
    expect(spy.queries).toBe(1);
    jest.setSystemTime(1_000_000 + UNKNOWN_TOKEN_TTL_MS - 1);
    expect(await authenticator.authenticate(unknown)).toBeNull();
    expect(spy.queries).toBe(1);
    jest.setSystemTime(1_000_000 + UNKNOWN_TOKEN_TTL_MS + 1);
    expect(await authenticator.authenticate(unknown)).toBeNull();
    expect(spy.queries).toBe(2);
  });

  it('a token revoked here is answered unknown with no query; other tokens, and a token issued after, are looked up', async () => {
    const [revoked, issuedLater] = [newToken(), newToken()];
    const live = new Map([[hashToken(revoked), 'env_a']]);
    const { spy, authenticator } = spyRepository(live);
    expect(await authenticator.authenticate(revoked)).toEqual({ ...access('env_a'), tokenHash: hashToken(revoked) });
    live.delete(hashToken(revoked));
    authenticator.forget(hashToken(revoked));
    const before = spy.queries;
    expect(await authenticator.authenticate(revoked)).toBeNull();
    expect(spy.queries).toBe(before);
    // A new token has a new random value: nothing remembered as unknown shadows it.
    live.set(hashToken(issuedLater), 'env_a');
    expect(await authenticator.authenticate(issuedLater)).toEqual({ ...access('env_a'), tokenHash: hashToken(issuedLater) });
  });

  it('looks up at most TOKEN_LOOKUP_SLOTS tokens at once; the others wait in memory', async () => {
    const { spy, authenticator } = spyRepository();
    let release!: () => void;
    spy.hold = new Promise((resolve) => (release = resolve));
    const flood = Array.from({ length: 50 }, () => authenticator.authenticate(newToken()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(spy.running).toBe(TOKEN_LOOKUP_SLOTS);
    release();
    expect(await Promise.all(flood)).toEqual(Array(50).fill(null));
    expect([spy.queries, spy.mostAtOnce]).toEqual([50, TOKEN_LOOKUP_SLOTS]);
  });

  it('asks the gate right before each lookup and tells it of each unknown token; a refusal comes before any query; a live cached token or a remembered unknown one never asks', async () => {
    const liveToken = newToken();
    const { spy, authenticator } = spyRepository(new Map([[hashToken(liveToken), 'env_a']]));
    const { gate, calls } = recordingGate();
    const unknown = newToken();
    expect(await authenticator.authenticate(liveToken, gate)).not.toBeNull();
    expect(await authenticator.authenticate(unknown, gate)).toBeNull();
    expect(calls).toEqual(['admit', 'admit', 'failed']);
    gate.refuse = true;
    const queries = spy.queries;
    await expect(authenticator.authenticate(newToken(), gate)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(spy.queries).toBe(queries);
    // Known live (cached) and known unknown: answered without the gate.
    expect(await authenticator.authenticate(liveToken, gate)).not.toBeNull();
    expect(await authenticator.authenticate(unknown, gate)).toBeNull();
    expect(await authenticator.authenticate('not-a-token', gate)).toBeNull();
    expect(calls).toEqual(['admit', 'admit', 'failed', 'admit']);
  });

  it('does not remember a token as unknown when the lookup failed (database down)', async () => {
    let calls = 0;
    const repository = {
      authenticate: () => (++calls === 1 ? Promise.reject(new Error('connection refused')) : Promise.resolve(null)),
    } as unknown as ApiTokenRepository;
    const authenticator = new TokenAuthenticator(repository, NO_ENVIRONMENTS);
    const token = newToken();
    await expect(authenticator.authenticate(token)).rejects.toThrow('connection refused');
    expect(await authenticator.authenticate(token)).toBeNull();
    expect(calls).toBe(2);
  });
});

describe('UnknownTokens', () => {
  it('keeps at most its bound, forgetting the oldest first', () => {
    const unknown = new UnknownTokens(60_000, 3);
    for (const hash of ['a', 'b', 'c']) unknown.add(hash);
    unknown.add('a'); // again: now the newest
    unknown.add('d');
    expect(unknown.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((hash) => unknown.has(hash))).toEqual([true, false, true, true]);
  });
});
