import { expectRefusal } from '../../test/support/decider-spec';
import { documentRef, invalidTransition, isText, listOf, own, requireRole, text, texts } from './checks';
import { fold } from './decider';
import { DomainError, forbidden, illegalState, notFound, validation } from './errors';
import { enterpriseDecider } from './enterprise/enterprise.decider';
import { Actor } from './messages';
import { programCycleDecider } from './program-cycle/program-cycle.decider';
import { projectDecider } from './project/project.decider';

const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };

describe('the checks every decider makes alike', () => {
  const deciders = [
    ['project', projectDecider],
    ['enterprise', enterpriseDecider],
    ['program cycle', programCycleDecider],
  ] as const;

  it.each(deciders)('the %s decider answers a command type its role table lacks as an unknown command', (_name, decider) => {
    for (const type of ['Bogus', 'constructor', 'toString']) {
      const command = { type, data: {}, actor: office, now: '2025-09-01T10:00:00+08:00', context: {} };
      let refusal: unknown;
      try {
        (decider.decide as (command: unknown, state: unknown) => unknown)(command, decider.initialState);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).toMatchObject({ code: 'unknown-command', kind: 'validation' });
    }
  });
});

describe('the shared checks, one by one', () => {
  const table = { Approve: ['office'], Apply: ['applicant', 'office'] } as const;
  const issue = (type: string, actor: Actor) => () => requireRole(table as never, { type, actor } as never);

  describe('requireRole', () => {
    const applicant: Actor = { id: 'u-a', role: 'applicant', org: 'school-a' };

    it('lets every role the table names for the command through', () => {
      expect(issue('Apply', applicant)()).toBeUndefined();
      expect(issue('Apply', office)()).toBeUndefined();
      expect(issue('Approve', office)()).toBeUndefined();
    });

    it('refuses a role the table does not name, naming the role and the command', () => {
      expectRefusal(issue('Approve', applicant), 'role-not-allowed', 'forbidden', { role: 'applicant', command: 'Approve' });
    });

    it('refuses in the caller’s own words when it gives them, with the roles allowed', () => {
      const refuse = jest.fn((actor: Actor, type: string, allowed: readonly string[]) => forbidden('not-yours', `${actor.role} ${type} ${allowed.join()}`));
      expectRefusal(() => requireRole(table, { type: 'Approve', actor: applicant }, refuse), 'not-yours', 'forbidden');
      expect(refuse).toHaveBeenCalledWith(applicant, 'Approve', ['office']);
    });

    it.each(['Bogus', 'constructor', 'hasOwnProperty'])('answers a type the table lacks (%s) as an unknown command', (type) => {
      const refusal = expectRefusal(issue(type, office), 'unknown-command', 'validation');
      expect(refusal.message).toContain(type);
    });
  });

  it('words an invalid transition with the command, the status and what would allow it', () => {
    const refusal = invalidTransition('project', 'Approve', 'Draft', 'UnderReview');
    expect(refusal).toMatchObject({ kind: 'illegal-state', code: 'invalid-transition', details: { command: 'Approve', status: 'Draft', expected: 'UnderReview' } });
    expect(refusal.message).toBe('Approve is not possible while the project is Draft');
  });

  describe('texts', () => {
    it.each([
      [null, false],
      [undefined, false],
      ['', false],
      [' \t\n', false],
      ['x', true],
      [' 理由 ', true],
    ])('isText(%j) is %s', (value, expected) => {
      expect(isText(value)).toBe(expected);
    });

    it('keeps a text as given, and refuses a blank one with the caller’s code, saying what is required', () => {
      expect(text(' 理由 ', 'reason-required', 'the reason')).toBe(' 理由 ');
      const refusal = expectRefusal(() => text('  ', 'reason-required', 'the reason'), 'reason-required', 'validation');
      expect(refusal.message).toBe('the reason is required');
      expectRefusal(() => text(undefined, 'reason-required', 'the reason'), 'reason-required', 'validation');
    });

    it('takes exactly the minimum number of items, and refuses one fewer', () => {
      expect(texts(['a', 'b'], 'fields-required', 'fields', 2)).toEqual(['a', 'b']);
      const refusal = expectRefusal(() => texts(['a'], 'fields-required', 'fields', 2), 'fields-required', 'validation');
      expect(refusal.message).toBe('at least 2 fields required');
    });

    it('counts an absent list as empty', () => {
      expect(texts(undefined, 'c', 'items', 0)).toEqual([]);
      expectRefusal(() => texts(undefined, 'c', 'items', 1), 'c', 'validation');
      expect(listOf(undefined, 0, 'c', 'items', (item: number) => item * 2)).toEqual([]);
    });

    it('checks every item of a list, and returns what each check made of it', () => {
      expect(listOf([1, 2, 3], 3, 'c', 'items', (item) => item * 2)).toEqual([2, 4, 6]);
      expectRefusal(() => texts(['a', ' '], 'invalid-affiliation', 'affiliations', 0), 'invalid-affiliation', 'validation');
    });
  });

  describe('documentRef', () => {
    const uploaded = { sha256: 'ab'.repeat(32), name: '方案.pdf', size: 1024 };

    it('copies a reference into plain data, with its media type when it has one', () => {
      const instance = Object.assign(Object.create({ inherited: true }) as object, { ...uploaded, mediaType: 'application/pdf' });
      const copied = documentRef(instance as typeof uploaded);
      expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
      expect(copied).toStrictEqual({ ...uploaded, mediaType: 'application/pdf' });
    });

    it('leaves the media type out when the reference has none', () => {
      expect(Object.keys(documentRef(uploaded))).toEqual(['sha256', 'name', 'size']);
    });

    it('refuses a document whose name is blank', () => {
      expectRefusal(() => documentRef({ ...uploaded, name: ' ' }), 'invalid-document', 'validation');
    });
  });

  it('reads only a record’s own keys, never its prototype’s', () => {
    const record: Record<string, number> = { a: 1, zero: 0 };
    expect(own(record, 'a')).toBe(1);
    expect(own(record, 'zero')).toBe(0);
    expect(own(record, 'toString')).toBeUndefined();
    expect(own(record, 'b')).toBeUndefined();
  });
});

describe('domain errors', () => {
  it.each([
    ['validation', validation],
    ['illegal-state', illegalState],
    ['forbidden', forbidden],
    ['not-found', notFound],
  ] as const)('of kind %s are made with their kind, code, message and details', (kind, make) => {
    const error = make('some-code', 'a sentence', { limit: 3 });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, kind: error.kind, code: error.code, message: error.message, details: error.details }).toEqual({
      name: 'DomainError',
      kind,
      code: 'some-code',
      message: 'a sentence',
      details: { limit: 3 },
    });
  });
});

describe('fold', () => {
  it('folds events onto the initial state, in order', () => {
    const decider = { initialState: [] as string[], evolve: (state: string[], event: string) => [...state, event] };
    expect(fold(decider, [])).toEqual([]);
    expect(fold(decider, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });
});
