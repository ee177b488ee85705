// What the browser tests share: the real `marsad` binary, started on a
// fresh store at port 0, and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = process.env.MARSAD_BIN || join(ROOT, "target/release/marsad");
export const OUT = join(ROOT, "test-output/e2e");
mkdirSync(OUT, { recursive: true });

const ENV = { ...process.env, RUST_LOG: process.env.RUST_LOG || "warn", XDG_DATA_HOME: join(tmpdir(), "marsad-e2e-none") };

/** A fresh store's path, in a directory of its own. */
export function freshDb() {
  return join(mkdtempSync(join(tmpdir(), "marsad-e2e-")), "m.db");
}

/** Runs `marsad args…` to the end and returns its standard output; throws on a non-zero exit. */
export function marsad(args) {
  const run = spawnSync(BIN, args, { env: ENV, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`marsad ${args.join(" ")} exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** `marsad serve --db db --addr 127.0.0.1:0 …args`: resolves to `[child, base URL]` once it listens. */
export function startServer(db, args) {
  const child = spawn(BIN, ["serve", "--db", db, "--addr", "127.0.0.1:0", ...args], {
    env: ENV,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const m = line.match(/listening on (http:\/\/\S+)/);
      if (m) ok([child, m[1]]);
      else fail(new Error(`unexpected first line: ${line}`));
    });
    child.once("exit", (code) => fail(new Error(`marsad serve exited with ${code}`)));
  });
}

/** Headless Chromium with software WebGL. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      "--enable-unsafe-swiftshader",
      "--use-angle=swiftshader",
    ],
  });
}

/** Waits until the redraw has run, no count or histogram is being fetched and the tiles are in. */
export async function settle(page) {
  await page.waitForFunction(
    () => !window.__marsad.pending && window.__marsad.busy === 0 && window.__marsad.map.isSourceLoaded("incidents"),
    null,
    { timeout: 15000 },
  );
}

/** A property of every single incident in the loaded tiles. */
export const tileProperty = (page, name) =>
  page.evaluate((n) => window.__marsad.map.querySourceFeatures("incidents", { sourceLayer: "incidents" }).map((f) => f.properties[n]), name);
