// End-to-end tests of the web map: the real `marsad serve` (example articles
// ingested) driven in Debian's Chromium through playwright-core. Every test
// saves a screenshot under test-output/e2e/.
//
// Run: node --test map.test.mjs (scripts/test does, after building the binary).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { check } from "@placemarkio/check-geojson";
import { freshDb, launchChromium, OUT, settle, startServer, tileProperty } from "./support.mjs";

const TOKEN = "e2e-token";

let server;
let base;
let browser;
let db;

before(async () => {
  db = freshDb();
  [server, base] = await startServer(db, ["--examples", "--token", TOKEN]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** A page on the map, with console errors collected, ready to query. */
async function openMap(hash = "") {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/${hash}`);
  await page.waitForFunction(() => window.__marsad?.ready && window.__marsad.shown > 0, null, { timeout: 60000 });
  await settle(page);
  return { page, errors };
}

/** Waits until every single incident in the loaded tiles has `name` equal to (`eq`) or at least (`ge`) `value` (tiles are swapped, not patched). */
async function tilesWhere(page, name, op, value) {
  await page
    .waitForFunction(
      ([n, o, v]) =>
        window.__marsad.map
          .querySourceFeatures("incidents", { sourceLayer: "incidents" })
          .every((f) => (o === "eq" ? f.properties[n] === v : f.properties[n] >= v)),
      [name, op, value],
      { timeout: 15000 },
    )
    .catch(() => {});
  return tileProperty(page, name);
}

const shown = (page) => page.evaluate(() => window.__marsad.shown);
const rendered = (page, layers) =>
  page.evaluate((ls) => window.__marsad.map.queryRenderedFeatures({ layers: ls }).length, layers);

test("the map loads with no console errors and Arabic labels", async () => {
  const { page, errors } = await openMap();
  assert.deepEqual(errors, []);
  assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
  const labels = await page.evaluate(() =>
    window.__marsad.map.queryRenderedFeatures({ layers: ["labels"] }).map((f) => f.properties.name_ar),
  );
  assert.ok(labels.length > 20, `labels: ${labels.length}`);
  assert.ok(labels.includes("الرقة") || labels.includes("الحسكة"), "Arabic city labels are drawn");
  assert.ok((await rendered(page, ["clusters", "incidents"])) > 0);
  assert.ok((await rendered(page, ["rivers"])) > 0, "rivers are drawn");
  await page.screenshot({ path: join(OUT, "01-loaded.png") });
  await page.close();
});

test("the Deir ez-Zor view shows basemap, Euphrates, labels and incidents", async () => {
  const { page, errors } = await openMap("#map=8.5/35.05/40.4");
  assert.ok((await rendered(page, ["rivers"])) > 0);
  assert.ok((await rendered(page, ["admin-governorates"])) > 0);
  assert.ok((await rendered(page, ["labels"])) > 0);
  assert.ok((await rendered(page, ["incidents", "clusters"])) > 0);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(OUT, "02-deir-ez-zor.png") });
  await page.close();
});

test("layer toggles change the rendered features", async () => {
  const { page } = await openMap();
  const before = await shown(page);
  const ids = await page.$$eval("#legend input[type=checkbox]", (bs) => bs.map((b) => b.dataset.layer));
  assert.equal(ids.length, 16);
  // Switch off every layer but airstrikes.
  for (const id of ids.filter((i) => i !== "airstrike")) await page.locator(`#legend input[data-layer="${id}"]`).uncheck();
  await settle(page);
  const after = await shown(page);
  assert.ok(after > 0 && after < before, `${after} of ${before}`);
  const types = await tilesWhere(page, "type", "eq", "airstrike");
  assert.ok(types.every((t) => t === "airstrike"), types.join());
  assert.match(await page.evaluate(() => location.hash), /hide=/);
  await page.screenshot({ path: join(OUT, "03-toggles.png") });
  await page.close();
});

test("the time slider filters the map", async () => {
  const { page } = await openMap();
  const before = await shown(page);
  const max = Number(await page.getAttribute("#t-to", "max"));
  await page.$eval("#t-from", (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input"));
  }, Math.floor(max * 0.7));
  await settle(page);
  const after = await shown(page);
  assert.ok(after < before, `${after} of ${before}`);
  const hash = await page.evaluate(() => location.hash);
  const from = new URLSearchParams(hash.slice(1)).get("from");
  assert.ok(from, hash);
  const dates = await tilesWhere(page, "date", "ge", from);
  assert.ok(dates.every((d) => d >= from), `${dates} ≥ ${from}`);
  await page.screenshot({ path: join(OUT, "04-time.png") });
  await page.close();
});

test("a radius query around البوكمال lists incidents nearest first", async () => {
  const { page, errors } = await openMap();
  await page.click("#radius-toggle");
  await page.fill("#radius-km", "25");
  await page.fill("#search", "البوكمال");
  await page.waitForSelector("#search-results li");
  await page.click("#search-results li");
  await page.waitForFunction(() => (window.__marsad.near || []).length > 0, null, { timeout: 10000 });
  const items = await page.$$eval("#near-list a", (as) => as.map((a) => a.textContent));
  const dists = items.map((s) => parseFloat(s));
  assert.ok(items.length >= 3, items.join("\n"));
  assert.deepEqual([...dists].sort((a, b) => a - b), dists, "nearest first");
  assert.ok(dists.every((d) => d <= 25));
  assert.ok(items.some((s) => s.includes("البوكمال")), items.join("\n"));
  assert.ok((await rendered(page, ["radius-line"])) > 0, "the circle is drawn");
  // A listed incident opens its popup, with the evidence as text.
  await page.click("#near-list a");
  await page.waitForSelector(".popup blockquote");
  assert.ok((await page.textContent(".popup blockquote")).length > 10);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(OUT, "05-radius.png") });
  await page.close();
});

test("downloads return valid GeoJSON and CSV matching the view", async () => {
  const { page } = await openMap();
  await page.locator('#legend input[data-layer="raid_arrest"]').uncheck();
  await settle(page);
  const visible = await shown(page);
  const geoHref = await page.getAttribute("#dl-geojson", "href");
  const csvHref = await page.getAttribute("#dl-csv", "href");
  const geo = await (await fetch(`${base}${geoHref}`)).text();
  writeFileSync(join(OUT, "download.geojson"), geo);
  check(geo); // throws on anything that is not RFC 7946
  const fc = JSON.parse(geo);
  assert.equal(fc.features.length, visible);
  assert.ok(fc.features.every((f) => f.properties.type !== "raid_arrest"));
  const csv = await (await fetch(`${base}${csvHref}`)).text();
  writeFileSync(join(OUT, "download.csv"), csv);
  const lines = csv.trim().split("\n");
  assert.match(lines[0], /^event_id,event_date,event_type,sub_event_type,actor1,actor2/);
  const ids = new Set(fc.features.map((f) => f.id));
  const csvIds = lines.slice(1).map((l) => l.split(",")[0]);
  assert.equal(csvIds.length, ids.size);
  assert.ok(csvIds.every((id) => ids.has(id)));
  // The columnar files take the same filters: the view's query string.
  const query = geoHref.split("?")[1] ?? "";
  for (const [id, path, magic] of [
    ["#dl-parquet", "/api/v1/export.parquet", "PAR1"],
    ["#dl-fgb", "/api/v1/export.fgb", "fgb"],
  ]) {
    const href = await page.getAttribute(id, "href");
    assert.equal(href, query ? `${path}?${query}` : path);
    const bytes = Buffer.from(await (await fetch(`${base}${href}`)).arrayBuffer());
    assert.equal(bytes.subarray(0, magic.length).toString("latin1"), magic);
  }
  await page.screenshot({ path: join(OUT, "06-downloads.png") });
  await page.close();
});

test("a pasted article's incidents appear on the map", async () => {
  const { page, errors } = await openMap();
  const before = await shown(page);
  await page.click("#add-toggle");
  await page.fill("#add-token", TOKEN);
  await page.fill("#add-published", "2024-06-03");
  await page.fill(
    "#add-text",
    "قصفت طائرات مسيرة مجهولة مقراً للفصائل في بلدة الجلاء بريف البوكمال فجر أمس الأحد، ما أدى إلى مقتل ثلاثة عناصر.",
  );
  await page.click("#add-form button[type=submit]");
  await page.waitForSelector("#add-result li[data-incident]", { timeout: 15000 });
  await page.waitForFunction((n) => window.__marsad.shown > n, before, { timeout: 10000 });
  const text = await page.textContent("#add-result");
  assert.match(text, /drone_strike/);
  // English UI: left to right, English labels.
  await page.click("#lang");
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.documentElement.dir), "ltr");
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(OUT, "07-add-article.png") });
  await page.close();
});

/** Posts an article (as JSON) to the server at `at`. */
async function postArticle(at, body) {
  const r = await fetch(`${at}/api/v1/articles`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 201);
}

test("incidents stored by another replica appear at once through the live stream, with their article in the latest list", async () => {
  const { page, errors } = await openMap();
  await page.waitForSelector("#latest-list li[data-article]", { timeout: 10000 });
  await page.waitForFunction(() => window.__marsad.live?.mode === "stream", null, { timeout: 5000 });
  const before = await shown(page);
  // A second replica over the same store (a feed follower, a colleague's
  // server) stores an article.
  const [replica, other] = await startServer(db, ["--token", TOKEN]);
  try {
    const title = "انفجار عبوة في الشحيل";
    const posted = Date.now();
    await postArticle(other, {
      title,
      published: "2024-06-05",
      text: "انفجرت عبوة ناسفة بسيارة عسكرية على طريق بلدة الشحيل بريف دير الزور الشرقي صباح اليوم، ما أدى إلى إصابة عنصرين.",
    });
    // Polling every 5 s could not make it in time: the stream told the map.
    await page.waitForFunction((n) => window.__marsad.shown > n, before, { timeout: 3000 });
    console.log(`live stream: on the map ${Date.now() - posted} ms after it was posted to the other replica`);
    await page.waitForFunction(
      (t) => [...document.querySelectorAll("#latest-list li")].some((li) => li.textContent.includes(t)),
      title,
      { timeout: 10000 },
    );
    assert.equal(await page.evaluate(() => window.__marsad.live.mode), "stream");
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(OUT, "10-live-update.png") });
  } finally {
    replica.kill();
    await page.close();
  }
});

test("where the stream is blocked, the map asks the server instead and still updates", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A proxy that cuts event streams.
  await page.route("**/api/v1/stream*", (route) => route.abort());
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__marsad?.ready && window.__marsad.shown > 0, null, { timeout: 60000 });
  await page.waitForFunction(() => window.__marsad.live?.mode === "polling", null, { timeout: 20000 });
  // One poll has seen the store as it is.
  await new Promise((r) => setTimeout(r, 1500));
  const before = await shown(page);
  await postArticle(base, {
    published: "2024-06-06",
    text: "اعتقلت دورية أمنية ثلاثة أشخاص في بلدة الشحيل بريف دير الزور الشرقي صباح اليوم بتهمة حيازة أسلحة.",
  });
  await page.waitForFunction((n) => window.__marsad.shown > n, before, { timeout: 15000 });
  await page.close();
});

test("the URL is a permalink to the same view", async () => {
  const { page } = await openMap("#map=9/34.45/40.92&lang=en&hide=visit_meeting");
  assert.equal(await page.evaluate(() => document.documentElement.dir), "ltr");
  const unchecked = await page.$$eval("#legend input:not(:checked)", (bs) => bs.map((b) => b.dataset.layer));
  assert.deepEqual(unchecked, ["visit_meeting"]);
  const z = await page.evaluate(() => window.__marsad.map.getZoom());
  assert.ok(Math.abs(z - 9) < 0.01);
  await page.screenshot({ path: join(OUT, "08-permalink.png") });
  await page.close();
});

test("markup and scripts in an article are shown as text and never run", async () => {
  const { page, errors } = await openMap();
  // No full stops inside: they would end the sentence.
  const img = '<img src=x onerror="__pwned=1">';
  const script = "<script>__pwned=2</script>";
  await page.click("#add-toggle");
  await page.fill("#add-token", TOKEN);
  await page.fill("#add-published", "2024-06-04");
  await page.fill("#add-url", "javascript:__pwned=3");
  await page.fill(
    "#add-text",
    `قصفت طائرات مسيرة مقراً للفصائل ${img} في بلدة السيال بريف البوكمال فجر اليوم ${script}، ما أدى إلى مقتل عنصرين.`,
  );
  await page.click("#add-form button[type=submit]");
  await page.waitForSelector("#add-result li[data-incident]", { timeout: 15000 });
  const id = await page.getAttribute("#add-result li[data-incident]", "data-incident");
  // The incident's popup, opened from a permalink, shows the evidence.
  const { page: shown, errors: shownErrors } = await openMap(`#map=10/34.45/40.92&sel=${encodeURIComponent(id)}`);
  await shown.waitForSelector(".popup blockquote", { timeout: 15000 });
  const evidence = await shown.textContent(".popup blockquote");
  assert.ok(evidence.includes("<img") || evidence.includes("<script>"), evidence);
  for (const p of [page, shown]) {
    const injected = await p.evaluate(() => ({
      pwned: window.__pwned ?? null,
      onerror: document.querySelectorAll("[onerror]").length,
      inline: [...document.scripts].filter((s) => !s.src).length,
      javascriptLinks: document.querySelectorAll('a[href^="javascript:"]').length,
    }));
    assert.deepEqual(injected, { pwned: null, onerror: 0, inline: 0, javascriptLinks: 0 });
  }
  assert.deepEqual(errors, []);
  assert.deepEqual(shownErrors, []);
  await shown.screenshot({ path: join(OUT, "09-markup-as-text.png") });
  await shown.close();
  await page.close();
});

test("a map whose first ask for the layers failed shows the incidents once the server answers", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  let refused = 0;
  await page.route("**/api/v1/layers", (route) =>
    refused++ === 0
      ? route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"message":"restarting"}}' })
      : route.continue(),
  );
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__marsad?.ready && window.__marsad.shown > 0, null, { timeout: 60000 });
  await settle(page);
  assert.equal(refused, 2, "the layers were asked for again");
  assert.ok((await rendered(page, ["clusters", "incidents"])) > 0);
  const colours = await page.evaluate(() => window.__marsad.map.getPaintProperty("incidents", "circle-color"));
  assert.equal(colours[0], "match", "circles coloured by type");
  assert.equal(await page.evaluate(() => window.__marsad.map.getLayoutProperty("incident-icons", "visibility")), "visible");
  await page.screenshot({ path: join(OUT, "10-layers-asked-again.png") });
  await page.close();
});
