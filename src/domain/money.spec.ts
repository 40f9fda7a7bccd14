import { fen, isAmount, sumOf, yuan } from './money';

describe('money: yuan to the fen', () => {
  it('turns yuan into whole fen, rounding what floating point adds, and back', () => {
    expect([fen(0.1), fen(0.29), fen(1.005), fen(600_000.01)]).toEqual([10, 29, 100, 60_000_001]);
    expect([yuan(10), yuan(29), yuan(60_000_001)]).toEqual([0.1, 0.29, 600_000.01]);
  });

  it('adds amounts in fen, so 0.1 + 0.2 is 0.3 exactly, and nothing adds to nothing', () => {
    expect(sumOf([0.1, 0.2])).toBe(0.3);
    expect(sumOf([600_000, 0.07, 0.01])).toBe(600_000.08);
    expect(sumOf([])).toBe(0);
  });

  it.each([0.01, 1, 10.5, 999_999_999_999.99])('accepts %d as an amount', (value) => {
    expect(isAmount(value)).toBe(true);
  });

  it.each([
    ['zero', 0],
    ['a negative amount', -0.01],
    ['a trillion', 1e12],
    ['a thousandth below a fen', 10.001],
    ['a thousandth above', 10.009],
    ['NaN', Number.NaN],
    ['infinity', Number.POSITIVE_INFINITY],
    ['a string', '10'],
    ['nothing', undefined],
  ])('refuses %s as an amount', (_what, value) => {
    expect(isAmount(value)).toBe(false);
  });
});
