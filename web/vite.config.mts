import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// `npm run web:build` writes dist/web (served by the API at the root of PUBLIC_URL);
// `npm run web:dev` serves the app with hot reload and forwards the API to a running `npm start`.
export default defineConfig({
  root: here,
  base: '/',
  build: { outDir: `${here}../dist/web`, emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3000', '/media': 'http://localhost:3000', '/unsubscribe': 'http://localhost:3000' },
  },
});
