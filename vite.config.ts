import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { appShellServiceWorker } from './client/service-worker/vite-plugin.ts';

// The tracker serves the built app; in `npm run dev` Vite proxies the tracker's API and socket.
const trackerUrl = process.env.SHOAL_TRACKER_URL ?? 'http://localhost:8080';

export default defineConfig({
  // The service worker is emitted by the build only; `npm run dev` runs without one.
  plugins: [svelte(), appShellServiceWorker({ publicDir: 'public' })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': trackerUrl,
      '/socket.io': { target: trackerUrl, ws: true },
    },
  },
});
