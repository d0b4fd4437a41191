import { TokenBuckets } from '../../src/domain/rate-limit';

/** A clock the test moves by hand. */
function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBuckets', () => {
  it('allows a burst, then refuses with the whole seconds until a token is back', () => {
    const time = clock();
    const buckets = new TokenBuckets({ perSecond: 5, burst: 5 }, time.now);
    const answers = Array.from({ length: 6 }, () => buckets.take('a'));
    expect(answers.slice(0, 5)).toEqual(Array(5).fill({ allowed: true }));
    // One token comes back in 200 ms: Retry-After is whole seconds, at least 1.
    expect(answers[5]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(199);
    expect(buckets.take('a').allowed).toBe(false);
    time.advance(1);
    expect(buckets.take('a')).toEqual({ allowed: true });
    expect(buckets.take('a').allowed).toBe(false);
  });

  it('refills at the rate, never above the burst', () => {
    const time = clock();
    const buckets = new TokenBuckets({ perSecond: 100, burst: 200 }, time.now);
    for (let i = 0; i < 200; i++) expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    time.advance(500); // 50 tokens
    let allowed = 0;
    while (buckets.take('a').allowed) allowed++;
    expect(allowed).toBe(50);
    time.advance(3_600_000); // full again, not 360,000
    allowed = 0;
    while (buckets.take('a').allowed) allowed++;
    expect(allowed).toBe(200);
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, clock().now);
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    expect(buckets.take('b').allowed).toBe(true);
  });

  it('tells a slow rate how long to wait: 1 a minute, after the burst, is 60 s', () => {
    const time = clock();
    const buckets = new TokenBuckets({ perSecond: 1 / 60, burst: 1 }, time.now);
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    time.advance(30_000);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 30 });
  });

  it('forgets buckets that have filled up again once it holds its maximum of keys, and never grows past it', () => {
    const time = clock();
    const buckets = new TokenBuckets({ perSecond: 10, burst: 10 }, time.now, 3);
    buckets.take('a');
    buckets.take('b');
    for (let i = 0; i < 10; i++) buckets.take('busy');
    time.advance(100); // a and b are full again, busy has one token
    buckets.take('c');
    expect(buckets.size).toBe(2); // busy and c
    expect(buckets.take('busy').allowed).toBe(true);
    expect(buckets.take('busy').allowed).toBe(false); // busy kept its count
    for (const key of ['d', 'e', 'f', 'g']) buckets.take(key);
    expect(buckets.size).toBeLessThanOrEqual(3);
  });

  it('peek answers what take would, taking nothing and remembering no new key', () => {
    const time = clock();
    const buckets = new TokenBuckets({ perSecond: 1, burst: 2 }, time.now);
    expect(buckets.peek('a')).toEqual({ allowed: true });
    expect(buckets.size).toBe(0);
    buckets.take('a');
    for (let i = 0; i < 5; i++) expect(buckets.peek('a')).toEqual({ allowed: true });
    buckets.take('a');
    expect(buckets.peek('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(1_000);
    expect(buckets.peek('a')).toEqual({ allowed: true });
    expect(buckets.take('a')).toEqual({ allowed: true });
  });
});
