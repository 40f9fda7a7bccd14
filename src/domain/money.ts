/**
 * Amounts of money are yuan (CNY) with at most two decimals. They are compared and added in whole fen,
 * so 0.1 + 0.2 is 0.3 exactly.
 */

/** Yuan to whole fen. */
export const fen = (yuan: number): number => Math.round(yuan * 100);

/** Whole fen to yuan. */
export const yuan = (fen: number): number => fen / 100;

/** The sum of amounts, to the fen. */
export const sumOf = (amounts: readonly number[]): number => yuan(amounts.reduce((total, amount) => total + fen(amount), 0));

/** A positive amount below a trillion yuan, to the fen. */
export const isAmount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1e12 && Math.abs(fen(value) - value * 100) < 1e-6;
