export { mailOptionsOf, WithMailConfig } from './lib/mail.config';
export { classifySmtpError, MailDeliveryError, MailErrors, type MailFailureDetails } from './lib/mail.errors';
export { type MailOutcome } from './lib/mail.metrics';
export { MailModule } from './lib/mail.module';
export { type MailModuleOptions } from './lib/mail.options';
export { domainOf, Mailer, type MailRequest, type MailSent } from './lib/mailer';
export {
  escapeHtml,
  MAIL_LINK_PATHS,
  MAIL_TEMPLATE_NAMES,
  mailLink,
  mailLocaleOf,
  type MailLocale,
  type MailTemplateName,
  type MailTemplates,
  type RenderedMail,
  renderMail,
} from './lib/templates';
