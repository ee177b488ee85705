import { defineConfig } from "vite";

// Built into web/dist, which the server embeds (crates/server/build.rs).
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000, assetsInlineLimit: 0 },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/basemap": "http://127.0.0.1:8080" } },
});
