import { createHash } from 'node:crypto';
import { canonicalJson, type ChainedEntry, entryHash, GENESIS_HASH, sealEntry, type SealedFields, verifyChain } from './audit-chain';

const record = (n: number) => ({
  id: `event-${n}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  actor: '0123456789abcdef01234567',
  action: 'oauth.keys.rotated' as const,
  target: `key:${n}`,
  ip: '203.0.113.7',
  userAgent: 'audit-test/1.0',
  requestId: `req-${n}`,
  outcome: 'success' as const,
});

function chainOf(length: number): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  for (let n = 1; n <= length; n++) entries.push(sealEntry(entries[entries.length - 1] ?? null, record(n)));
  return entries;
}

async function* stream(entries: ChainedEntry[]): AsyncGenerator<ChainedEntry> {
  yield* entries;
}

describe('the audit chain', () => {
  it('hashes sha256(prevHash + canonical JSON of every sealed field, keys sorted), in hex', () => {
    const [first] = chainOf(1);
    const { hash: _hash, ...fields } = first;
    expect(canonicalJson(fields)).toBe(
      '{"action":"oauth.keys.rotated","actor":"0123456789abcdef01234567","at":"2026-01-01T00:00:01.000Z","id":"event-1","ip":"203.0.113.7",' +
        `"outcome":"success","prevHash":"${GENESIS_HASH}","requestId":"req-1","seq":1,"target":"key:1","userAgent":"audit-test/1.0"}`,
    );
    expect(first.hash).toBe(
      createHash('sha256')
        .update(GENESIS_HASH + canonicalJson(fields))
        .digest('hex'),
    );
  });

  it('gives the same hash whatever order the fields come in, and null for an absent one', () => {
    const [first] = chainOf(1);
    const { hash: _hash, ...fields } = first;
    const reordered = Object.fromEntries(Object.entries(fields).reverse()) as unknown as SealedFields;
    expect(entryHash(reordered)).toBe(first.hash);
    expect(canonicalJson({ ...fields, target: null })).toContain('"target":null');
  });

  it('links each entry to the one before: seq + 1 and the previous hash, the first to the genesis hash', () => {
    const [first, second] = chainOf(2);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
  });

  it('changes the hash when any sealed field changes', () => {
    const [first] = chainOf(1);
    const { hash, ...fields } = first;
    for (const [field, value] of Object.entries({
      actor: 'x',
      target: null,
      ip: null,
      outcome: 'failure',
      seq: 2,
      id: 'other',
      at: new Date(0),
    })) {
      expect({
        field,
        changed: entryHash({ ...fields, [field]: value }) !== hash,
      }).toEqual({ field, changed: true });
    }
  });

  it('finds an intact chain valid and reports how many entries it checked', async () => {
    await expect(verifyChain(stream(chainOf(20)))).resolves.toEqual({
      valid: true,
      checked: 20,
      firstBrokenId: null,
    });
    await expect(verifyChain(stream([]))).resolves.toEqual({
      valid: true,
      checked: 0,
      firstBrokenId: null,
    });
  });

  it('names an edited entry as the first broken one', async () => {
    const entries = chainOf(10);
    entries[4] = { ...entries[4], target: 'key:someone-else' };
    await expect(verifyChain(stream(entries))).resolves.toEqual({
      valid: false,
      checked: 5,
      firstBrokenId: 'event-5',
    });
  });

  it('names the entry after an edited one whose hash was recomputed to match', async () => {
    const entries = chainOf(10);
    const { hash: _hash, ...edited } = { ...entries[4], actor: 'someone-else' };
    entries[4] = { ...edited, hash: entryHash(edited) };
    await expect(verifyChain(stream(entries))).resolves.toEqual({
      valid: false,
      checked: 6,
      firstBrokenId: 'event-6',
    });
  });

  it('names the entry after a deleted one (a gap in seq), the first one included', async () => {
    const entries = chainOf(10);
    await expect(verifyChain(stream([...entries.slice(0, 3), ...entries.slice(4)]))).resolves.toEqual({
      valid: false,
      checked: 4,
      firstBrokenId: 'event-5',
    });
    await expect(verifyChain(stream(entries.slice(1)))).resolves.toEqual({
      valid: false,
      checked: 1,
      firstBrokenId: 'event-2',
    });
  });

  it('names the first of two entries that swapped places, even with their seq swapped to look in order', async () => {
    const entries = chainOf(10);
    await expect(verifyChain(stream([...entries.slice(0, 3), entries[4], entries[3], ...entries.slice(5)]))).resolves.toEqual({
      valid: false,
      checked: 4,
      firstBrokenId: 'event-5',
    });
    const swapped = [...entries.slice(0, 3), { ...entries[4], seq: 4 }, { ...entries[3], seq: 5 }, ...entries.slice(5)];
    await expect(verifyChain(stream(swapped))).resolves.toEqual({
      valid: false,
      checked: 4,
      firstBrokenId: 'event-5',
    });
  });

  it('walks 100,000 entries as they are produced, asking for the next only after checking the one before', async () => {
    let produced = 0;
    let ahead = 0;
    async function* lazily(): AsyncGenerator<ChainedEntry> {
      let previous: ChainedEntry | null = null;
      for (let n = 1; n <= 100_000; n++) {
        previous = sealEntry(previous, record(n));
        produced += 1;
        yield previous;
        // resumed only when the walk wants the next one: nothing is read ahead or kept
        ahead = Math.max(ahead, produced - n);
      }
    }
    await expect(verifyChain(lazily())).resolves.toEqual({
      valid: true,
      checked: 100_000,
      firstBrokenId: null,
    });
    expect({ produced, ahead }).toEqual({ produced: 100_000, ahead: 0 });
  });
});
