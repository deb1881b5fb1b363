/** A message the mail catcher caught, as the e2e suites read it. */
export interface MailMessage {
  id: string;
  subject: string;
  text: string;
  html: string;
  /** The sender's address (lower case). */
  from: string;
  /** Recipients' addresses (lower case). */
  to: string[];
  /** Every http(s) URL of the text and every `href` of the HTML, once each. */
  links: string[];
  /**
   * When it arrived (epoch ms, from its Date header, to the second), nudged so that every message
   * has a later value than the one before it: pass it as `waitFor`'s `after`.
   */
  receivedAt: number;
}

/** What a local mail catcher (maildev) caught, through its REST API. */
export class Mailbox {
  constructor(webUrl: string);
  readonly webUrl: string;
  /** Messages caught so far, in the order they arrived; only those to `to` when given. */
  list(to?: string): Promise<MailMessage[]>;
  /**
   * The newest message to `to` (with a matching subject, arrived after the message whose
   * `receivedAt` is `after`), waiting up to `timeoutMs` (15 s) for one.
   */
  waitFor(to: string, options?: { subject?: RegExp; after?: number; timeoutMs?: number }): Promise<MailMessage>;
  /** Deletes every message caught so far. */
  clear(): Promise<void>;
}
