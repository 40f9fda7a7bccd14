import { Decider } from '../../src/domain/decider';
import { DomainError, DomainErrorKind } from '../../src/domain/errors';

/**
 * Given/when/then for deciders:
 *
 *   given(decider, pastEvents).when(command).then(expectedEvents)
 *   given(decider, pastEvents).when(command).thenThrows('quota-exceeded', 'illegal-state', { quota: 51, approved: 51 })
 *
 * `then` asserts deep equality of the produced events, that they are plain JSON data (what a store
 * gives back must equal what was written), and that `evolve` folds them without throwing.
 * `thenThrows` asserts the refusal's code, its kind and, where given, its details (deep equality: the
 * limit, revision or party they name is what a client shows), and always that it says something to a
 * person (the problem's `detail`). Both return what they checked, for further assertions. Every state is deep-frozen, so a `decide` or
 * an `evolve` that changed a state in place would throw: the command path keeps folded states and
 * decides on them again.
 */
export interface DeciderScenario<State, Event> {
  then(expected: readonly Event[]): Event[];
  thenThrows(code: string, kind?: DomainErrorKind, details?: Record<string, unknown>): DomainError;
}

export interface GivenScenario<State, Command, Event> {
  /** The state folded from the given events. */
  readonly state: State;
  when(command: Command): DeciderScenario<State, Event>;
}

export function given<State, Command, Event>(
  decider: Decider<State, Command, Event>,
  events: readonly Event[] = [],
): GivenScenario<State, Command, Event> {
  const state = frozenFold(decider, events);
  return {
    state,
    when(command: Command): DeciderScenario<State, Event> {
      return {
        then(expected) {
          const produced = decider.decide(command, state);
          expect(produced).toEqual(expected);
          for (const [i, event] of produced.entries()) {
            const problem = nonJsonPath(event, `events[${i}]`);
            if (problem) throw new Error(`event data is not plain JSON at ${problem}`);
          }
          frozenFold(decider, [...events, ...produced]);
          return produced;
        },
        thenThrows(code, kind, details) {
          return expectRefusal(() => decider.decide(command, state), code, kind, details);
        },
      };
    },
  };
}

/**
 * The DomainError that `act` throws, checked as `thenThrows` checks it; for the domain's functions
 * that are not deciders (catalog, calendar, access).
 */
export function expectRefusal(act: () => unknown, code: string, kind?: DomainErrorKind, details?: Record<string, unknown>): DomainError {
  let produced: unknown;
  try {
    produced = act();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect({ code: error.code, ...(kind ? { kind: error.kind } : {}), ...(details ? { details: error.details } : {}) }).toEqual({
      code,
      ...(kind ? { kind } : {}),
      ...(details ? { details } : {}),
    });
    expect(error.message.trim()).not.toBe('');
    return error;
  }
  throw new Error(`expected DomainError '${code}', but got ${JSON.stringify(produced)}`);
}

/** Freezes a value and everything it holds, so that any change in place throws (modules are strict). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value as Record<string, unknown>)) deepFreeze(item);
  }
  return value;
}

/** `fold`, with the initial state and each state after it frozen. */
export function frozenFold<State, Event>(decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>, events: readonly Event[]): State {
  return events.reduce((state, event) => deepFreeze(decider.evolve(state, event)), deepFreeze(decider.initialState));
}

/**
 * The path of the first value that would not survive a JSON round trip unchanged (Date, bigint,
 * class instance, function, non-finite number, `undefined` inside an array), or null. An
 * `undefined` object property is tolerated: JSON drops it and deep equality ignores it.
 */
export function nonJsonPath(value: unknown, path = '$'): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      if (item === undefined) return `${path}[${i}]`;
      const inner = nonJsonPath(item, `${path}[${i}]`);
      if (inner) return inner;
    }
    return null;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return path;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined) continue;
      const inner = nonJsonPath(item, `${path}.${key}`);
      if (inner) return inner;
    }
    return null;
  }
  return path;
}
