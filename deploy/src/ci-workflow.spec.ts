import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureActionlint } from '../../tools/platform/go-tools.cjs';

/** The GitHub Actions workflow, checked offline by actionlint (built in test/global-setup.ts). */
const ROOT = join(__dirname, '../..');
const WORKFLOW = join(ROOT, '.github/workflows/ci.yml');

describe('the CI workflow', () => {
  it('passes actionlint', () => {
    const result = spawnSync(ensureActionlint(), ['-no-color', WORKFLOW], { cwd: ROOT, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs the same entry point as a local clean-clone check, in Debian, within CI’s time', () => {
    const workflow = readFileSync(WORKFLOW, 'utf8');
    expect(workflow).toMatch(/^\s+run: bash \.ci\/run$/m);
    expect(workflow).toMatch(/container: node:20-bookworm/);
    expect(workflow).toMatch(/timeout-minutes: 90/);
  });

  it('caches npm downloads and the Go tools built from the module proxy', () => {
    const workflow = readFileSync(WORKFLOW, 'utf8');
    expect(workflow).toMatch(/path: ~\/\.npm/);
    expect(workflow).toMatch(/path: \.data\/bin/);
    expect(workflow).toMatch(/path: ~\/go\/pkg\/mod/);
  });
});
