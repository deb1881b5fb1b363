import { IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';
import type { MailModuleOptions } from './mail.options';

/** `smtp://` (STARTTLS when the server offers it) or `smtps://` (TLS from the start), credentials in the URL. */
const SMTP_URL_FORMAT = /^smtps?:\/\/([^\s@/]+@)?[^\s@/:]+(:\d{1,5})?\/?(\?[^\s]*)?$/;
/** `address` or `Display Name <address>`. */
const MAIL_FROM_FORMAT = /^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

// TypeScript accepts a class as a mixin's base only through a constructor of `...args: any[]`
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ConfigClass = abstract new (...args: any[]) => { NODE_ENV: string; PUBLIC_URL: string };

/**
 * Adds the mail variables to an app's config class (`class UsersConfig extends WithMailConfig(SealingServiceConfig)`),
 * validated at boot with the rest of it:
 *
 * - `SMTP_URL`: `smtp://user:pass@host:587` or `smtps://user:pass@host:465`; required when
 *   NODE_ENV=production. Elsewhere, without it, nothing is sent (each message is logged as not sent
 *   and counted): `npm start` and the e2e stacks give the local mail catcher's.
 * - `MAIL_FROM`: the sender, `site11 <no-reply@localhost>` by default.
 * - `SMTP_TIMEOUT_MS`: the longest wait for the connection, the greeting and any reply (10 s).
 *
 * Links in messages are built on `PUBLIC_URL` (BaseConfig), where the console is served.
 */
export function WithMailConfig<TBase extends ConfigClass>(Base: TBase) {
  abstract class MailConfig extends Base {
    @ValidateIf((config: MailConfig) => config.NODE_ENV === 'production' || config.SMTP_URL !== undefined)
    @Matches(SMTP_URL_FORMAT, { message: 'SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…; required when NODE_ENV=production' })
    SMTP_URL?: string = undefined;

    @Matches(MAIL_FROM_FORMAT, { message: 'MAIL_FROM must be an address or "Name <address>"' })
    MAIL_FROM: string = 'site11 <no-reply@localhost>';

    @IsInt()
    @Min(1_000)
    @Max(120_000)
    SMTP_TIMEOUT_MS: number = 10_000;
  }
  return MailConfig;
}

/** The config class's mail variables as `MailModule` options. */
export function mailOptionsOf(config: { SMTP_URL?: string; MAIL_FROM: string; SMTP_TIMEOUT_MS: number; PUBLIC_URL: string }): MailModuleOptions {
  return { smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, publicUrl: config.PUBLIC_URL, timeoutMs: config.SMTP_TIMEOUT_MS };
}
