import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  AUDIT_PAGE_DEFAULT_LIMIT,
  type AuditEntryDto,
  type AuditPageQueryDto,
  type AuditVerificationDto,
  type ListAuditEntriesQueryDto,
  type Page,
  ValidationError,
} from '@site11/contracts';
import { InvalidCursorError } from '@site11/persistence';
import type { FilterQuery, Model } from 'mongoose';
import { type ChainedEntry, verifyChain } from './audit-chain';
import { ChainAnchor } from './chain-anchor';
import { Entry } from './entry.schema';
import { decodeSeqCursor, encodeSeqCursor, toAuditEntryDto, toChainedEntry } from './entry.mapper';

/** Entries read per round trip while verifying: memory stays at one batch, whatever the length. */
const VERIFY_BATCH = 500;

/**
 * Reading the audit log: admins list and filter it and verify its chain; any user reads the
 * entries about them. Nothing here writes: entries are only appended (EntriesAppender).
 */
@Injectable()
export class EntriesService {
  constructor(
    @InjectModel(Entry.name) private readonly entries: Model<Entry>,
    private readonly anchor: ChainAnchor,
  ) {}

  /** Newest first; every filter is one equality or range that an index of the schema answers. */
  async list(query: ListAuditEntriesQueryDto): Promise<Page<AuditEntryDto>> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) {
      throw new ValidationError([{ field: 'from', constraints: { order: 'from must not be after to' } }]);
    }
    return this.page(query, {
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.target ? { target: query.target } : {}),
      ...(from || to
        ? {
            at: { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) },
          }
        : {}),
    });
  }

  /**
   * The caller's recent security activity: entries where they acted or were acted upon. Where
   * someone else acted on them (an admin), that person's address and user agent are not theirs to
   * see: the entry says who and what, not from where.
   */
  async listMine(query: AuditPageQueryDto, actor: Actor): Promise<Page<AuditEntryDto>> {
    const page = await this.page(query, { involves: actor.sub });
    return { ...page, items: page.items.map((entry) => (entry.actor === actor.sub ? entry : { ...entry, ip: null, userAgent: null })) };
  }

  /**
   * The whole chain from the first entry, streamed in `seq` order (see verifyChain), then held
   * against the head anchored outside the database (chain-anchor.ts), read before the walk so
   * that entries appended meanwhile only extend past it: the anchored entry must be there, with
   * the anchored hash. Its absence is a removed tail; another hash, a chain rewritten from an
   * edit onward. Either names the anchored entry.
   */
  async verify(): Promise<AuditVerificationDto> {
    const anchor = await this.anchor.read();
    let anchored: ChainedEntry | undefined;
    const chain = this.chain();
    const watched = (async function* () {
      for await (const entry of chain) {
        if (anchor && entry.seq === anchor.seq) anchored = entry;
        yield entry;
      }
    })();
    const result = await verifyChain(watched);
    if (!result.valid || !anchor) return result;
    if (!anchored || anchored.hash !== anchor.hash) return { valid: false, checked: result.checked, firstBrokenId: anchored?.id ?? anchor.id };
    return result;
  }

  private async *chain(): AsyncGenerator<ChainedEntry> {
    const cursor = this.entries.find({}, { involves: 0 }).sort({ _id: 1 }).lean<Entry>().cursor({ batchSize: VERIFY_BATCH });
    try {
      for await (const entry of cursor) yield toChainedEntry(entry as Entry);
    } finally {
      await cursor.close();
    }
  }

  private async page(query: AuditPageQueryDto, filter: FilterQuery<Entry>): Promise<Page<AuditEntryDto>> {
    const limit = query.limit ?? AUDIT_PAGE_DEFAULT_LIMIT;
    const before = query.cursor === undefined ? undefined : decodeSeqCursor(query.cursor);
    if (before === null) throw new InvalidCursorError();
    const found = await this.entries
      .find({ ...filter, ...(before ? { _id: { $lt: before } } : {}) })
      .sort({ _id: -1 })
      .limit(limit + 1)
      .lean<Entry[]>()
      .exec();
    const items = found.slice(0, limit);
    return {
      items: items.map(toAuditEntryDto),
      nextCursor: found.length > limit ? encodeSeqCursor(items[items.length - 1]._id) : null,
    };
  }
}
