import { isId, newId } from '../../src/domain/ids';

describe('ids', () => {
  it('formats kind_ + 26 Crockford base32 chars', () => {
    const id = newId('evt');
    expect(id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId('evt', id)).toBe(true);
    expect(isId('sub', id)).toBe(false);
  });

  it('encodes the timestamp so ids sort by time', () => {
    expect(newId('ntf', 0).slice(4, 14)).toBe('0000000000');
    expect(newId('ntf', 2 ** 48 - 1).slice(4, 14)).toBe('7ZZZZZZZZZ');
    const a = newId('att', 1_700_000_000_000);
    const b = newId('att', 1_700_000_000_001);
    expect(a < b).toBe(true);
  });

  it('is unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('tok')));
    expect(ids.size).toBe(1000);
  });

  it.each([
    undefined,
    42,
    '',
    'evt_',
    'evt_0000000000000000000000000',
    'evt_8ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    'evt_01ARZ3NDEKTSV4RRFFQ69G5FAI',
    'EVT_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    'evt_01ARZ3NDEKTSV4RRFFQ69G5FAV ',
  ])('rejects malformed %p', (value) => expect(isId('evt', value)).toBe(false));

  it('rejects out-of-range times', () => {
    expect(() => newId('key', -1)).toThrow(RangeError);
    expect(() => newId('key', 2 ** 48)).toThrow(RangeError);
  });
});
