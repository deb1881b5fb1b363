import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export type ConfigSchema<T extends object> = new () => T;

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Variables whose value is a secret: a refusal names them but never echoes what they hold. */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|_KEYS?(_|$)|PREVIOUS$/;
/** Variables holding a URL, which may carry credentials: shown without them. */
const URL_NAME = /_(URL|URI)$/;

function withoutCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/i, '$1***@');
}

function shown(property: string, given: unknown): string {
  if (given === undefined || given === '') return 'missing';
  if (SECRET_NAME.test(property)) return 'given, not shown';
  if (URL_NAME.test(property) && typeof given === 'string') return `got ${JSON.stringify(withoutCredentials(given))}`;
  return `got ${JSON.stringify(given)}`;
}

function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map((e) => {
    const reasons = Object.values(e.constraints ?? {}).join('; ');
    return `${e.property}: ${reasons} (${shown(e.property, raw[e.property])})`;
  });
}

/**
 * Turns raw environment variables into a typed, validated config instance, or throws an error
 * that names every missing or bad variable. Defaults are the schema's property initialisers.
 */
export function validateConfig<T extends object>(schema: ConfigSchema<T>, raw: Record<string, unknown>): T {
  const known = Object.keys(new schema());
  const picked = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => known.includes(key) && value !== ''),
  );
  const config = plainToInstance(schema, picked, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) throw new InvalidConfigError(describe(errors, raw));
  return config;
}

/**
 * Validates the process environment outside Nest's module system, for the few settings needed
 * before the application is created (e.g. the HTTP adapter's body limit).
 */
export function loadConfig<T extends object>(schema: ConfigSchema<T>): T {
  return validateConfig(schema, process.env);
}
