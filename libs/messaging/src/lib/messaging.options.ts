import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface MessagingModuleOptions {
  /** `redis://` URL of the broker. */
  redisUrl: string;
  /** Name of this app, stamped into every request's metadata as `caller`. */
  caller: string;
  /** Deadline applied when a call does not give its own (ms). */
  defaultDeadlineMs: number;
}

export const {
  ConfigurableModuleClass: ConfigurableMessagingModule,
  MODULE_OPTIONS_TOKEN: MESSAGING_OPTIONS,
} = new ConfigurableModuleBuilder<MessagingModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
