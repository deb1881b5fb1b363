import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { isDuplicateKey } from '@site11/persistence';
import type { Connection } from 'mongoose';
import { ImagesService } from './images.service';

/**
 * Accounts deleted (`users.deleted`), remembered by id: an upload that was already past its token
 * check when its account was deleted finishes after the account's images were removed, and
 * would leave an image nobody owns. Such an upload looks here after storing and removes its image.
 */
@Injectable()
export class DeletedOwners {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly images: ImagesService,
  ) {}

  private get deleted() {
    return this.connection.collection<{ _id: string; deletedAt: Date }>('deleted_owners');
  }

  /** `users.deleted`: remembered first, then every image of the account removed. */
  async ownerDeleted(ownerId: string, requestId: string): Promise<number> {
    try {
      await this.deleted.insertOne({ _id: ownerId, deletedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return this.images.removeOwnedBy(ownerId, requestId);
  }

  async isDeleted(ownerId: string): Promise<boolean> {
    // by _id alone: answered from FerretDB's primary key
    return (await this.deleted.findOne({ _id: ownerId })) !== null;
  }

  async afterLateUpload(ownerId: string, requestId: string): Promise<void> {
    await this.images.removeOwnedBy(ownerId, requestId);
  }
}
