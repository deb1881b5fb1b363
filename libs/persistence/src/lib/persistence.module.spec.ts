import { mongooseOptions } from './persistence.module';

describe('mongooseOptions', () => {
  it('selects the service database by name and fails fast instead of buffering', () => {
    expect(mongooseOptions({ uri: 'mongodb://h/', dbName: 'users_db' })).toMatchObject({
      uri: 'mongodb://h/',
      dbName: 'users_db',
      bufferCommands: false,
    });
  });

  it('refuses a database name that could escape into another namespace', () => {
    expect(() => mongooseOptions({ uri: 'mongodb://h/', dbName: 'users.db/../x' })).toThrow(/not valid/);
  });

  it('refuses to run tests against a database not named as a test database', () => {
    expect(() => mongooseOptions({ uri: 'mongodb://h/', dbName: 'users_db', requireTestDatabase: true })).toThrow(
      /Refusing to run tests/,
    );
    expect(() =>
      mongooseOptions({ uri: 'mongodb://h/', dbName: 'users_test_1a2b', requireTestDatabase: true }),
    ).not.toThrow();
  });
});
