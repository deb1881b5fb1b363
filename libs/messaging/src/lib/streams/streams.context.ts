import { BaseRpcContext } from '@nestjs/microservices';

type StreamsContextArgs = [stream: string, messageId: string, pattern: string, deliveries: number];

/** Handler context of the streams transport (`@Ctx()`). */
export class StreamsContext extends BaseRpcContext<StreamsContextArgs> {
  getStream(): string {
    return this.args[0];
  }

  getMessageId(): string {
    return this.args[1];
  }

  getPattern(): string {
    return this.args[2];
  }

  /** 1 on first delivery, more when the message was reclaimed from a dead instance. */
  getDeliveries(): number {
    return this.args[3];
  }
}
