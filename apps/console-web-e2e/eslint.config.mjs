import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    // Playwright reads a fixture's dependencies from its first parameter: one without any is `{}`
    rules: { 'no-empty-pattern': 'off' },
  },
];
