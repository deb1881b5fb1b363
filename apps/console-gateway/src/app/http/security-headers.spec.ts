import helmet from 'helmet';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { CONSOLE_CSP } from './console-static';
import { securityHeaders } from './security-headers';

/** What helmet's own middleware sets on a real response, for comparison. */
async function helmetOnARealResponse(): Promise<IncomingHttpHeaders> {
  const middleware = helmet({ contentSecurityPolicy: CONSOLE_CSP });
  const server = createServer((req, res) => middleware(req, res, () => res.end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const response = await fetch(`http://127.0.0.1:${port}/`);
  server.close();
  return Object.fromEntries([...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)));
}

describe('securityHeaders', () => {
  it('computes once exactly the headers helmet sets on a response', async () => {
    expect(securityHeaders({ contentSecurityPolicy: CONSOLE_CSP })).toEqual(await helmetOnARealResponse());
  });

  it('keeps the console policy: no inline scripts, no framing, no upgrade of plain-http requests', () => {
    const csp = securityHeaders({ contentSecurityPolicy: CONSOLE_CSP })['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});
