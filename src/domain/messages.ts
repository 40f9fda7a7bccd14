/**
 * What every command and event of the domain is made of. Event data holds JSON primitives only
 * (ISO-8601 strings for time), so an event read back from any store is deep-equal to the one written.
 */
/**
 * Who acts. `public` is a member of the public who did not sign in: the service acts for them only
 * where a page is open to everyone (an objection to a public notice), never through a grant.
 */
export type Role = 'applicant' | 'recommender' | 'reviewer' | 'office' | 'auditor' | 'public';
/** The roles a person signs in with, through a grant. */
export type SignedInRole = Exclude<Role, 'public'>;
export const ROLES: readonly SignedInRole[] = ['applicant', 'recommender', 'reviewer', 'office', 'auditor'];

/** The person acting, as the authentication layer established them. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
  /** The organisation the person acts for (a school, an enterprise, a city bureau, the department). */
  readonly org: string;
  /** The city a recommender serves, or the city an applicant is located in. */
  readonly region?: string;
  /** A lead's or a liaison's grant limited to one project of the organisation: the one project they act on and read. */
  readonly project?: string;
}

/**
 * A command: `type` and `data` as the client sent them, plus what the application layer knows
 * (who acts, and the current time) — the domain never reads a clock.
 */
export interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly actor: Actor;
  /** ISO-8601 instant at which the command is decided. */
  readonly now: string;
}

export interface Event<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
}

/** A document the applicant or office uploaded, referenced by its content hash. */
export interface DocumentRef {
  readonly sha256: string;
  readonly name: string;
  readonly size: number;
  readonly mediaType?: string;
}
