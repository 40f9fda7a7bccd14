import { expectRefusal } from '../../../test/support/decider-spec';
import { DomainError } from '../errors';
import { COMMON_PASSWORDS, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, checkPassword, normalizePassword, requireAcceptablePassword } from './password-policy';

const context = { account: 'zhang.wei@tyvc.edu.cn', name: 'Zhang Wei' };
const codes = (password: string, ctx: Parameters<typeof checkPassword>[1] = context) => checkPassword(password, ctx).map((r) => r.code);

describe('password policy', () => {
  it('accepts a long passphrase of lower-case letters only: no composition rules', () => {
    expect(checkPassword('correct horse battery staple', context)).toEqual([]);
    expect(checkPassword('tulipsbloominjinci', context)).toEqual([]);
  });

  it('counts length in code points: twelve Chinese characters or emoji are enough, eleven are not', () => {
    expect(codes('汾河两岸杨柳青青春风又绿')).toEqual([]);
    expect(codes('汾河两岸杨柳青青春风又')).toEqual(['password-too-short']);
    // Each of these emoji is two UTF-16 units; twelve different ones are twelve characters.
    expect(codes('🍎🍊🍋🍌🍉🍇🍓🫐🍈🍒🍑🥭')).toEqual([]);
    expect(codes('🍎🍊🍋🍌🍉🍇🍓🫐🍈🍒🍑')).toEqual(['password-too-short']);
  });

  it('refuses fewer than 12 and more than 128 characters, and accepts both bounds', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_LENGTH).toBe(128);
    const passphrase = 'the quick brown fox jumps over a lazy dog by the river at dawn ';
    expect(codes(passphrase.slice(0, 11))).toEqual(['password-too-short']);
    expect(codes(passphrase.slice(0, 12))).toEqual([]);
    const long = passphrase.repeat(3);
    expect(codes(long.slice(0, 128))).toEqual([]);
    expect(codes(long.slice(0, 129))).toEqual(['password-too-long']);
    expect(codes('')).toEqual(['password-too-short']);
  });

  it('refuses one character or one short group repeated, but not a longer password that happens to repeat a word', () => {
    expect(codes('aaaaaaaaaaaa')).toEqual(['password-repetitive']);
    expect(codes('111111111111')).toEqual(['password-repetitive']);
    expect(codes('abababababab')).toEqual(['password-repetitive']);
    expect(codes('abcabcabcabca')).toEqual(['password-repetitive']);
    expect(codes('哈哈哈哈哈哈哈哈哈哈哈哈')).toEqual(['password-repetitive']);
    expect(codes('horsehorsehorse')).toEqual([]);
  });

  it('refuses runs of consecutive characters, upwards and downwards, digits wrapping 9 to 0', () => {
    expect(codes('abcdefghijkl')).toEqual(['password-sequential']);
    expect(codes('ZYXWVUTSRQPO')).toEqual(['password-sequential']);
    expect(codes('890123456789')).toEqual(['password-sequential']);
    expect(codes('987654321098')).toEqual(['password-sequential']);
    expect(codes('abcdefghijkm')).toEqual([]);
  });

  it('refuses the account name, its e-mail local part and the person’s name or its parts, whatever the case', () => {
    expect(codes('my-ZHANG.WEI@tyvc.edu.cn-pass')).toContain('password-contains-account');
    expect(codes('Zhang.Wei.loves.tea')).toEqual(['password-contains-account', 'password-contains-name']);
    expect(codes('ZhangWei planted trees')).toEqual(['password-contains-name']);
    expect(codes('mister zhang likes tea')).toEqual(['password-contains-name']);
    expect(codes('a big WEI tree', { account: 'lilin', name: 'Zhang Wei' })).toEqual(['password-contains-name']);
    expect(codes('lilin climbs mountains', { account: 'lilin' })).toEqual(['password-contains-account']);
  });

  it('ignores names and account names shorter than three characters, such as most Chinese names', () => {
    expect(codes('王伟的春天来了，草木都绿了', { account: 'wl', name: '王伟' })).toEqual([]);
    expect(codes('张家兴家的春天来了，草木绿', { account: 'wl', name: '张家兴' })).toEqual(['password-contains-name']);
  });

  it('refuses the common passwords of the blocklist, case-insensitively, and names why even when short', () => {
    expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(30);
    for (const common of ['123456789012', 'qwertyuiop12', 'woaini1314520', 'Password1234', 'WoAiNi5201314']) {
      expect(codes(common)).toContain('password-common');
    }
    expect(codes('password123')).toEqual(['password-too-short', 'password-common']);
    expect(codes('password12345')).toEqual([]);
  });

  it('compares full-width input like its ASCII form', () => {
    expect(normalizePassword('ｐａｓｓｗｏｒｄ１２３４')).toBe('password1234');
    expect(codes('ｐａｓｓｗｏｒｄ１２３４')).toEqual(['password-common']);
  });

  it('lists every reason at once, each with a Chinese and an English message', () => {
    const reasons = checkPassword('zhang', { account: 'zhang', name: 'zhang' });
    expect(reasons.map((r) => r.code)).toEqual(['password-too-short', 'password-contains-account', 'password-contains-name']);
    for (const reason of reasons) {
      expect(reason.message).toMatch(/[\u4e00-\u9fff]/);
      expect(reason.messageEn).toMatch(/^The password|^This is/);
    }
    expect(reasons[0].message).toContain('12');
  });

  it('throws a validation DomainError carrying the reasons for a refused password, and nothing for an accepted one', () => {
    expect(() => requireAcceptablePassword('correct horse battery staple', context)).not.toThrow();
    let thrown: unknown;
    try {
      requireAcceptablePassword('aaaaaaaaaaaa', context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ kind: 'validation', code: 'password-refused', details: { reasons: [{ code: 'password-repetitive' }] } });
  });
});

describe('password policy, rule by rule', () => {
  const alone = { account: 'qiao' };

  it('judges repetition and runs only from two and three characters on', () => {
    expect(codes('a', alone)).toEqual(['password-too-short']);
    expect(codes('aa', alone)).toEqual(['password-too-short', 'password-repetitive']);
    expect(codes('ab', alone)).toEqual(['password-too-short']);
    expect(codes('abc', alone)).toEqual(['password-too-short', 'password-sequential']);
    expect(codes('xyqz', alone)).toEqual(['password-too-short']);
    expect(codes('abca', alone)).toEqual(['password-too-short', 'password-repetitive']);
  });

  it('refuses a block of up to four characters repeated, not one of five', () => {
    expect(codes('abcdabcdabcd', alone)).toEqual(['password-repetitive']);
    expect(codes('abcdeabcdeab', alone)).toEqual([]);
    expect(codes('aabaabaabaab', alone)).toEqual(['password-repetitive']);
    expect(codes('aaaaaaaaaaab', alone)).toEqual([]);
  });

  it('refuses a run whatever its case, across digits and punctuation, and not a run of steps of two', () => {
    expect(codes('aBcDeFgHiJkL', alone)).toEqual(['password-sequential']);
    expect(codes('LkJiHgFeDcBa', alone)).toEqual(['password-sequential']);
    expect(codes('456789:;<=>?', alone)).toEqual(['password-sequential']);
    expect(codes('210987654321', alone)).toEqual(['password-sequential']);
    expect(codes('acegikmoqsuw', alone)).toEqual([]);
    expect(codes('abcdefghijkk', alone)).toEqual([]);
    expect(codes('135791357913', alone)).toEqual([]);
  });

  it('checks the whole account name, trimmed, and the local part only of an e-mail address', () => {
    expect(codes('lilin-climbs-mountains', { account: '  lilin  ' })).toEqual(['password-contains-account']);
    expect(codes('lilies in a quiet field', { account: 'lilin' })).toEqual([]);
    expect(codes('lilin climbs mountains', { account: 'lilin@' })).toEqual(['password-contains-account']);
  });

  it.each([
    ['阿依古丽·买买提', '买买提的春天来了，草木都绿了'],
    ['Jean-Luc Picard', 'make it so, picard, engage'],
    ['li_ming_yuan', 'yuan is the currency here'],
    ['J. R. Tolkien', 'tolkien wrote of hobbits'],
    ['Zhang  Wei', 'dear zhangwei, hello there'],
    ['  Zhang Wei  ', 'says zhang wei, hello there'],
  ])('refuses a part of the name %p', (name, password) => {
    expect(codes(password, { account: 'qiao', name })).toEqual(['password-contains-name']);
  });

  it('lists the common passwords in lower case, each once, all but one of the minimum length', () => {
    const shortOnes = COMMON_PASSWORDS.filter((p) => [...p].length < MIN_PASSWORD_LENGTH);
    expect(shortOnes).toEqual(['password123']);
    expect(COMMON_PASSWORDS.every((p) => p === normalizePassword(p).toLowerCase())).toBe(true);
    expect(new Set(COMMON_PASSWORDS).size).toBe(COMMON_PASSWORDS.length);
  });

  it('gives every reason its own message in Chinese and in English, naming the limits', () => {
    const reasons = [
      ...checkPassword('aaaaaaaaaaaa'.repeat(11), { account: 'qiao' }),
      ...checkPassword('abcdefghijklmn', { account: 'qiao' }),
      ...checkPassword('qiaoqiao-and-wei-lin', { account: 'qiao', name: 'Wei Lin' }),
      ...checkPassword('password123', { account: 'qiao' }),
    ];
    expect(reasons.map((r) => r.code)).toEqual([
      'password-too-long', 'password-repetitive', 'password-sequential', 'password-contains-account', 'password-contains-name', 'password-too-short', 'password-common',
    ]);
    for (const reason of reasons) {
      expect(reason.message).toMatch(/[\u4e00-\u9fff]/);
      expect(reason.messageEn).toMatch(/^(The password|This is) .{10,}/);
    }
    expect(new Set(reasons.map((r) => r.message)).size).toBe(reasons.length);
    expect(new Set(reasons.map((r) => r.messageEn)).size).toBe(reasons.length);
    expect([reasons[0].message, reasons[0].messageEn, reasons[5].messageEn]).toEqual([
      expect.stringContaining('128'), expect.stringContaining('128'), expect.stringContaining('12 characters'),
    ]);
  });

  it('refuses with every reason in its details and its message', () => {
    const reasons = checkPassword('aaaa', context);
    const error = expectRefusal(() => requireAcceptablePassword('aaaa', context), 'password-refused', 'validation', { reasons });
    expect(error.message).toBe(`${reasons[0].messageEn} ${reasons[1].messageEn}`);
  });
});
