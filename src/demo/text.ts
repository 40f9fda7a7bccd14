/** Display width in a terminal: CJK characters and full-width punctuation take two columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

export const padEnd = (text: string, n: number) => text + ' '.repeat(Math.max(0, n - displayWidth(text)));
export const padStart = (text: string, n: number) => ' '.repeat(Math.max(0, n - displayWidth(text))) + text;
export const count = (n: number) => n.toLocaleString('en-US');
