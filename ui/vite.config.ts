import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The built bundle is embedded in the Go binary (ui/embed.go) and must work
// offline: Monaco and its worker are bundled, nothing loads from a CDN.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      // monaco-vim imports Monaco by its pre-0.50 paths (esm/vs/…), which
      // monaco-editor 0.57's exports map no longer resolves; and its
      // "browser" build bundles an old copy of Monaco: use its ES module.
      { find: /^monaco-editor\/esm\/vs\/(.*?)(?:\.js)?$/, replacement: fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/$1.js', import.meta.url)) },
      { find: /^monaco-vim$/, replacement: fileURLToPath(new URL('./node_modules/monaco-vim/dist/index.mjs', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      '/execute': 'http://localhost:8080',
      '/jobs': 'http://localhost:8080',
      '/health': 'http://localhost:8080',
      '/auth': 'http://localhost:8080',
      '/snippets': 'http://localhost:8080',
      '/search': 'http://localhost:8080',
      '/analyze': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
      '/rooms': { target: 'ws://localhost:8080', ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
