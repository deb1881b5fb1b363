const { esmTransform } = require('../../jest.esm.js');

module.exports = {
  displayName: 'users',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    ...esmTransform,
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/apps/users',
};
