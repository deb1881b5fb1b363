const nxPreset = require('@nx/jest/preset').default;
const { ESM_ONLY } = require('./jest.esm.js');

module.exports = {
  ...nxPreset,
  // node_modules stay untransformed, but for the ESM-only packages wherever they are nested (jest.esm.js)
  transformIgnorePatterns: [`^(?!.*/node_modules/(${ESM_ONLY.join('|')})/).*/node_modules/`],
};
