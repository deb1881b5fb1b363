import { Transform } from 'class-transformer';

/** Trims strings and leaves every other type untouched, so type validators still reject it. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and lower-cases strings (emails); other types pass through to fail validation. */
export const NormalizeEmail = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));
