/** Message patterns served by the users service. Commands are verbs. */
export const UsersPatterns = {
  create: 'users.create',
  list: 'users.list',
  findById: 'users.find-by-id',
  update: 'users.update',
  remove: 'users.remove',
  verifyCredentials: 'users.verify-credentials',
  changePassword: 'users.change-password',
  /** Anyone with the link: the email is the account's. */
  verifyEmail: 'users.verify-email',
  /** Anyone: a new verification mail, when the address is an account's and not verified yet (no answer says which). */
  resendVerification: 'users.resend-verification',
  /** Anyone: a reset mail, when the address is an account's (no answer says which). */
  requestPasswordReset: 'users.request-password-reset',
  /** oauth only: a new password from a reset link (oauth then ends the account's sessions). */
  resetPassword: 'users.reset-password',
  totpSetup: 'users.mfa.totp-setup',
  totpConfirm: 'users.mfa.totp-confirm',
  totpDisable: 'users.mfa.totp-disable',
  /** oauth only: the second factor of a login. */
  verifySecondFactor: 'users.mfa.verify',
  /** The owner, through oauth: deletes the account after proving password and second factor. */
  deleteSelf: 'users.delete-self',
} as const;
export type UsersPattern = (typeof UsersPatterns)[keyof typeof UsersPatterns];

/** Facts the users service publishes. Events are past tense. */
export const UsersEvents = {
  created: 'users.created',
  updated: 'users.updated',
  deleted: 'users.deleted',
  rolesChanged: 'users.roles-changed',
  /** The mail worker sends a verification link (minted when it sends: no token travels in the event). */
  emailVerificationRequested: 'users.email-verification.requested',
  /** The mail worker sends a reset link (minted when it sends). */
  passwordResetRequested: 'users.password-reset.requested',
  /** The password was changed or reset: the mail worker tells the owner. */
  passwordChanged: 'users.password.changed',
  /** Two-factor authentication was turned on or off: the mail worker tells the owner. */
  mfaChanged: 'users.mfa.changed',
} as const;

export interface UserCreatedEvent {
  id: string;
  email: string;
  roles: string[];
}

/** Fields of an account whose change `users.updated` reports; roles have `users.roles-changed`. */
export type UserChangedField = 'name' | 'profile' | 'emailVerified' | 'mfaEnabled';

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

/**
 * A link asked for by address (a reset, a new verification mail): published for every request,
 * whether the address is an account's or not, so the answer and its timing say nothing about it.
 * The mail worker looks the account up and mints the link when it sends.
 */
export interface UserMailRequestedEvent {
  email: string;
}

export interface UserPasswordChangedEvent {
  id: string;
  via: 'change' | 'reset';
}

export interface UserMfaChangedEvent {
  id: string;
  enabled: boolean;
}
