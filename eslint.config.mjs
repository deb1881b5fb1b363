import nx from '@nx/eslint-plugin';

/** Packages that bring providers, connections or database code: never in contracts. */
const RUNTIME_PACKAGES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/microservices',
  '@nestjs/mongoose',
  '@nestjs/config',
  '@nestjs/terminus',
  '@nestjs/platform-fastify',
  'mongoose',
  'mongodb',
  'ioredis',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '.data', '.nx'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.cjs', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          // Plain CommonJS tooling shared with `npm start` and the builds: the process launcher and
          // the Go tools' builder in tools/platform, and the apps' webpack config factory in tools/webpack.
          allow: [
            '^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$',
            '^.*/tools/platform/(platform\\.cjs|go-tools\\.cjs|services\\.json)$',
            '^.*/tools/webpack/nest-app\\.webpack\\.cjs$',
          ],
          depConstraints: [
            // what kind of project may use what
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'],
            },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'],
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: RUNTIME_PACKAGES,
            },
            // which lib may use which: a lib uses only libs of a lower layer (libs/*/project.json
            // `layer:N`), so none imports one above it or beside it, and there is no cycle
            { sourceTag: 'layer:0', onlyDependOnLibsWithTags: ['layer:none'] },
            { sourceTag: 'layer:1', onlyDependOnLibsWithTags: ['layer:0'] },
            { sourceTag: 'layer:2', onlyDependOnLibsWithTags: ['layer:0', 'layer:1'] },
            { sourceTag: 'layer:3', onlyDependOnLibsWithTags: ['layer:0', 'layer:1', 'layer:2'] },
            { sourceTag: 'layer:4', onlyDependOnLibsWithTags: ['layer:0', 'layer:1', 'layer:2', 'layer:3'] },
            // whose project may use whose
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:users', onlyDependOnLibsWithTags: ['scope:users', 'scope:shared'] },
            { sourceTag: 'scope:oauth', onlyDependOnLibsWithTags: ['scope:oauth', 'scope:shared'] },
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:console', 'scope:shared'] },
            { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['scope:tooling'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:tooling'] },
            { sourceTag: 'scope:applications', onlyDependOnLibsWithTags: ['scope:applications', 'scope:shared'] },
            { sourceTag: 'scope:images', onlyDependOnLibsWithTags: ['scope:images', 'scope:shared'] },
            { sourceTag: 'scope:data', onlyDependOnLibsWithTags: ['scope:data', 'scope:shared'] },
            { sourceTag: 'scope:statistics', onlyDependOnLibsWithTags: ['scope:statistics', 'scope:shared'] },
            { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:audit', 'scope:shared'] },
            // <nx-plugin:scopes>
          ],
        },
      ],
      // Type annotations on decorated properties feed emitDecoratorMetadata (config conversion).
      '@typescript-eslint/no-inferrable-types': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
