import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The console is served by the service under /console/, from dist/console (npm run build). */
export default defineConfig({
  root: __dirname,
  base: '/console/',
  // Always the production build, whatever NODE_ENV the calling process has (React's and Ant Design's development warnings stay out).
  mode: 'production',
  plugins: [react()],
  build: {
    outDir: resolve(__dirname, '../../dist/console'),
    emptyOutDir: true,
    // The chunk graph, for the benchmark's measure of what each page's first load costs.
    manifest: true,
    // Ant Design's components load with the pages that use them.
    chunkSizeWarningLimit: 1500,
  },
});
