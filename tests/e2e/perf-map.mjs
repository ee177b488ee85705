// Measures the web map with a large database (run by hand, results go in
// BENCHMARKS.md): time to first render, and frame times while panning.
//   cargo run --release -p marsad-store --example synthetic -- /tmp/big.db 1000000
//   target/release/marsad serve --db /tmp/big.db --addr 127.0.0.1:8099 &
//   node tests/e2e/perf-map.mjs http://127.0.0.1:8099
import { chromium } from "playwright-core";

const base = process.argv[2] || "http://127.0.0.1:8099";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const t0 = Date.now();
await page.goto(`${base}/#map=7/34.9/40.4`);
await page.waitForFunction(() => window.__marsad?.ready && window.__marsad.shown > 0, null, { timeout: 120000 });
const firstRender = Date.now() - t0;
const shown = await page.evaluate(() => window.__marsad.shown);
const frames = await page.evaluate(
  () =>
    new Promise((done) => {
      const map = window.__marsad.map;
      const times = [];
      let last = performance.now();
      let stop = false;
      const tick = (now) => {
        times.push(now - last);
        last = now;
        if (!stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const moves = [[200, 0], [0, 150], [-200, 0], [0, -150], [150, 150], [-150, -150]];
      let i = 0;
      const next = () => {
        if (i === moves.length) {
          stop = true;
          return setTimeout(() => done(times.slice(2)), 100);
        }
        map.panBy(moves[i++], { duration: 600 });
        map.once("moveend", next);
      };
      next();
    }),
);
frames.sort((a, b) => a - b);
const pct = (p) => frames[Math.min(frames.length - 1, Math.floor(frames.length * p))].toFixed(1);
console.log(JSON.stringify({ incidents: shown, first_render_ms: firstRender, frames: frames.length, frame_ms_median: pct(0.5), frame_ms_p95: pct(0.95), frame_ms_max: frames[frames.length - 1].toFixed(1) }));
await browser.close();
