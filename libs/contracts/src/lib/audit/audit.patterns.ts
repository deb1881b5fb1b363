/**
 * The audit log: security-relevant actions, recorded by the service that performed them and
 * appended, chained by hash, by the audit service (docs/security.md, "Audit log").
 */

/** Message patterns served by the audit service. */
export const AuditPatterns = {
  /** Admins: entries, newest first, filtered and keyset-paginated. */
  list: 'audit.entries.list',
  /** Admins: the chain checked from the first entry to the last. */
  verify: 'audit.entries.verify',
  /** Any user: the caller's own recent security activity (entries whose actor or target they are). */
  listMine: 'audit.entries.list-mine',
} as const;
export type AuditPattern = (typeof AuditPatterns)[keyof typeof AuditPatterns];

/**
 * Each producing service publishes its audit records on its own stream, named after it like
 * every event (`<service>.audit.recorded`), so its Redis user writes only streams of its own.
 */
export const AuditEvents = {
  users: 'users.audit.recorded',
  oauth: 'oauth.audit.recorded',
  applications: 'applications.audit.recorded',
  /** The gateway's own: admins' reads of other users' data, which its read cache may answer alone. */
  gateway: 'console-gateway.audit.recorded',
} as const;
export type AuditEventName = (typeof AuditEvents)[keyof typeof AuditEvents];

/** The services that record audit entries. */
export type AuditProducer = keyof typeof AuditEvents;

/** Every action the platform audits: `<area>.<thing>.<past tense>`, like the event catalog. */
export const AUDIT_ACTIONS = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.mfa.challenge-failed',
  'auth.password.changed',
  'auth.password-reset.requested',
  'auth.password.reset',
  'auth.email.verified',
  'auth.mfa.enabled',
  'auth.mfa.disabled',
  'auth.mfa.recovery-code-used',
  'auth.account.exported',
  'auth.account.deleted',
  'users.roles.changed',
  'users.deleted',
  'users.profile.read',
  'oauth.keys.rotated',
  'oauth.keys.withdrawn',
  'oauth.grants.revoked',
  'applications.secret.rotated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * What each producer may record: the audit service refuses a record its stream's producer does
 * not perform (the gateway, the one facing the internet, reports reads and exports only).
 */
export const AUDIT_ACTIONS_BY_PRODUCER: Record<AuditProducer, readonly AuditAction[]> = {
  users: [
    'auth.password.changed',
    'auth.password-reset.requested',
    'auth.password.reset',
    'auth.email.verified',
    'auth.mfa.enabled',
    'auth.mfa.disabled',
    'auth.mfa.recovery-code-used',
    'auth.account.deleted',
    'users.roles.changed',
    'users.deleted',
  ],
  oauth: ['auth.login.succeeded', 'auth.login.failed', 'auth.mfa.challenge-failed', 'oauth.keys.rotated', 'oauth.keys.withdrawn', 'oauth.grants.revoked'],
  applications: ['applications.secret.rotated'],
  gateway: ['users.profile.read', 'auth.account.exported'],
};

/** The producer whose stream an audit event name is, if it is one. */
export function auditProducerOf(eventName: string): AuditProducer | undefined {
  return (Object.keys(AuditEvents) as AuditProducer[]).find((producer) => AuditEvents[producer] === eventName);
}

export type AuditOutcome = 'success' | 'failure';

/**
 * One audited action as its service records it (the payload of `<service>.audit.recorded`).
 * `actor`: the user who acted (their id), `service:<name>` for the platform itself, or null when
 * nobody was authenticated (a failed sign-in). `target`: what the action was on, `<kind>:<id>`
 * (`user:<id>`, `key:<kid>`, `application:<clientId>`), or null.
 */
export interface AuditRecordedEvent {
  at: string;
  actor: string | null;
  action: AuditAction;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  outcome: AuditOutcome;
}

/** What was done, by whom, to what: the rest of a record comes from the call. */
export interface AuditedAction {
  /** The user id; `service:<name>` for the platform itself; null when nobody was signed in. */
  actor: string | null;
  action: AuditAction;
  /** `<kind>:<id>` (`user:<id>`, `key:<kid>`, `application:<clientId>`), or null. */
  target: string | null;
  /** Default `success`. */
  outcome?: AuditOutcome;
}

/**
 * An audit record of an action done for a call: its request id, and the client's address and
 * user agent as the gateway saw them (`client`; null for an event or a timer, which serve no
 * HTTP client).
 */
export function auditRecord(
  call: { requestId: string; client?: { ip: string; userAgent?: string } },
  action: AuditedAction,
  at = new Date(),
): AuditRecordedEvent {
  return {
    at: at.toISOString(),
    actor: action.actor,
    action: action.action,
    target: action.target,
    ip: call.client?.ip ?? null,
    userAgent: call.client?.userAgent ?? null,
    requestId: call.requestId,
    outcome: action.outcome ?? 'success',
  };
}
