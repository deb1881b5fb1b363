/** Message patterns served by the users service. Commands are verbs. */
export const UsersPatterns = {
  create: 'users.create',
  list: 'users.list',
  findById: 'users.find-by-id',
  update: 'users.update',
  remove: 'users.remove',
  verifyCredentials: 'users.verify-credentials',
  changePassword: 'users.change-password',
} as const;
export type UsersPattern = (typeof UsersPatterns)[keyof typeof UsersPatterns];

/** Facts the users service publishes. Events are past tense. */
export const UsersEvents = {
  created: 'users.created',
  updated: 'users.updated',
  deleted: 'users.deleted',
  rolesChanged: 'users.roles-changed',
} as const;

export interface UserCreatedEvent {
  id: string;
  email: string;
  roles: string[];
}

/** Fields of an account whose change `users.updated` reports; roles have `users.roles-changed`. */
export type UserChangedField = 'name' | 'profile';

/** The account's name or profile was changed (`changed`: the fields the update set). */
export interface UserUpdatedEvent {
  id: string;
  changed: UserChangedField[];
}

export interface UserDeletedEvent {
  id: string;
}

/** An admin set the user's roles; when some were taken away, tokens carrying them must stop working. */
export interface UserRolesChangedEvent {
  id: string;
  roles: string[];
  /**
   * Roles the user had and no longer has (a demotion when not empty). Always sent by this
   * release; absent from the release before it, which a reader treats as "unknown: maybe a
   * demotion".
   */
  removed?: string[];
}
