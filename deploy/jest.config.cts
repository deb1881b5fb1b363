module.exports = {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  // builds Helm and kube-validate once (minutes, the first time on a machine), before any test's clock starts
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 60_000,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../coverage/deploy',
};
