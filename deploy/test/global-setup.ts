import { ensureHelm, ensureKubeValidate } from '../../tools/platform/go-tools.cjs';

/** Helm and the manifest validator, built from the Go module proxy the first time, then reused. */
export default function globalSetup(): void {
  ensureHelm();
  ensureKubeValidate();
}
