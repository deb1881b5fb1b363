import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workspace root, for specs that read the real files. */
export const ROOT = join(__dirname, '../../../..');

/** The hand-written files the generators edit. */
export const EDITED = [
  'tools/platform/services.json',
  'apps/console-gateway/src/app/app.module.ts',
  'apps/console-gateway/src/app/gateway.config.ts',
  'apps/console-gateway/src/app/http/cached-resources.ts',
  'libs/contracts/src/index.ts',
  'libs/contracts/src/lib/events.ts',
  'eslint.config.mjs',
  'docker/compose.yml',
  'docker/prometheus.yml',
  'docker/redis/users.acl.in',
  'deploy/helm/site11/values.yaml',
  'apps/console-web/src/app/routes.tsx',
  'apps/console-web/src/app/nav.ts',
  'apps/console-web/src/i18n/en.ts',
  'apps/console-web/src/i18n/ko.ts',
];

/** A virtual workspace holding the real versions of `files` (by default, those the generators edit). */
export function workspaceTree(files: string[] = EDITED): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const file of files) tree.write(file, readFileSync(join(ROOT, file), 'utf-8'));
  return tree;
}
