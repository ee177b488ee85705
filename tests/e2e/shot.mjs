// Manual helper: node tests/e2e/shot.mjs URL OUT.png — a screenshot in headless Chromium.
import { chromium } from "playwright-core";
const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on("console", (m) => console.log("console", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror", e.message));
await page.goto(url);
await page.waitForFunction(() => window.__marsad && window.__marsad.ready, null, { timeout: 30000 }).catch((e) => console.log("not ready", e.message));
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
console.log(await page.evaluate(() => JSON.stringify({ shown: window.__marsad.shown, errors: window.__marsad.errors })));
await browser.close();
