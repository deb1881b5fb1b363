export interface MailModuleOptions {
  /** `smtp://…` or `smtps://…`; without it nothing is sent (refused in production by `WithMailConfig`). */
  smtpUrl?: string;
  /** The sender: `address` or `Name <address>`. */
  from: string;
  /** Where the console is served (PUBLIC_URL): the base of every link in a message. */
  publicUrl: string;
  /** Longest wait for the connection, the server's greeting and each reply (ms, default 10 s). */
  timeoutMs?: number;
}
