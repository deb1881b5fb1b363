export * from './caller';
export * from './credential-verifier';
export * from './jwks-key';
export * from './rpc-access';
export * from './rpc-identity.guard';
export * from './rpc-identity.module';
export * from './rpc-identity.options';
