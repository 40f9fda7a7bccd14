/**
 * The shape every aggregate of the domain takes: state is a fold of past events, and a command is
 * decided against that state into new events. Both functions are pure: time, ids and the acting
 * user arrive inside the command.
 */
export interface Decider<State, Command, Event> {
  readonly initialState: State;
  /** Total: never throws, so any stored history can always be folded. */
  evolve(state: State, event: Event): State;
  /** Returns the events the command causes, or throws a DomainError when a rule forbids it. */
  decide(command: Command, state: State): Event[];
}

export function fold<State, Event>(decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState);
}
