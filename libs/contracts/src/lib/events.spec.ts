import { EVENT_NAME_PATTERN, EVENT_NAMES, type EventName } from './events';

describe('the event catalog', () => {
  it.each(EVENT_NAMES)('names %s as <service>[.<resource>].<past-tense verb>', (name) => {
    expect(name).toMatch(EVENT_NAME_PATTERN);
  });

  it('refuses command-like and unscoped names', () => {
    for (const name of ['users.create', 'created', 'users.config.publish', 'Users.Created']) {
      expect(name).not.toMatch(EVENT_NAME_PATTERN);
    }
    expect('applications.config.published').toMatch(EVENT_NAME_PATTERN);
  });

  it('lists each event once', () => {
    const names: readonly EventName[] = EVENT_NAMES;
    expect(new Set(names).size).toBe(names.length);
  });
});
