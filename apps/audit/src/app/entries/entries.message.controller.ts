import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  AUDIT_ACTIONS_BY_PRODUCER,
  AuditEvents,
  auditProducerOf,
  AuditPatterns,
  type AuditEntryDto,
  type AuditVerificationDto,
  ListAuditEntriesQueryDto,
  ListMyAuditEntriesQueryDto,
  type Page,
} from '@site11/contracts';
import type { StreamsContext } from '@site11/messaging';
import { randomUUID } from 'node:crypto';
import { EntriesAppender } from './entries-appender';
import { EntriesService } from './entries.service';

/**
 * The audit log's handlers: the records every producer publishes on its own audit stream are
 * appended; admins read and verify the log, any user reads what is about them. There is no
 * command that changes or removes an entry. The service's Redis user may read those streams:
 * `consumes` in tools/platform/services.json.
 */
@Controller()
export class EntriesMessageController {
  private readonly logger = new Logger(EntriesMessageController.name);

  constructor(
    private readonly appender: EntriesAppender,
    private readonly entries: EntriesService,
  ) {}

  /**
   * Appended once per event: its outbox id (else its stream entry, the same on every
   * redelivery) is the entry's id. A record that fails here is delivered again, then dead-lettered.
   */
  @EventPattern([AuditEvents.users, AuditEvents.oauth, AuditEvents.applications, AuditEvents.gateway])
  async onRecorded(
    @Payload() payload: { data?: unknown; metadata?: { eventId?: unknown } },
    @Ctx() context: StreamsContext,
  ): Promise<void> {
    // a producer records only what it does: the gateway cannot write a sign-in, say
    const producer = typeof context.getPattern === 'function' ? auditProducerOf(context.getPattern()) : undefined;
    const action = (payload?.data as { action?: unknown } | undefined)?.action;
    if (producer && !(AUDIT_ACTIONS_BY_PRODUCER[producer] as readonly unknown[]).includes(action)) {
      this.logger.warn(`Refused an audit record of ${String(action)} from ${producer}: not an action it performs`);
      return;
    }
    const eventId = payload?.metadata?.eventId;
    // without an outbox id: the stream entry, unique per stream (the pub/sub transport has none)
    const entry = typeof context.getMessageId === 'function' ? `${context.getStream()}/${context.getMessageId()}` : randomUUID();
    const id = typeof eventId === 'string' && eventId.length > 0 && eventId.length <= 128 ? eventId : entry;
    await this.appender.append(payload?.data, id);
  }

  @MessagePattern(AuditPatterns.list)
  @RpcAccess({ actor: 'admin' })
  list(@Payload('data') query: ListAuditEntriesQueryDto): Promise<Page<AuditEntryDto>> {
    return this.entries.list(query);
  }

  @MessagePattern(AuditPatterns.verify)
  @RpcAccess({ actor: 'admin' })
  verify(): Promise<AuditVerificationDto> {
    return this.entries.verify();
  }

  @MessagePattern(AuditPatterns.listMine)
  @RpcAccess({ actor: 'user' })
  listMine(@Payload('data') query: ListMyAuditEntriesQueryDto, @Caller() actor: VerifiedActor): Promise<Page<AuditEntryDto>> {
    return this.entries.listMine(query, actor);
  }
}
