import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const ESLINT = join(ROOT, 'node_modules/.bin/eslint');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Lints `code` as if it were the file at `filePath` in this workspace, with the workspace's real rules. */
function lintAs(filePath: string, code: string): Promise<LintMessage[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      ESLINT,
      ['--stdin', '--stdin-filename', filePath, '--format', 'json', '--no-warn-ignored'],
      { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout) => {
        // eslint exits 1 when it reports problems: that is a result, not a failure
        if (error && !stdout) return reject(error);
        resolve((JSON.parse(stdout) as { messages: LintMessage[] }[])[0].messages);
      },
    );
    child.stdin?.end(code);
  });
}

const boundaryErrors = (messages: LintMessage[]) => messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);

describe('module boundaries (eslint, the workspace rules)', () => {
  jest.setTimeout(120_000);

  it('fail lint when a service imports the gateway-only HTTP auth lib', async () => {
    const errors = boundaryErrors(await lintAs('apps/users/src/app/forbidden.ts', "import { Public } from '@site11/gateway-auth';\nexport const x = Public;\n"));
    expect(errors).toEqual([expect.stringContaining('"scope:users" can only depend on libs tagged with "scope:users", "scope:shared"')]);
  });

  it('let a service import the token verification it checks its callers with', async () => {
    const errors = boundaryErrors(await lintAs('apps/users/src/app/allowed.ts', "import { RpcAccess } from '@site11/auth';\nexport const x = RpcAccess;\n"));
    expect(errors).toEqual([]);
  });

  it('let the gateway import its HTTP auth lib', async () => {
    const errors = boundaryErrors(
      await lintAs('apps/console-gateway/src/app/allowed.ts', "import { Public } from '@site11/gateway-auth';\nexport const x = Public;\n"),
    );
    expect(errors).toEqual([]);
  });

  it('fail lint when a lib below imports the app shell on top', async () => {
    const errors = boundaryErrors(
      await lintAs('libs/persistence/src/lib/upward.ts', "import { PlatformModule } from '@site11/platform';\nexport const x = PlatformModule;\n"),
    );
    // platform uses persistence, so the rule reports the cycle this makes; either way lint fails
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/"type:data-access" can only depend on libs tagged with "type:data-access", "type:util", "type:contracts"|Circular dependency between "persistence" and "platform"/);
  });

  it('fail lint when a lib imports one that depends on it (a cycle)', async () => {
    const errors = boundaryErrors(
      await lintAs('libs/redis/src/lib/upward.ts', "import { PlatformModule } from '@site11/platform';\nexport const x = PlatformModule;\n"),
    );
    expect(errors).toEqual([expect.stringContaining('Circular dependency between "redis" and "platform"')]);
  });

  it('fail lint when a lib imports another of its own layer (auth importing messaging)', async () => {
    const errors = boundaryErrors(await lintAs('libs/auth/src/lib/sideways.ts', "import { RpcClient } from '@site11/messaging';\nexport const x = RpcClient;\n"));
    expect(errors).toEqual([expect.stringContaining('"layer:2" can only depend on libs tagged with "layer:0", "layer:1"')]);
  });

  it('fail lint when any lib imports the app shell, even one of the top layer', async () => {
    const errors = boundaryErrors(
      await lintAs('libs/gateway-auth/src/lib/shell.ts', "import { PlatformModule } from '@site11/platform';\nexport const x = PlatformModule;\n"),
    );
    expect(errors).toEqual([expect.stringContaining('"layer:4" can only depend on libs tagged with "layer:0", "layer:1", "layer:2", "layer:3"')]);
  });

  it('fail lint when contracts import a runtime package', async () => {
    const errors = boundaryErrors(await lintAs('libs/contracts/src/lib/runtime.ts', "import Redis from 'ioredis';\nexport const x = Redis;\n"));
    expect(errors).toEqual([expect.stringContaining('ioredis')]);
  });
});
