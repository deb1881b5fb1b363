import type { ApplicationDto } from '@site11/contracts';
import type { Application } from './application.schema';

/** An application as queries read it: never its outbox. */
export type StoredApplication = Omit<Application, 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt' | 'nameLower'>;

/** The application as its owner sees it: never a secret, nor a hash of one. */
export function toApplicationDto(application: StoredApplication): ApplicationDto {
  return {
    id: application._id.toHexString(),
    clientId: application.clientId,
    ownerId: application.ownerId,
    name: application.name,
    type: application.type,
    redirectUris: application.redirectUris ?? [],
    postLogoutRedirectUris: application.postLogoutRedirectUris ?? [],
    grantTypes: application.grantTypes ?? [],
    scopes: application.scopes ?? [],
    homepageUrl: application.homepageUrl ?? null,
    logoUrl: application.logoUrl ?? null,
    secretIssuedAt: application.secretIssuedAt ? application.secretIssuedAt.toISOString() : null,
    createdAt: application.createdAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
  };
}
