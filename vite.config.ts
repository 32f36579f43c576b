import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The tracker serves the built app; in `npm run dev` Vite proxies the tracker's API and socket.
const trackerUrl = process.env.SHOAL_TRACKER_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [svelte()],
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
