import { Injectable, Logger } from '@nestjs/common';
import { AuditEvents, auditRecord } from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { LRUCache } from 'lru-cache';

/** One record per admin and account within this window, per gateway replica. */
const WINDOW_MS = 10 * 60_000;

/**
 * Records admins' reads of other users' data (`users.profile.read`: one account, or each account
 * on a page of the list or of a search) on the gateway's own audit stream
 * (`console-gateway.audit.recorded`). The gateway records them, not the users service, because
 * its read cache answers most of them alone. An admin reading one account again and
 * again is one record per 10 minutes (per replica), so neither the audit log nor the cached
 * read path carries a write per request. A record that cannot be published is logged and tried
 * again at the next read; the read itself is answered (docs/audit.md).
 */
@Injectable()
export class AdminReads {
  private readonly logger = new Logger(AdminReads.name);
  private readonly recent = new LRUCache<string, true>({ max: 10_000, ttl: WINDOW_MS });

  constructor(private readonly rpc: RpcClient) {}

  /** `record` for each account of a page (a list or a search), sent together. */
  async recordAll(admin: string, targets: readonly string[], call: CallOptions): Promise<void> {
    await Promise.all(targets.map((target) => this.record(admin, target, call)));
  }

  async record(admin: string, target: string, call: CallOptions): Promise<void> {
    const key = `${admin} ${target}`;
    if (this.recent.has(key)) return;
    this.recent.set(key, true);
    try {
      await this.rpc.emit(AuditEvents.gateway, auditRecord(call, { actor: admin, action: 'users.profile.read', target }), { requestId: call.requestId });
    } catch (error) {
      this.recent.delete(key);
      this.logger.warn({ requestId: call.requestId, msg: `users.profile.read of ${target} by ${admin} not recorded: ${(error as Error).message}` });
    }
  }
}
