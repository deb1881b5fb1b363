import { Counter, register } from 'prom-client';

export type MailOutcome = 'sent' | 'transient-failure' | 'permanent-failure' | 'not-configured';

/**
 * On prom-client's default registry, which the app's MetricsService serves with its `service`
 * label (libs/observability): this lib sits beside observability in the layers and cannot be
 * handed that service. A second copy of this module reuses the counter.
 */
export const mailSent: Counter<'template' | 'outcome'> =
  (register.getSingleMetric('mail_sent_total') as Counter<'template' | 'outcome'> | undefined) ??
  new Counter({
    name: 'mail_sent_total',
    help: 'Messages handed to the SMTP server (sent), refused by it for now or for good, or not sent because no SMTP_URL is set, by template',
    labelNames: ['template', 'outcome'],
  });
