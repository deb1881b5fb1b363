import { type ArgumentMetadata, ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ValidationError, type ValidationIssue } from '@site11/contracts';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata-memo';

// class-transformer keeps its @Type() metadata in this store and exports it only from here
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

/** Validation answers name at most this many fields: a body of junk keys gets a small answer. */
export const MAX_VALIDATION_ISSUES = 20;
/** Deepest nesting a payload may have, DTO or free-form. */
export const MAX_PAYLOAD_DEPTH = 8;
/** Most values (objects, arrays, scalars) a payload may hold. */
export const MAX_PAYLOAD_VALUES = 2_000;

function flatten(errors: ClassValidatorError[], parent = ''): ValidationIssue[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: ValidationIssue[] = error.constraints ? [{ field, constraints: error.constraints }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

type Shape = Map<string, (new (...args: unknown[]) => unknown) | undefined>;
const shapes = new WeakMap<object, Shape | null>();

/** The properties a DTO class declares (with class-validator), each with its nested DTO class if any. */
function shapeOf(target: unknown): Shape | null {
  if (typeof target !== 'function') return null;
  const cached = shapes.get(target);
  if (cached !== undefined) return cached;
  const properties = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .map((meta) => meta.propertyName);
  const shape: Shape | null =
    properties.length === 0
      ? null
      : new Map(
          properties.map((name) => [
            name,
            defaultMetadataStorage.findTypeMetadata(target, name)?.typeFunction() as (new (...args: unknown[]) => unknown) | undefined,
          ]),
        );
  shapes.set(target, shape);
  return shape;
}

class ShapeExceeded extends Error {}

/**
 * Checks size and shape before any expensive transform, in time linear in what it looks at and
 * stopping at the first `MAX_VALIDATION_ISSUES` problems: unknown properties of a DTO, nesting
 * deeper than `MAX_PAYLOAD_DEPTH`, more than `MAX_PAYLOAD_VALUES` values. class-transformer
 * 0.5.1 de-duplicates keys with an O(n²) loop, so a body of many junk keys must never reach it.
 */
export function precheckPayload(value: unknown, metatype: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  let values = 0;
  const add = (issue: ValidationIssue) => {
    issues.push(issue);
    if (issues.length >= MAX_VALIDATION_ISSUES) throw new ShapeExceeded();
  };
  const visit = (node: unknown, type: unknown, path: string, depth: number): void => {
    if (++values > MAX_PAYLOAD_VALUES) {
      add({ field: path || '(payload)', constraints: { maxValues: `The payload holds more than ${MAX_PAYLOAD_VALUES} values` } });
      throw new ShapeExceeded();
    }
    if (node === null || typeof node !== 'object') return;
    if (depth >= MAX_PAYLOAD_DEPTH) {
      add({ field: path || '(payload)', constraints: { maxDepth: `The payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels` } });
      throw new ShapeExceeded();
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, type, `${path}.${i}`, depth + 1));
      return;
    }
    const shape = shapeOf(type);
    for (const key in node) {
      if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
      const field = path ? `${path}.${key}` : key;
      if (shape && !shape.has(key)) {
        add({ field, constraints: { whitelistValidation: `property ${key} should not exist` } });
        continue;
      }
      visit((node as Record<string, unknown>)[key], shape?.get(key), field, depth + 1);
    }
  };
  try {
    visit(value, metatype, '', 0);
  } catch (error) {
    if (!(error instanceof ShapeExceeded)) throw error;
  }
  return issues;
}

/**
 * Nest's ValidationPipe behind a cheap shape check (`precheckPayload`), so that size and shape
 * are settled before class-transformer and class-validator run.
 */
class PlatformValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom' && value !== null && typeof value === 'object') {
      const issues = precheckPayload(value, metadata.metatype);
      if (issues.length > 0) throw new ValidationError(issues);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe of the platform, used for HTTP bodies at the gateway and for RPC
 * payloads in services alike: size and shape are checked first, unknown fields are rejected
 * rather than stripped, and failures become a transport-neutral `ValidationError` naming at most
 * `MAX_VALIDATION_ISSUES` fields. class-validator's per-class rule lookup is memoized for the
 * process (`memoizeValidationMetadata`).
 */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  return new PlatformValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError(flatten(errors).slice(0, MAX_VALIDATION_ISSUES)),
  });
}
