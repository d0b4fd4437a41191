import { Slots, SlotsClosedError } from '../../src/lib/slots';

/** Work that finishes when the test says so, recording when it began. */
function work(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { run: () => (log.push(name), done), finish };
}

describe('Slots', () => {
  it('runs at most `size` at once, the others in order of arrival, and is idle afterwards', async () => {
    const slots = new Slots(2);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => work(log, name));
    const all = [a, b, c, d].map((w) => slots.run(w.run));
    await Promise.resolve();
    expect(log).toEqual(['a', 'b']);
    b.finish();
    await all[1];
    expect(log).toEqual(['a', 'b', 'c']);
    a.finish();
    await all[0];
    expect(log).toEqual(['a', 'b', 'c', 'd']);
    expect(slots.idle).toBe(false);
    c.finish();
    d.finish();
    await Promise.all(all);
    expect(slots.idle).toBe(true);
  });

  it('begins the work before returning when a slot is free, and counts those waiting', () => {
    const slots = new Slots(1);
    const log: string[] = [];
    const [a, b] = ['a', 'b'].map((name) => work(log, name));
    void slots.run(a.run);
    expect(log).toEqual(['a']); // no turn of the event loop in between
    expect(slots.full).toBe(true);
    void slots.run(b.run);
    expect(slots.waiting).toBe(1);
    expect(log).toEqual(['a']);
    a.finish();
    b.finish();
  });

  it('frees the slot when the work fails', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });

  it('on close, refuses those waiting and those coming, and lets holders finish', async () => {
    const slots = new Slots(1);
    const log: string[] = [];
    const holder = work(log, 'holder');
    const held = slots.run(holder.run);
    const waiting = slots.run(async () => 'never');
    expect(slots.close()).toBe(1);
    await expect(waiting).rejects.toBeInstanceOf(SlotsClosedError);
    await expect(slots.run(async () => 'never')).rejects.toBeInstanceOf(SlotsClosedError);
    holder.finish();
    await expect(held).resolves.toBeUndefined();
    expect(slots.idle).toBe(true);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new Slots(0)).toThrow(RangeError);
  });
});
