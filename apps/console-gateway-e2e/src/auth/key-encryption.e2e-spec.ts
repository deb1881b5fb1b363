import { createHash, randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { call, Stack } from '../support/stack';

/** The public name oauth gives a key-encryption key in sealed records (a hash prefix, never the key). */
const kekId = (base64: string) =>
  createHash('sha256').update('site11:kek:').update(Buffer.from(base64, 'base64')).digest('base64url').slice(0, 12);

let stack: Stack;
const PASSWORD = 'a long enough password';

beforeAll(async () => {
  // starts without a key-encryption key (allowed outside production): the first key is stored plain
  stack = await Stack.start({ oauthEnv: { KEY_ENCRYPTION_KEY: '' } });
});

afterAll(async () => {
  await stack?.stop();
});

const signingKeys = () => stack.oauthDb.collection('signing_keys').find().sort({ generation: -1 }).toArray();

async function loginWorks(): Promise<string> {
  const email = `kek${Date.now().toString(36)}${randomBytes(2).toString('hex')}@example.com`;
  expect((await call(`${stack.api}/auth/register`, { method: 'POST', json: { email, password: PASSWORD, name: 'K' } })).status).toBe(201);
  const { accessToken } = await stack.login(email, PASSWORD);
  expect((await call(`${stack.api}/auth/me`, { token: accessToken })).status).toBe(200);
  return decodeProtectedHeader(accessToken).kid as string;
}

describe('private signing keys at rest', () => {
  const first = randomBytes(32).toString('base64');
  const second = randomBytes(32).toString('base64');

  it('seals a key stored plain at the first boot given a key-encryption key, and keeps signing with it', async () => {
    const [plain] = await signingKeys();
    expect(plain).toHaveProperty('privateJwk');
    const kid = await loginWorks();

    await stack.restartOauth(undefined, { KEY_ENCRYPTION_KEY: first });
    const [sealed] = await signingKeys();
    expect(sealed['_id']).toBe(plain['_id']);
    expect(sealed).not.toHaveProperty('privateJwk');
    expect(sealed['sealedPrivateKey']).toMatchObject({ alg: 'A256GCM', kek: kekId(first) });
    expect(await loginWorks()).toBe(kid);
  });

  it('reseals under a new key-encryption key while the previous one still opens', async () => {
    await stack.restartOauth(undefined, { KEY_ENCRYPTION_KEY: second, KEY_ENCRYPTION_KEYS_PREVIOUS: first });
    const [resealed] = await signingKeys();
    expect(resealed['sealedPrivateKey']).toMatchObject({ kek: kekId(second) });
    await loginWorks();
  });

  it('refuses to boot when its key is sealed under a key-encryption key it was not given', async () => {
    await expect(stack.restartOauth(undefined, { KEY_ENCRYPTION_KEY: first, KEY_ENCRYPTION_KEYS_PREVIOUS: '' })).rejects.toThrow(/exited/);
    await expect(stack.restartOauth(undefined, { KEY_ENCRYPTION_KEY: '', KEY_ENCRYPTION_KEYS_PREVIOUS: '' })).rejects.toThrow(/exited/);
    // with the right key it starts again, and nothing was lost
    await stack.restartOauth(undefined, { KEY_ENCRYPTION_KEY: second });
    await loginWorks();
  });
});
