/**
 * Packages published only as ES modules that CommonJS code of ours requires (otplib's
 * @scure/base and @noble/hashes). Node 20.19 loads them through require(esm); Jest's module
 * loader cannot, so Jest compiles them to CommonJS: jest.preset.js stops ignoring them, and a
 * project whose code reaches them puts `esmTransform` before its own transform.
 */
const { join } = require('node:path');

const ESM_ONLY = ['@scure', '@noble'];

const esmTransform = {
  [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: join(__dirname, 'tsconfig.esm-packages.json'), diagnostics: false }],
};

module.exports = { ESM_ONLY, esmTransform };
