// @ts-check
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

/**
 * The webpack build every Nest app of the workspace uses: one Node bundle with the workspace
 * libs inlined, node_modules left external, and a generated package.json + lockfile for the
 * image. `projectDir` is the app's directory (its `__dirname`).
 * @param {string} projectDir
 * @param {string} name
 */
module.exports = function nestAppWebpackConfig(projectDir, name) {
  return {
    output: {
      path: join(projectDir, '../../dist/apps', name),
      clean: true,
      ...(process.env.NODE_ENV !== 'production' && { devtoolModuleFilenameTemplate: '[absolute-resource-path]' }),
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        assets: [],
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
      }),
    ],
  };
};
