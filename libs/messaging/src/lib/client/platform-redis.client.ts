import { ClientRedis, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { NoResponderError } from './no-responder.error';

/**
 * Nest's Redis client with two changes that matter in production:
 *
 * - PUBLISH returns how many subscribers received the message. Zero means no instance of the
 *   service is up, so the request fails at once with `NoResponderError` instead of silently
 *   vanishing until the caller's deadline (nestjs/nest#758).
 * - Reply channels are subscribed once and kept, instead of SUBSCRIBE/UNSUBSCRIBE around every
 *   request when concurrency is low; failures of either command fail the request.
 */
export class PlatformRedisClient extends ClientRedis {
  private readonly replySubscriptions = new Map<string, Promise<unknown>>();

  override async close(): Promise<void> {
    this.replySubscriptions.clear();
    await super.close();
  }

  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    try {
      const packet = this.assignPacketId(partialPacket);
      const pattern = this.normalizePattern(partialPacket.pattern);
      const serialized = JSON.stringify(this.serializer.serialize(packet));
      const replyChannel = this.getReplyPattern(pattern);
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        this.routingMap.delete(packet.id);
        callback({ err, isDisposed: true });
      };

      this.routingMap.set(packet.id, callback);
      this.subscribeOnce(replyChannel)
        .then(() => this.pubClient.publish(this.getRequestPattern(pattern), serialized))
        .then((receivers) => receivers === 0 && fail(new NoResponderError(pattern)))
        .catch(fail);

      return () => {
        settled = true;
        this.routingMap.delete(packet.id);
      };
    } catch (err) {
      callback({ err, isDisposed: true });
      return () => undefined;
    }
  }

  private subscribeOnce(channel: string): Promise<unknown> {
    const existing = this.replySubscriptions.get(channel);
    if (existing) return existing;
    const subscription = this.subClient.subscribe(channel);
    this.replySubscriptions.set(channel, subscription);
    subscription.catch(() => this.replySubscriptions.delete(channel));
    return subscription;
  }
}
