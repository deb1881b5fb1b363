import { EVENT_NAMES } from '@site11/contracts';
import { buildMetricCatalog, METRICS, outcomeOf, ownerOf, valueOf } from './metric-catalog';

describe('the metric catalog', () => {
  it('has a counter named after every event of the catalog', () => {
    for (const event of EVENT_NAMES) expect(METRICS.get(event)).toMatchObject({ kind: 'counter', terms: [{ event, value: 'count', sign: 1 }] });
  });

  it('counts the events of a service generated later without being told', () => {
    const metrics = buildMetricCatalog([...EVENT_NAMES, 'inventory.item.created']);
    expect(metrics.get('inventory.item.created')).toMatchObject({ kind: 'counter', description: '`inventory.item.created` events' });
  });

  it('takes the owner from ownerId or userId, the account of users.* events, and nothing else', () => {
    expect(ownerOf('images.image.uploaded', { ownerId: 'a' })).toBe('a');
    expect(ownerOf('oauth.login.succeeded', { userId: 'b' })).toBe('b');
    expect(ownerOf('users.created', { id: 'c', email: 'x@y' })).toBe('c');
    expect(ownerOf('oauth.login.failed', { method: 'password' })).toBeNull();
    expect(ownerOf('images.image.uploaded', { ownerId: { $ne: null } })).toBeNull();
  });

  it('gives failed events the failure outcome and succeeded or completed ones success', () => {
    expect(['oauth.login.failed', 'oauth.login.succeeded', 'data.import.completed', 'users.created'].map(outcomeOf)).toEqual(['failure', 'success', 'success', null]);
  });

  it('keeps the one declared number of an event, and only a finite one', () => {
    expect(valueOf('images.image.uploaded', { storedBytes: 2048, bytes: 4096 })).toBe(2048);
    expect(valueOf('images.image.uploaded', { storedBytes: 'lots' })).toBe(0);
    expect(valueOf('users.created', { storedBytes: 5 })).toBe(0);
  });
});
