import type { Launched } from '../../../tools/platform/platform.cjs';

export default async function globalTeardown(): Promise<void> {
  await ((globalThis as Record<string, unknown>)['__MESSAGING_REDIS__'] as Launched | undefined)?.stop();
}
