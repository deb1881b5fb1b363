import { ensureActionlint, ensureHelm, ensureKubeValidate } from '../../tools/platform/go-tools.cjs';

/** Helm, the manifest validator and actionlint, built from the Go module proxy the first time, then reused. */
export default function globalSetup(): void {
  ensureHelm();
  ensureKubeValidate();
  ensureActionlint();
}
