export * from './lib/common/errors';
export * from './lib/common/envelope';
export * from './lib/common/page.dto';
export * from './lib/common/transforms';
export * from './lib/users/users.patterns';
export * from './lib/users/users.dto';
export * from './lib/auth/auth.patterns';
export * from './lib/auth/auth.dto';
