import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import type { MailModuleOptions } from './mail.options';
import { Mailer } from './mailer';
import { mailOptionsOf } from './mail.config';

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<MailModuleOptions>().setClassMethodName('forRoot').build();

/**
 * Outgoing mail (`Mailer`). An app whose config class is `WithMailConfig(...)` wires it in one line:
 * `MailModule.forConfig(UsersConfig)`; or `MailModule.forRoot({ smtpUrl, from, publicUrl })`.
 */
@Module({
  providers: [{ provide: Mailer, inject: [MODULE_OPTIONS_TOKEN], useFactory: (options: MailModuleOptions) => new Mailer(options) }],
  exports: [Mailer],
})
export class MailModule extends ConfigurableModuleClass {
  /** Options from the app's validated config class (one that extends `WithMailConfig(...)`). */
  static forConfig(schema: new () => Parameters<typeof mailOptionsOf>[0]) {
    return MailModule.forRootAsync({ inject: [schema], useFactory: mailOptionsOf });
  }
}
