import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type UserCreatedEvent, type UserDeletedEvent, type UserRolesChangedEvent, type UserUpdatedEvent, UsersEvents } from '@site11/contracts';
import { SearchIndexService } from './search-index.service';

/**
 * The users service reading its own events: the durable backstop of the search index. The write
 * path already applied each change; an instance that died after its database write but before
 * that is repaired here, since the outbox publishes the event anyway. Each handler re-reads the
 * user rather than trusting the payload, so order and repeats do not matter.
 */
@Controller()
export class SearchIndexMessageController {
  constructor(private readonly searchIndex: SearchIndexService) {}

  @EventPattern(UsersEvents.created)
  onCreated(@Payload('data') event: UserCreatedEvent): Promise<void> {
    return this.searchIndex.resync(event.id);
  }

  @EventPattern(UsersEvents.updated)
  onUpdated(@Payload('data') event: UserUpdatedEvent): Promise<void> {
    return this.searchIndex.resync(event.id);
  }

  @EventPattern(UsersEvents.rolesChanged)
  onRolesChanged(@Payload('data') event: UserRolesChangedEvent): Promise<void> {
    return this.searchIndex.resync(event.id);
  }

  @EventPattern(UsersEvents.deleted)
  onDeleted(@Payload('data') event: UserDeletedEvent): Promise<void> {
    return this.searchIndex.resync(event.id);
  }
}
