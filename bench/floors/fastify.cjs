// @ts-check
/**
 * The floor of the CPU comparison: a bare Fastify app answering a small JSON body, nothing else
 * (no logging, no hooks). `PORT` picks the port.
 */
const fastify = require('fastify')({ logger: false });

fastify.get('/health/live', async () => ({ status: 'ok' }));
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((error) => {
  process.stderr.write(`${error}\n`);
  process.exit(1);
});
