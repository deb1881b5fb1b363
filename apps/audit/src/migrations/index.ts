import type { Migration } from '@site11/persistence';
import { baseline } from './0001-baseline';

/**
 * The audit database's migrations, in the order they apply (docs/migrations.md): add new ones at
 * the end; never change, reorder or remove one a release has shipped.
 */
export const migrations: readonly Migration[] = [
  baseline,
];
