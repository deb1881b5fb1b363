import {
  type UserCreatedEvent,
  type UserDeletedEvent,
  type UserMailRequestedEvent,
  type UserMfaChangedEvent,
  type UserPasswordChangedEvent,
  type UserRolesChangedEvent,
  type UserUpdatedEvent,
  UsersEvents,
} from './users/users.patterns';
import {
  type ApplicationCreatedEvent,
  type ApplicationDeletedEvent,
  type ApplicationUpdatedEvent,
  ApplicationsEvents,
  type ConfigPublishedEvent,
} from './applications/applications.patterns';
import { type GrantCreatedEvent, type GrantRevokedEvent, type LoginFailedEvent, type LoginSucceededEvent, OAuthEvents } from './auth/auth.patterns';
import { type ImageUploadedEvent, type ImageDeletedEvent, type ImageUpdatedEvent, ImagesEvents } from './images/images.patterns';
import {
  type DatasetCreatedEvent,
  type DatasetDeletedEvent,
  type DatasetUpdatedEvent,
  DatasetsEvents,
  type ImportCompletedEvent,
  type ImportFailedEvent,
  type TransformAppliedEvent,
} from './data/datasets.patterns';
import { type AuditRecordedEvent, AuditEvents } from './audit/audit.patterns';
import { type ReportCompletedEvent, type ReportCreatedEvent, type ReportDeletedEvent, ReportsEvents } from './statistics/reports.patterns';

/**
 * Every event of the platform with its payload type: the one catalog producers and consumers
 * (and the statistics service, which names its metrics after them) rely on. Names are
 * `<service>.<past-tense verb>` for the service's own entity (`users.deleted`) and
 * `<service>.<resource>.<past-tense verb>` for its other resources
 * (`applications.config.published`). The event's stream is named after it; see docs/messaging.md.
 */
export interface EventCatalog {
  [UsersEvents.created]: UserCreatedEvent;
  [UsersEvents.updated]: UserUpdatedEvent;
  [UsersEvents.deleted]: UserDeletedEvent;
  [UsersEvents.rolesChanged]: UserRolesChangedEvent;
  [UsersEvents.emailVerificationRequested]: UserMailRequestedEvent;
  [UsersEvents.passwordResetRequested]: UserMailRequestedEvent;
  [UsersEvents.passwordChanged]: UserPasswordChangedEvent;
  [UsersEvents.mfaChanged]: UserMfaChangedEvent;
  [ApplicationsEvents.created]: ApplicationCreatedEvent;
  [ApplicationsEvents.updated]: ApplicationUpdatedEvent;
  [ApplicationsEvents.deleted]: ApplicationDeletedEvent;
  [ApplicationsEvents.configPublished]: ConfigPublishedEvent;
  [OAuthEvents.grantCreated]: GrantCreatedEvent;
  [OAuthEvents.grantRevoked]: GrantRevokedEvent;
  [OAuthEvents.loginSucceeded]: LoginSucceededEvent;
  [OAuthEvents.loginFailed]: LoginFailedEvent;
  [ImagesEvents.uploaded]: ImageUploadedEvent;
  [ImagesEvents.updated]: ImageUpdatedEvent;
  [ImagesEvents.deleted]: ImageDeletedEvent;
  [DatasetsEvents.created]: DatasetCreatedEvent;
  [DatasetsEvents.updated]: DatasetUpdatedEvent;
  [DatasetsEvents.deleted]: DatasetDeletedEvent;
  [DatasetsEvents.importCompleted]: ImportCompletedEvent;
  [DatasetsEvents.importFailed]: ImportFailedEvent;
  [DatasetsEvents.transformApplied]: TransformAppliedEvent;
  [ReportsEvents.created]: ReportCreatedEvent;
  [ReportsEvents.completed]: ReportCompletedEvent;
  [ReportsEvents.deleted]: ReportDeletedEvent;
  [AuditEvents.users]: AuditRecordedEvent;
  [AuditEvents.oauth]: AuditRecordedEvent;
  [AuditEvents.applications]: AuditRecordedEvent;
  [AuditEvents.gateway]: AuditRecordedEvent;
}

export type EventName = keyof EventCatalog;

export const EVENT_NAMES = [
  UsersEvents.created,
  UsersEvents.updated,
  UsersEvents.deleted,
  UsersEvents.rolesChanged,
  UsersEvents.emailVerificationRequested,
  UsersEvents.passwordResetRequested,
  UsersEvents.passwordChanged,
  UsersEvents.mfaChanged,
  ApplicationsEvents.created,
  ApplicationsEvents.updated,
  ApplicationsEvents.deleted,
  ApplicationsEvents.configPublished,
  OAuthEvents.grantCreated,
  OAuthEvents.grantRevoked,
  OAuthEvents.loginSucceeded,
  OAuthEvents.loginFailed,
  ImagesEvents.uploaded,
  ImagesEvents.updated,
  ImagesEvents.deleted,
  DatasetsEvents.created,
  DatasetsEvents.updated,
  DatasetsEvents.deleted,
  DatasetsEvents.importCompleted,
  DatasetsEvents.importFailed,
  DatasetsEvents.transformApplied,
  ReportsEvents.created,
  ReportsEvents.completed,
  ReportsEvents.deleted,
  AuditEvents.users,
  AuditEvents.oauth,
  AuditEvents.applications,
  AuditEvents.gateway,
] as const satisfies readonly EventName[];

/** `<service>.<verb>ed` or `<service>.<resource>.<verb>ed`, lower-case, words joined by `-`. */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?\.[a-z][a-z0-9-]*(ed|sent|made|taken|run|set)$/;
