import { LastLines } from '../../src/lib/last-lines';

describe('LastLines', () => {
  it('keeps the last `max` lines, oldest first', () => {
    const lines = new LastLines(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) lines.push(line);
    expect(lines.length).toBe(3);
    expect(`${lines}`).toBe('c\nd\ne');
  });
});
