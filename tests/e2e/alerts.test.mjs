// The alerts panel of the web map in Chromium: a signed-in user makes an
// alert on a place, sees an incident posted there arrive in its list of
// matches, shows its area on the map and removes it.
//
// Run: node --test alerts.test.mjs (scripts/test does, after building the binary).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freshDb, launchChromium, OUT, startServer } from "./support.mjs";

const TOKEN = "e2e-alerts-token";
let server;
let base;
let browser;

before(async () => {
  [server, base] = await startServer(freshDb(), ["--examples", "--token", TOKEN]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test("a user makes an alert on a place, sees its matches and removes it", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__marsad?.ready && window.__marsad.shown > 0, null, { timeout: 60000 });

  // Not signed in: the panel says where to sign in.
  await page.click("#alerts-toggle");
  assert.equal(await page.isVisible("#alerts-signin"), true);
  assert.equal(await page.isVisible("#alert-form"), false);

  await page.click("#review-toggle");
  await page.fill("#review-token", TOKEN);
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#alert-form", { state: "visible", timeout: 15000 });

  await page.fill("#alert-name", "مكتب الميادين");
  await page.selectOption("#alert-kind", "place");
  await page.fill("#alert-place", "الميادين");
  await page.waitForSelector("#alert-place-results button", { timeout: 10000 });
  await page.click("#alert-place-results li:first-child button");
  await page.fill("#alert-km", "20");
  await page.click("#alert-form button[type=submit]");
  await page.waitForSelector("#alert-list li[data-alert]", { timeout: 10000 });
  const listed = await page.textContent("#alert-list li[data-alert]");
  assert.ok(listed.includes("مكتب الميادين") && listed.includes("20"), listed);
  // The area is drawn on the map.
  assert.ok(await page.evaluate(() => Boolean(window.__marsad.map.getLayer("alert-area-line"))));

  // An incident stored at Al-Mayadin arrives in the alert's matches without a reload.
  const r = await fetch(`${base}/api/v1/articles`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({
      published: "2026-12-01",
      text: "قصفت طائرة مسيرة مجهولة موقعاً لميليشيا موالية لإيران في مدينة الميادين شرقي دير الزور صباح اليوم، ما أدى إلى مقتل عنصرين.",
    }),
  });
  assert.equal(r.status, 201);
  const posted = (await r.json()).incidents_new[0];
  await page.waitForSelector(`#alert-list .alert-matches li[data-incident="${posted}"]`, { timeout: 15000 });
  await page.screenshot({ path: join(OUT, "20-alerts.png") });

  await page.click("#alert-list li[data-alert] button.remove");
  await page.waitForFunction(() => !document.querySelector("#alert-list li[data-alert]"), null, { timeout: 10000 });
  assert.deepEqual(errors, []);
  await page.close();
});
