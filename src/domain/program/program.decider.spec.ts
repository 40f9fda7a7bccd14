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

  it('refuses a release without a reason', () => {
    const blank: ProgramCommand = { type: 'ReleaseQuota', data: { cycleId: 'a', reason: ' ' }, actor: office, now: NOW, context };
    given(programDecider, [allocated('a', 150, 150)]).when(blank).thenThrows('reason-required', 'validation');
  });

  it('names the cycle and the quota it holds when another quota is asked for it', () => {
    given(programDecider, [allocated('a', 150, 150)]).when(allocate('a', 10)).thenThrows('quota-already-allocated', 'illegal-state', { cycleId: 'a', quota: 150 });
  });

  it('says nothing is left, never less, when the places given already pass a target the catalog lowered', () => {
    const error = given(programDecider, [allocated('a', 150, 150)]).when(allocate('b', 1, 100)).thenThrows('program-target-exceeded', 'illegal-state');
    expect(error.details).toEqual({ target: 100, given: 150, quota: 1, left: 0 });
  });

  it('adds the quotas of every cycle, and counts a released one no more', () => {
    const events = [allocated('a', 150, 150), allocated('b', 30, 180)];
    given(programDecider, events).when(allocate('c', 20)).then([allocated('c', 20, 200)]);
    const released: ProgramEvent = { type: 'QuotaReleased', data: { cycleId: 'b', quota: 30, reason: 'x', releasedAt: NOW } };
    given(programDecider, [...events, released]).when(allocate('c', 50)).then([allocated('c', 50, 200)]);
  });

  it('raises a raised target only above itself, by a whole number, naming the target in force', () => {
    const raise = (target: number): ProgramCommand => ({ type: 'RaiseTarget', data: { target, reason: '再扩大' }, actor: office, now: NOW, context });
    const raised: ProgramEvent = { type: 'ProgramTargetRaised', data: { from: 200, to: 250, reason: '扩大', raisedAt: NOW } };
    given(programDecider, [raised]).when(raise(251)).then([{ type: 'ProgramTargetRaised', data: { from: 250, to: 251, reason: '再扩大', raisedAt: NOW } }]);
    given(programDecider, [raised]).when(raise(250)).thenThrows('target-not-raised', 'validation', { current: 250, target: 250 });
    given(programDecider, [raised]).when(raise(260.5)).thenThrows('target-not-raised', 'validation', { current: 250, target: 260.5 });
    expect(targetOf([raised].reduce(programDecider.evolve, programDecider.initialState), null)).toBe(250);
  });

  it('folds an event it does not know into the same state', () => {
    const state = [allocated('a', 150, 150)].reduce(programDecider.evolve, programDecider.initialState);
    expect(programDecider.evolve(state, { type: 'SomethingElse', data: {} } as unknown as ProgramEvent)).toBe(state);
    expect(placesGiven(state)).toBe(150);
  });
});
