import { loadConfig } from '@site11/config';
import { UsersConfig } from '../../users.config';

const REQUIRED = { REDIS_URL: 'redis://127.0.0.1:6379', MONGODB_URI: 'mongodb://127.0.0.1:27017/' };

function load(env: Record<string, string>): UsersConfig {
  const saved = process.env;
  process.env = { ...REQUIRED, ...env };
  try {
    return loadConfig(UsersConfig);
  } finally {
    process.env = saved;
  }
}

describe('UsersConfig', () => {
  it('answers searches from the Redis index by default, rebuilding it only when it is missing', () => {
    expect(load({})).toMatchObject({ USERS_SEARCH_INDEX: 'redis', USERS_SEARCH_REBUILD: 'if-missing' });
    expect(load({ USERS_SEARCH_INDEX: 'database', USERS_SEARCH_REBUILD: 'at-start' })).toMatchObject({
      USERS_SEARCH_INDEX: 'database',
      USERS_SEARCH_REBUILD: 'at-start',
    });
  });

  it('stops the boot naming USERS_SEARCH_INDEX or USERS_SEARCH_REBUILD when either has another value', () => {
    expect(() => load({ USERS_SEARCH_INDEX: 'elastic' })).toThrow(/USERS_SEARCH_INDEX must be redis or database \(got "elastic"\)/);
    expect(() => load({ USERS_SEARCH_REBUILD: 'always' })).toThrow(/USERS_SEARCH_REBUILD must be if-missing or at-start \(got "always"\)/);
  });
});
