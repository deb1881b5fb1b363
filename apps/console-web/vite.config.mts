/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const gateway = process.env['CONSOLE_GATEWAY_URL'] ?? 'http://localhost:3000';

/**
 * The console's build, dev server and unit tests. The build must stay compatible with the strict
 * CSP the gateway serves it with (see docs/console.md): no inline scripts, no eval, no data: fonts.
 */
export default defineConfig({
  root,
  base: '/',
  cacheDir: '../../node_modules/.vite/apps/console-web',
  plugins: [react()],
  server: {
    port: 4200,
    strictPort: true,
    host: 'localhost',
    proxy: {
      '/api': { target: gateway, changeOrigin: false },
      '/health': { target: gateway, changeOrigin: false },
      '/.well-known': { target: gateway, changeOrigin: false },
    },
  },
  preview: {
    port: 4300,
    host: 'localhost',
  },
  build: {
    outDir: '../../dist/apps/console-web',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // data: URIs would be fine for images but not for fonts (font-src 'self'): keep every asset a file
    assetsInlineLimit: 0,
    // every browser the console supports has <link rel="modulepreload">; the polyfill is not needed
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  test: {
    name: 'console-web',
    root,
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.spec.{ts,tsx}'],
    restoreMocks: true,
    testTimeout: 30_000,
  },
});
