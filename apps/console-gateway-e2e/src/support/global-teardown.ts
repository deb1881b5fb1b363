import { rmSync } from 'node:fs';
import type { Launched } from '../../../../tools/platform/platform.cjs';

export default async function globalTeardown(): Promise<void> {
  const mongo = (globalThis as Record<string, unknown>)['__E2E_MONGO__'] as Launched | undefined;
  await mongo?.stop();
  const dir = process.env['E2E_DIR'];
  if (dir && !process.env['E2E_KEEP']) rmSync(dir, { recursive: true, force: true });
}
