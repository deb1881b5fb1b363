import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { type ConfigSchema, validateConfig } from './validate-config';

/**
 * Validates the environment at boot against `schema` and provides the typed instance under the
 * schema class itself, so consumers inject `UsersConfig` rather than string keys.
 */
@Module({})
export class AppConfigModule {
  static forRoot<T extends object>(schema: ConfigSchema<T>): DynamicModule {
    const holder: { config?: T } = {};
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          cache: true,
          validate: (raw) => {
            holder.config = validateConfig(schema, raw);
            return { ...holder.config };
          },
        }),
      ],
      providers: [{ provide: schema, useFactory: () => holder.config }],
      exports: [schema],
    };
  }
}
