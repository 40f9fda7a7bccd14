import { given } from '../../../test/support/decider-spec';
import { Actor } from '../messages';
import { ProgramCommand } from './program.commands';
import { placesGiven, programDecider, targetOf } from './program.decider';
import { ProgramEvent } from './program.events';

const office: Actor = { id: 'office-1', role: 'office', org: '山西省教育厅' };
const NOW = '2027-08-01T10:00:00+08:00';
const context = { catalogTarget: 200 };
const allocate = (cycleId: string, quota: number, catalogTarget: number | null = 200): ProgramCommand => ({
  type: 'AllocateQuota',
  data: { cycleId, quota },
  actor: office,
  now: NOW,
  context: { catalogTarget },
});
const allocated = (cycleId: string, quota: number, total: number, target: number | null = 200): ProgramEvent => ({
  type: 'QuotaAllocated',
  data: { cycleId, quota, target, allocated: total, allocatedAt: NOW },
});

describe('program decider: places across batches within the target', () => {
  it('given 150 places given of 200, when a batch asks for 50, then it is allocated; for 51, then 409 program-target-exceeded with what is left', () => {
    given(programDecider, [allocated('a', 150, 150)]).when(allocate('b', 50)).then([allocated('b', 50, 200)]);
    const error = given(programDecider, [allocated('a', 150, 150)]).when(allocate('b', 51)).thenThrows('program-target-exceeded', 'illegal-state');
    expect(error.details).toEqual({ target: 200, given: 150, quota: 51, left: 50 });
  });

  it('caps nothing for a program without a target, and allocates a cycle once', () => {
    given(programDecider, []).when(allocate('g', 5000, null)).then([allocated('g', 5000, 5000, null)]);
    given(programDecider, [allocated('a', 150, 150)]).when(allocate('a', 150)).then([]);
    given(programDecider, [allocated('a', 150, 150)]).when(allocate('a', 10)).thenThrows('quota-already-allocated', 'illegal-state');
  });

  it('given a raised target, when batches are allocated, then the raised target caps them', () => {
    const raised: ProgramEvent = { type: 'ProgramTargetRaised', data: { from: 200, to: 250, reason: '扩大', raisedAt: NOW } };
    given(programDecider, [allocated('a', 200, 200), raised]).when(allocate('b', 50)).then([allocated('b', 50, 250, 250)]);
    given(programDecider, [allocated('a', 200, 200), raised]).when(allocate('b', 51)).thenThrows('program-target-exceeded');
  });

  it('raises the target above the one in force with a reason, for programs that have one, by the office alone', () => {
    const raise = (target: number, reason = '省政府同意扩大建设规模', catalogTarget: number | null = 200, actor = office): ProgramCommand => ({ type: 'RaiseTarget', data: { target, reason }, actor, now: NOW, context: { catalogTarget } });
    given(programDecider, []).when(raise(250)).then([{ type: 'ProgramTargetRaised', data: { from: 200, to: 250, reason: '省政府同意扩大建设规模', raisedAt: NOW } }]);
    given(programDecider, []).when(raise(200)).thenThrows('target-not-raised', 'validation');
    given(programDecider, []).when(raise(250, ' ')).thenThrows('reason-required', 'validation');
    given(programDecider, []).when(raise(250, '扩大', null)).thenThrows('program-without-target', 'illegal-state');
    given(programDecider, []).when(raise(250, '扩大', 200, { ...office, role: 'applicant' })).thenThrows('role-not-allowed', 'forbidden');
  });

  it('gives back the quota of a cycle that did not open, and nothing for one never allocated', () => {
    const release = (cycleId: string): ProgramCommand => ({ type: 'ReleaseQuota', data: { cycleId, reason: 'refused: window invalid' }, actor: office, now: NOW, context });
    const [event] = given(programDecider, [allocated('a', 150, 150)]).when(release('a')).then([{ type: 'QuotaReleased', data: { cycleId: 'a', quota: 150, reason: 'refused: window invalid', releasedAt: NOW } }]);
    const state = [allocated('a', 150, 150), event].reduce(programDecider.evolve, programDecider.initialState);
    expect([placesGiven(state), targetOf(state, 200)]).toEqual([0, 200]);
    given(programDecider, []).when(release('x')).then([]);
  });
});
