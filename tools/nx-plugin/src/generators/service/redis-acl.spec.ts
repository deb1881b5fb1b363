import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aclRules, callGraph, passwordEnv, renderComposeAcl, type ServiceEntry } from '../../../../../tools/platform/platform.cjs';

/**
 * The rules as data. What Redis makes of them (each refusal and each permission an app needs) is
 * proven against a real redis-server in apps/console-gateway-e2e/src/messaging/redis-acl.e2e-spec.ts.
 */
const ROOT = join(__dirname, '../../../../..');
const SERVICES = JSON.parse(readFileSync(join(ROOT, 'tools/platform/services.json'), 'utf-8')) as ServiceEntry[];

/** The root rules and each selector of an app, as lists of tokens. */
function parts(rules: string[]): string[][] {
  return [rules.filter((rule) => !rule.startsWith('(')), ...rules.filter((rule) => rule.startsWith('(')).map((selector) => selector.slice(1, -1).split(' '))];
}

describe('Redis users of the apps', () => {
  const graph = callGraph(SERVICES);

  it('keeps docker/redis/users.acl.in in step with services.json (node tools/platform/redis-acl.cjs writes it)', () => {
    expect(readFileSync(join(ROOT, 'docker/redis/users.acl.in'), 'utf-8')).toBe(renderComposeAcl(SERVICES));
  });

  it('takes who calls whom from services.json, the gateway calling every service, reading every emitter’s events (its read cache) and serving none', () => {
    expect(graph['oauth']).toEqual({ calls: ['users', 'applications'], consumes: ['users', 'applications'], serves: true });
    expect(graph['users']).toEqual({ calls: [], consumes: [], serves: true });
    expect(graph['console-gateway']).toEqual({ calls: SERVICES.map((s) => s.name), consumes: SERVICES.map((s) => s.name), serves: false });
    expect(() => callGraph([...SERVICES, { name: 'billing', healthPort: 3199, dbEnv: 'BILLING_DB_NAME', calls: ['nowhere'] }])).toThrow(/nowhere/);
  });

  it("never lets an app read another service's request stream: append only, or the send-if-live script whose commands are checked apart", () => {
    for (const app of Object.keys(graph)) {
      for (const part of parts(aclRules(app, graph))) {
        const readable = part.filter((token) => /^(%R|%RW)?~rpc:\{/.test(token) && !token.includes(`{${app}}`));
        if (readable.length === 0) continue;
        const commands = part.filter((token) => /^[+-]/.test(token));
        expect({ app, readable, commands }).toEqual({ app, readable, commands: ['+eval', '+evalsha'] });
      }
    }
  });

  it('lets only oauth write the auth keys, and only the gateway keep rate limits', () => {
    for (const app of Object.keys(graph)) {
      const rules = aclRules(app, graph);
      expect(rules).toContain(app === 'oauth' ? '~auth:*' : '%R~auth:*');
      expect(rules.includes('~rl:*')).toBe(app === 'console-gateway');
    }
  });

  it('subscribes each app to its own reply channels only; only apps that serve may publish replies', () => {
    for (const app of Object.keys(graph)) {
      const [root, ...selectors] = parts(aclRules(app, graph));
      expect(root.filter((token) => token.startsWith('&'))).toEqual([`&rpc:reply:${app}:*`]);
      const publishers = selectors.filter((selector) => selector.includes('&rpc:reply:*'));
      expect(publishers).toEqual(graph[app].serves ? [['&rpc:reply:*', '+publish']] : []);
    }
  });

  it('renders compose users with a password variable each and the default user off, and no password', () => {
    const acl = renderComposeAcl(SERVICES);
    for (const user of ['admin', ...Object.keys(graph)]) expect(acl).toContain(`user ${user} reset on #\${${passwordEnv(user)}} `);
    expect(acl).toMatch(/^user default reset off$/m);
    expect(passwordEnv('console-gateway')).toBe('CONSOLE_GATEWAY_REDIS_PASSWORD');
    expect(acl).not.toMatch(/>/);
  });
});
