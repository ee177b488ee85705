import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { defineConfig } from "vite";
import { regionalBasemap } from "./build/basemap.js";

const require = createRequire(import.meta.url);
const readJson = (module) => JSON.parse(readFileSync(require.resolve(module), "utf8"));

/** `virtual:basemap`: the world layers cut to the region once, at build time (see build/basemap.js). */
function basemap() {
  const id = "virtual:basemap";
  return {
    name: "marsad-basemap",
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(resolved) {
      if (resolved !== `\0${id}`) return null;
      const data = regionalBasemap({
        countries50m: readJson("world-atlas/countries-50m.json"),
        land110m: readJson("world-atlas/land-110m.json"),
        rivers: readJson("mapeo-offline-map/dist/rivers.json"),
      });
      // A JSON string parses faster than the same object as a JavaScript literal.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(data))});`;
    },
  };
}

// Built into web/dist, which the server embeds (crates/server/build.rs).
export default defineConfig({
  base: "/",
  plugins: [basemap()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000, assetsInlineLimit: 0 },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/basemap": "http://127.0.0.1:8080", "/tiles": "http://127.0.0.1:8080" } },
});
