import { Secret, TOTP, URI } from 'otpauth';
import { DEFAULT_TOTP_ISSUER, newTotpSecret, totpStep, verifyTotp } from './totp';

/** RFC 6238 appendix B: the SHA-1 secret "12345678901234567890", 8-digit codes at fixed times. */
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;
const RFC_VECTORS: readonly [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
];

const AT = new Date('2025-10-09T02:30:10.000Z');
const STEP_MS = 30_000;
const shifted = (steps: number) => new Date(AT.getTime() + steps * STEP_MS);

describe('TOTP', () => {
  const { secret } = newTotpSecret('zhangwei@tyvc.edu.cn');
  const codeAt = (at: Date, of = secret) => TOTP.generate({ secret: Secret.fromBase32(of), timestamp: at.getTime() });

  it('makes a fresh 160-bit base32 secret and an otpauth URI that carries it, the account and the issuer', () => {
    const made = newTotpSecret('zhangwei@tyvc.edu.cn');
    expect(made.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(made.secret).not.toBe(secret);
    expect(made.uri).toMatch(/^otpauth:\/\/totp\//);
    const parsed = URI.parse(made.uri);
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed).toMatchObject({ issuer: DEFAULT_TOTP_ISSUER, label: 'zhangwei@tyvc.edu.cn', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(parsed.secret.base32).toBe(made.secret);
    expect(DEFAULT_TOTP_ISSUER).toBe('山西省职业教育项目管理');
    expect(URI.parse(newTotpSecret('liming', '太原职业技术学院').uri).issuer).toBe('太原职业技术学院');
  });

  it('accepts the RFC 6238 codes (their last six digits) at their times, with the step they belong to', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      const at = new Date(seconds * 1000);
      expect(verifyTotp(RFC_SECRET, code.slice(2), at)).toEqual({ ok: true, step: Math.floor(seconds / 30) });
    }
  });

  it('accepts the codes of the current step and one step either side, and not two steps away', () => {
    const step = totpStep(AT);
    expect(step).toBe(Math.floor(AT.getTime() / STEP_MS));
    expect(verifyTotp(secret, codeAt(AT), AT)).toEqual({ ok: true, step });
    expect(verifyTotp(secret, codeAt(shifted(-1)), AT)).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, codeAt(shifted(1)), AT)).toEqual({ ok: true, step: step + 1 });
    for (const away of [-2, 2, 10]) {
      const code = codeAt(shifted(away));
      // A code of a far step may by chance equal a near one; only a genuinely different code must be refused.
      const near = [-1, 0, 1].map((s) => codeAt(shifted(s)));
      if (!near.includes(code)) expect(verifyTotp(secret, code, AT)).toEqual({ ok: false });
    }
  });

  it('refuses a wrong code and another secret’s code', () => {
    const right = codeAt(AT);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(verifyTotp(secret, wrong, AT)).toEqual({ ok: false });
    const other = newTotpSecret('liming').secret;
    expect(verifyTotp(other, right, AT)).toEqual({ ok: false });
  });

  it('refuses a step at or before the last one used, so a code cannot be replayed', () => {
    const step = totpStep(AT);
    const code = codeAt(AT);
    const first = verifyTotp(secret, code, AT);
    expect(first).toEqual({ ok: true, step });
    expect(verifyTotp(secret, code, AT, step)).toEqual({ ok: false });
    expect(verifyTotp(secret, code, shifted(1), step)).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAt(shifted(-1)), AT, step - 1)).toEqual({ ok: false });
    expect(verifyTotp(secret, code, AT, step - 1)).toEqual({ ok: true, step });
    expect(verifyTotp(secret, codeAt(shifted(1)), AT, step)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses anything but exactly six ASCII digits, even around a right code', () => {
    const code = codeAt(AT);
    const fullWidth = [...code].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
    const rfcEight = RFC_VECTORS[0][1];
    expect(verifyTotp(RFC_SECRET, rfcEight, new Date(59_000))).toEqual({ ok: false });
    for (const bad of ['', code.slice(0, 5), `${code}0`, ` ${code}`, `${code} `, `${code.slice(0, 3)} ${code.slice(3)}`, fullWidth, 'abcdef', `${code.slice(0, 5)}x`]) {
      expect(verifyTotp(secret, bad, AT)).toEqual({ ok: false });
    }
  });

  it('throws for an invalid date or a stored secret that is not a usable base32 secret', () => {
    expect(() => verifyTotp(secret, codeAt(AT), new Date('not a date'))).toThrow(RangeError);
    expect(() => verifyTotp('not base32!', '123456', AT)).toThrow();
    expect(() => verifyTotp('', '123456', AT)).toThrow(RangeError);
  });
});
