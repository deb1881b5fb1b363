import { call, type Stack } from './stack';

let seq = 0;

/** An address no other test of the run uses. */
export const uniqueEmail = (tag: string) => `${tag}-${Date.now().toString(36)}-${(seq++).toString(36)}@example.com`;

/** Creates `count` users at once through the gateway (as `token`); their addresses and the statuses answered. */
export async function createMany(stack: Stack, token: string, tag: string, count: number, password?: string) {
  const emails = Array.from({ length: count }, () => uniqueEmail(tag));
  const responses = await Promise.all(
    emails.map((address) =>
      call(`${stack.api}/users`, { method: 'POST', token, json: { email: address, name: tag, ...(password ? { password } : {}) } }),
    ),
  );
  return { emails, statuses: responses.map((r) => r.status) };
}

/** Starts `count` replicas of the users service, one after the other, each ready when it returns. */
export async function startReplicas(stack: Stack, count: number) {
  const replicas = [];
  for (let i = 0; i < count; i++) replicas.push(await stack.addUsersReplica());
  return replicas;
}

/** Waits (up to `timeoutMs`) until oauth has ended these sessions for `reason`; how many it ended. */
export async function sessionsRevoked(stack: Stack, sids: string[], reason: string, timeoutMs = 10_000): Promise<number> {
  const sessions = stack.oauthDb.collection('sessions');
  const deadline = Date.now() + timeoutMs;
  let revoked = 0;
  while (Date.now() < deadline) {
    revoked = await sessions.countDocuments({ _id: { $in: sids } as never, revokedReason: reason });
    if (revoked === sids.length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return revoked;
}
