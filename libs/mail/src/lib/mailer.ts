import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { classifySmtpError } from './mail.errors';
import { mailSent } from './mail.metrics';
import type { MailModuleOptions } from './mail.options';
import { mailLocaleOf, type MailTemplateName, type MailTemplates, renderMail } from './templates';

export interface MailRequest<T extends MailTemplateName> {
  /** The recipient's address. */
  to: string;
  template: T;
  /** The recipient's locale (`ko*` → Korean, anything else → English). */
  locale?: string | null;
  params: MailTemplates[T];
}

export interface MailSent {
  /** The Message-ID the SMTP server accepted; null when nothing was sent (no SMTP_URL outside production). */
  messageId: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Only the domain of an address goes to the logs. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '(no domain)';
}

/**
 * Renders a template and hands it to the SMTP server of `SMTP_URL`, one connection per message
 * (a worker sends a few at a time; a pool would hold connections a restarted server has dropped).
 * Every wait is bounded by `timeoutMs`, so a slow server fails the send instead of hanging the
 * handler. A failure is a `MailDeliveryError`: `MAIL.TRANSIENT_FAILURE` (retry) or
 * `MAIL.PERMANENT_FAILURE` (do not). The log line names the template, the recipient's domain and
 * the outcome; never the address, the body or a link (links carry single-use tokens).
 */
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private readonly transport: Transporter | null;

  constructor(private readonly options: MailModuleOptions) {
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.transport = options.smtpUrl
      ? createTransport(
          {
            url: options.smtpUrl,
            connectionTimeout: timeout,
            greetingTimeout: timeout,
            socketTimeout: timeout,
            dnsTimeout: timeout,
            // nodemailer's own logger would print the envelope and the message
            logger: false,
            debug: false,
          },
          { from: options.from },
        )
      : null;
    if (!this.transport) this.logger.warn('SMTP_URL is not set: messages are not sent, only counted as not-configured');
  }

  /** Where links in messages point (PUBLIC_URL). */
  get publicUrl(): string {
    return this.options.publicUrl;
  }

  async send<T extends MailTemplateName>({ to, template, locale, params }: MailRequest<T>): Promise<MailSent> {
    const rendered = renderMail(template, mailLocaleOf(locale), params);
    const domain = domainOf(to);
    if (!this.transport) {
      mailSent.inc({ template, outcome: 'not-configured' });
      this.logger.warn(`Mail ${template} to a recipient at ${domain} not sent: SMTP_URL is not set`);
      return { messageId: null };
    }
    try {
      const info = await this.transport.sendMail({ to, subject: rendered.subject, text: rendered.text, html: rendered.html });
      mailSent.inc({ template, outcome: 'sent' });
      this.logger.log(`Mail ${template} to a recipient at ${domain}: sent`);
      return { messageId: (info as { messageId?: string }).messageId ?? null };
    } catch (error) {
      const failure = classifySmtpError(error);
      mailSent.inc({ template, outcome: failure.retryable ? 'transient-failure' : 'permanent-failure' });
      this.logger.warn(`Mail ${template} to a recipient at ${domain}: ${failure.code} (${failure.message})`);
      throw failure;
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
