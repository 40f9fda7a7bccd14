import { validation } from '../errors';

/**
 * Which passwords a person may choose for a local account.
 *
 * The policy follows NIST SP 800-63B ("Memorized Secret Verifiers", §5.1.1.2; "Password Verifiers",
 * §3.1.1.2 of revision 4): length matters more than composition, so there is no rule demanding a digit, a
 * capital or a symbol, and every character, spaces and Chinese characters included, is allowed; instead a
 * password is refused when it is short, when it is on a blocklist of the passwords people choose most
 * often, when it is repetitive or sequential, or when it contains the account name or the person's own
 * name. A password is never forced to change on a schedule: only when there is evidence it was
 * compromised (the verifier's job, not this function's). The minimum of 12 is above 800-63B's 8; revision
 * 4 asks 15 where a password is the only factor, so the sign-in that uses it should add the TOTP factor.
 *
 * Length is counted in Unicode code points (a Chinese character or an emoji counts as one), after NFKC
 * normalisation, so the full-width characters a Chinese input method may produce ("ｐａｓｓ１２３")
 * count and compare like their ASCII forms. The password hasher normalises the same way
 * (`normalizePassword`), so a password typed half-width at sign-in matches one chosen full-width.
 *
 * Pure: no clock, no randomness, no I/O. The result lists every reason, so a form can show them all at once.
 */

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

/** Names and account names shorter than this are too common as substrings to refuse ("li", "王伟"). */
const MIN_CONTEXT_WORD_LENGTH = 3;

/** Repeating a block of at most this many characters does not make a password ("abcabcabcabc"). */
const LONGEST_REPEATED_UNIT = 4;

export type PasswordRefusalCode =
  | 'password-too-short'
  | 'password-too-long'
  | 'password-repetitive'
  | 'password-sequential'
  | 'password-contains-account'
  | 'password-contains-name'
  | 'password-common';

/** One reason a password is refused: a stable code, a message in Chinese for the person, and the same in English. */
export interface PasswordRefusal {
  readonly code: PasswordRefusalCode;
  /** 中文, for the person choosing the password. */
  readonly message: string;
  readonly messageEn: string;
}

export interface PasswordContext {
  /** The account's sign-in name (an e-mail address's local part is checked too). */
  readonly account: string;
  /** The person's name, as registered. */
  readonly name?: string;
}

const REFUSALS: { readonly [Code in PasswordRefusalCode]: Omit<PasswordRefusal, 'code'> } = {
  'password-too-short': {
    message: `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符。较长的短语（例如几个词连在一起）比复杂的短密码更安全。`,
    messageEn: `The password must have at least ${MIN_PASSWORD_LENGTH} characters. A longer phrase (several words together) is safer than a short complicated one.`,
  },
  'password-too-long': {
    message: `密码最多 ${MAX_PASSWORD_LENGTH} 个字符。`,
    messageEn: `The password must have at most ${MAX_PASSWORD_LENGTH} characters.`,
  },
  'password-repetitive': {
    message: '密码不能只是同一个字符或同一小段字符的重复（例如 “aaaaaaaaaaaa”、“abcabcabcabc”）。',
    messageEn: 'The password must not be one character or one short group of characters repeated (such as "aaaaaaaaaaaa" or "abcabcabcabc").',
  },
  'password-sequential': {
    message: '密码不能是连续的字符序列（例如 “abcdefghijkl”、“987654321098”）。',
    messageEn: 'The password must not be a run of consecutive characters (such as "abcdefghijkl" or "987654321098").',
  },
  'password-contains-account': {
    message: '密码不能包含账号名。',
    messageEn: 'The password must not contain the account name.',
  },
  'password-contains-name': {
    message: '密码不能包含您的姓名。',
    messageEn: 'The password must not contain your name.',
  },
  'password-common': {
    message: '这是最常被使用的密码之一，很容易被猜到，请换一个。',
    messageEn: 'This is one of the most commonly used passwords and is easy to guess; please choose another.',
  },
};

/**
 * The passwords of at least the minimum length that leaked password lists show most often, western
 * and Chinese (pinyin phrases such as 我爱你一生一世 "woaini1314", keyboard walks, 520 = 我爱你).
 * Compared case-insensitively after normalisation. Shorter favourites ("123456", "woaini") are refused
 * by the length rule already; "password123" stays listed so it is named for what it is.
 */
export const COMMON_PASSWORDS: readonly string[] = [
  'password123',
  'password1234',
  'password123!',
  'passw0rd1234',
  'p@ssw0rd1234',
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456123456',
  '123456654321',
  '123123123123',
  '147258369147',
  'qwertyuiop12',
  'qwertyuiop123',
  '1qaz2wsx3edc',
  '1q2w3e4r5t6y',
  'qwer1234asdf',
  'asdfghjkl123',
  'zxcvbnm12345',
  'iloveyou1234',
  'admin1234567',
  'administrator',
  'welcome12345',
  'abc123456789',
  'woaini131452',
  'woaini1314520',
  'woaini5201314',
  '5201314woaini',
  'woaiwojia123',
  'wodemima1234',
  'mima12345678',
  'zhongguo1234',
  'qq1234567890',
];

const COMMON = new Set(COMMON_PASSWORDS.map((p) => comparable(p)));

/** The form a password is checked and hashed in: NFKC, so full-width and half-width input agree. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

function comparable(text: string): string {
  return normalizePassword(text).toLowerCase();
}

/** Every reason `password` is refused for this account; an empty list when it is accepted. */
export function checkPassword(password: string, context: PasswordContext): PasswordRefusal[] {
  const normalized = normalizePassword(password);
  const points = [...normalized];
  const lower = normalized.toLowerCase();
  const codes: PasswordRefusalCode[] = [];

  if (points.length < MIN_PASSWORD_LENGTH) codes.push('password-too-short');
  if (points.length > MAX_PASSWORD_LENGTH) codes.push('password-too-long');
  if (points.length > 1 && isRepetitive(points)) codes.push('password-repetitive');
  else if (points.length > 2 && isSequential(points)) codes.push('password-sequential');
  if (accountWords(context.account).some((word) => lower.includes(word))) codes.push('password-contains-account');
  if (context.name !== undefined && nameWords(context.name).some((word) => lower.includes(word))) codes.push('password-contains-name');
  if (COMMON.has(lower)) codes.push('password-common');

  return codes.map((code) => ({ code, ...REFUSALS[code] }));
}

/** The same check as a DomainError (validation, code `password-refused`) with the reasons in `details`. */
export function requireAcceptablePassword(password: string, context: PasswordContext): void {
  const reasons = checkPassword(password, context);
  if (reasons.length > 0) {
    throw validation('password-refused', reasons.map((r) => r.messageEn).join(' '), { reasons });
  }
}

/** Whether the password is a block of a few characters repeated to its end (the last repetition may be cut short). */
function isRepetitive(points: readonly string[]): boolean {
  for (let unit = 1; unit <= LONGEST_REPEATED_UNIT && unit < points.length; unit += 1) {
    if (points.every((point, i) => point === points[i % unit])) return true;
  }
  return false;
}

/** Whether every character is the one after (or every one the one before) its predecessor; digits wrap 9 → 0. */
function isSequential(points: readonly string[]): boolean {
  const step = (from: string, to: string): number => {
    if (/^[0-9]$/.test(from) && /^[0-9]$/.test(to)) {
      const d = (Number(to) - Number(from) + 10) % 10;
      return d === 9 ? -1 : d;
    }
    return (to.toLowerCase().codePointAt(0) ?? 0) - (from.toLowerCase().codePointAt(0) ?? 0);
  };
  const first = step(points[0], points[1]);
  if (first !== 1 && first !== -1) return false;
  return points.every((point, i) => i === 0 || step(points[i - 1], point) === first);
}

function longEnough(words: readonly string[]): string[] {
  return [...new Set(words.map(comparable))].filter((word) => [...word].length >= MIN_CONTEXT_WORD_LENGTH);
}

function accountWords(account: string): string[] {
  const whole = account.trim();
  const at = whole.indexOf('@');
  return longEnough(at > 0 ? [whole, whole.slice(0, at)] : [whole]);
}

/** The whole name, the name without spaces ("zhangwei" for "Zhang Wei"), and each part of it. */
function nameWords(name: string): string[] {
  const whole = name.trim();
  const parts = whole.split(/[\s.·・\-_]+/u).filter((part) => part.length > 0);
  return longEnough([whole, parts.join(''), ...parts]);
}
