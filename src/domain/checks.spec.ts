import { DomainError } from './errors';
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
