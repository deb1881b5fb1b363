import type { Launched } from '../../../tools/platform/platform.cjs';

export default async function globalTeardown(): Promise<void> {
  await ((globalThis as Record<string, unknown>)['__PERSISTENCE_MONGO__'] as Launched | undefined)?.stop();
}
