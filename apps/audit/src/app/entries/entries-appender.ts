import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AUDIT_ACTIONS, AUDIT_ACTOR_PATTERN, AUDIT_TARGET_PATTERN, type AuditRecordedEvent } from '@site11/contracts';
import { isDuplicateKey } from '@site11/persistence';
import { Model } from 'mongoose';
import { sealEntry } from './audit-chain';
import { ChainAnchor } from './chain-anchor';
import { Entry } from './entry.schema';

/** Appends lost to other replicas before this one gives up; the event is then delivered again. */
const MAX_ATTEMPTS = 200;

type Head = { seq: number; hash: string };

/**
 * Appends audit records to the chain, each once. An entry takes the place after the head
 * (`seq` + 1, as `_id`) and seals the head's hash; the unique `_id` decides between replicas
 * appending at once: the loser reads the entry that took its place and tries the next one. The
 * unique `eventId` makes a redelivered record a no-op. No transaction, change stream or
 * aggregation: MongoDB and FerretDB 1.24 alike.
 */
@Injectable()
export class EntriesAppender implements OnModuleInit {
  private readonly logger = new Logger(EntriesAppender.name);
  /** The last entry this process knows of: usually the head, so an append is one insert. */
  private head: Head | null = null;
  /** One append at a time in this process: its own appends would only race each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectModel(Entry.name) private readonly entries: Model<Entry>,
    private readonly anchor: ChainAnchor,
  ) {}

  /** The unique indexes must exist before the first append: they are what makes it safe. */
  async onModuleInit(): Promise<void> {
    await this.entries.init();
  }

  /** `appended`, or `recorded` when the event was appended before (a redelivery). */
  append(data: unknown, eventId: string): Promise<'appended' | 'recorded'> {
    const next = this.queue.then(() => this.appendNow(auditRecordOf(data), eventId));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async appendNow(record: AuditRecordedEvent, eventId: string): Promise<'appended' | 'recorded'> {
    let head = this.head ?? (await this.readHead());
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = sealEntry(head.seq === 0 ? null : head, {
        ...record,
        id: eventId,
        at: new Date(record.at),
      });
      try {
        await this.entries.create({
          _id: entry.seq,
          eventId,
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          ip: entry.ip,
          userAgent: entry.userAgent,
          requestId: entry.requestId,
          outcome: entry.outcome,
          prevHash: entry.prevHash,
          hash: entry.hash,
          involves: involvedUsers(record),
        });
        this.head = { seq: entry.seq, hash: entry.hash };
        // the new head, where the database's writers cannot reach it (chain-anchor.ts)
        await this.anchor.advance({ seq: entry.seq, hash: entry.hash, id: eventId });
        return 'appended';
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Either the place is taken (another replica appended first) or the event is recorded
        // already; the entry in the place tells which, by an `_id` lookup.
        const occupant = await this.entries
          .findById(entry.seq)
          .select({ eventId: 1, hash: 1 })
          .lean<Pick<Entry, '_id' | 'eventId' | 'hash'>>()
          .exec();
        if (!occupant || occupant.eventId === eventId) return 'recorded';
        // far behind (another replica appended many): one query for the head instead of a walk
        head = attempt % 5 === 4 ? await this.readHead() : { seq: occupant._id, hash: occupant.hash };
        this.head = head;
      }
    }
    throw new Error(`Audit record ${eventId} not appended: ${MAX_ATTEMPTS} places taken by other replicas in a row`);
  }

  private async readHead(): Promise<Head> {
    const last = await this.entries.findOne().sort({ _id: -1 }).select({ hash: 1 }).lean<Pick<Entry, '_id' | 'hash'>>().exec();
    if (!this.head) this.logger.log(last ? `The audit chain has ${last._id} entries` : 'The audit chain is empty');
    return last ? { seq: last._id, hash: last.hash } : { seq: 0, hash: '' };
  }
}

/** Users an entry is about: its actor unless the platform acted, and a `user:` target. */
function involvedUsers(record: AuditRecordedEvent): string[] {
  const users = new Set<string>();
  if (record.actor && !record.actor.startsWith('service:')) users.add(record.actor);
  if (record.target?.startsWith('user:')) users.add(record.target.slice('user:'.length));
  return [...users];
}

const nullableString = (value: unknown, pattern?: RegExp, max = 512) =>
  value === null || (typeof value === 'string' && value.length <= max && (!pattern || pattern.test(value)));

/**
 * The record an event carries, checked field by field. Fields it does not know are ignored (a
 * newer producer may add some); a record that does not check throws, so the event is delivered
 * again and ends in the dead-letter stream rather than in the chain.
 */
export function auditRecordOf(data: unknown): AuditRecordedEvent {
  const record = (data ?? {}) as Record<string, unknown>;
  const problems = [
    typeof record['at'] === 'string' && !Number.isNaN(Date.parse(record['at'])) ? null : 'at',
    nullableString(record['actor'], AUDIT_ACTOR_PATTERN) ? null : 'actor',
    (AUDIT_ACTIONS as readonly unknown[]).includes(record['action']) ? null : 'action',
    nullableString(record['target'], AUDIT_TARGET_PATTERN) ? null : 'target',
    nullableString(record['ip'], undefined, 64) ? null : 'ip',
    nullableString(record['userAgent'], undefined, 256) ? null : 'userAgent',
    typeof record['requestId'] === 'string' && record['requestId'].length > 0 && record['requestId'].length <= 128 ? null : 'requestId',
    record['outcome'] === 'success' || record['outcome'] === 'failure' ? null : 'outcome',
  ].filter((field) => field !== null);
  if (problems.length > 0) throw new Error(`Malformed audit record: ${problems.join(', ')}`);
  const { at, actor, action, target, ip, userAgent, requestId, outcome } = record as unknown as AuditRecordedEvent;
  return { at, actor, action, target, ip, userAgent, requestId, outcome };
}
