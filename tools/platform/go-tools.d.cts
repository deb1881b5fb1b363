export const HELM_VERSION: string;
/** Helm's binary: HELM_BIN, or built once from the Go module proxy into .data/bin. */
export function ensureHelm(): string;
/** deploy/tools/kube-validate's binary: KUBE_VALIDATE_BIN, or built once from its sources into .data/bin. */
export function ensureKubeValidate(): string;
export const ACTIONLINT_VERSION: string;
/** actionlint's binary: ACTIONLINT_BIN, or built once from the Go module proxy into .data/bin. */
export function ensureActionlint(): string;
