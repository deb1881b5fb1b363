import { Injectable } from '@nestjs/common';
import { type ApplicationDto, ApplicationsErrors, ApplicationsPatterns, DomainError, type RpcMetadata } from '@site11/contracts';
import { callOptionsFrom, RpcClient } from '@site11/messaging';
import { ServiceTokensService } from '../keys/service-tokens.service';

/** The applications service as the authorization server asks it about clients, as itself. */
@Injectable()
export class ApplicationsClient {
  constructor(
    private readonly rpc: RpcClient,
    private readonly serviceTokens: ServiceTokensService,
  ) {}

  /** The registered client, or null when there is none (or it was deleted). */
  async find(clientId: string, metadata: RpcMetadata): Promise<ApplicationDto | null> {
    try {
      return await this.rpc.send<ApplicationDto>(ApplicationsPatterns.findClient, { clientId }, await this.asOauth(metadata));
    } catch (error) {
      if (error instanceof DomainError && error.code === ApplicationsErrors.invalidClient) return null;
      throw error;
    }
  }

  /** The client if the secret is right, else null (unknown client, public client, wrong secret alike). */
  async authenticate(clientId: string, clientSecret: string, metadata: RpcMetadata): Promise<ApplicationDto | null> {
    try {
      return await this.rpc.send<ApplicationDto>(ApplicationsPatterns.authenticateClient, { clientId, clientSecret }, await this.asOauth(metadata));
    } catch (error) {
      if (error instanceof DomainError && error.code === ApplicationsErrors.invalidClient) return null;
      throw error;
    }
  }

  private async asOauth(metadata: RpcMetadata) {
    return { ...callOptionsFrom(metadata, 'read'), credential: await this.serviceTokens.tokenFor('applications') };
  }
}
