import { DomainError, ErrorKind } from '@site11/contracts';

export const MailErrors = {
  /** The SMTP server could not take the message now (unreachable, timed out, 4xx, refused our login): try again later. */
  transient: 'MAIL.TRANSIENT_FAILURE',
  /** The SMTP server refused the message for good (5xx: unknown recipient, rejected content): retrying cannot help. */
  permanent: 'MAIL.PERMANENT_FAILURE',
} as const;

/** Where the failure happened, for logs and dead letters; never the server's text (it may quote the message). */
export interface MailFailureDetails {
  /** nodemailer's error code (`ECONNECTION`, `ETIMEDOUT`, `EENVELOPE`, …), when it gave one. */
  smtpError?: string;
  /** The SMTP reply code (`450`, `550`, …), when the server answered. */
  responseCode?: number;
  /** The SMTP command that failed (`CONN`, `RCPT TO`, `DATA`, …). */
  command?: string;
}

/** A message that was not sent. `retryable` says whether another delivery can help (the code says it on the wire). */
export class MailDeliveryError extends DomainError {
  constructor(
    readonly retryable: boolean,
    message: string,
    override readonly details: MailFailureDetails,
  ) {
    super(retryable ? MailErrors.transient : MailErrors.permanent, retryable ? ErrorKind.Unavailable : ErrorKind.FailedPrecondition, message, details);
    this.name = 'MailDeliveryError';
  }
}

/** Errors of nodemailer's SMTP transport that say the server was not reached, or stopped answering. */
const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL', 'EAUTH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Transient: no answer (refused, reset, DNS, TLS, timeouts), a 4xx reply, or a refused login
 * (a configuration problem of every message, not of this one: a fixed SMTP_URL lets the retry
 * through). Permanent: any other 5xx (the recipient or the message was rejected), or an envelope
 * nodemailer itself refused (no valid recipient). Anything unknown is retried: a dead letter
 * after the last delivery is better than a message dropped at the first error.
 */
export function classifySmtpError(error: unknown): MailDeliveryError {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
  const details: MailFailureDetails = {
    ...(typeof e.code === 'string' ? { smtpError: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.command === 'string' ? { command: e.command } : {}),
  };
  const { smtpError, responseCode, command } = details;
  const where = `${command ? ` at ${command}` : ''}${responseCode ? ` (${responseCode})` : ''}${smtpError ? ` [${smtpError}]` : ''}`;
  if (smtpError === 'EAUTH') return new MailDeliveryError(true, `The SMTP server refused the login${where}`, details);
  if (responseCode !== undefined && responseCode >= 500) return new MailDeliveryError(false, `The SMTP server rejected the message${where}`, details);
  if (responseCode !== undefined && responseCode >= 400) return new MailDeliveryError(true, `The SMTP server deferred the message${where}`, details);
  if (smtpError === 'EENVELOPE' || smtpError === 'EMESSAGE') return new MailDeliveryError(false, `The message could not be sent as addressed${where}`, details);
  if (smtpError && CONNECTION_ERRORS.has(smtpError)) return new MailDeliveryError(true, `The SMTP server could not be reached${where}`, details);
  return new MailDeliveryError(true, `Sending failed${where}`, details);
}
