// The review mode in Chromium, on a map served with `--public verified`:
// a reviewer verifies one incident and rejects another with the keyboard
// (and takes back a third decision with U), an editor moves one to another
// village by clicking the map, corrects its killed count and merges a
// duplicate into an incident nearby with the keyboard; an anonymous
// reader who watched all along then sees exactly the verified incidents,
// without a reload, and each incident's history holds these actions with
// before and after. Screenshots go to test-output/e2e/.
//
// Run: node --test review.test.mjs (scripts/test does, after building the binary).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freshDb, launchChromium, marsad, OUT, settle, startServer } from "./support.mjs";

let server;
let base;
let browser;
const tokens = {};

before(async () => {
  const db = freshDb();
  tokens.reviewer = marsad(["users", "add", "rita", "--role", "reviewer", "--db", db]).trim();
  tokens.editor = marsad(["users", "add", "eddie", "--role", "editor", "--db", db]).trim();
  [server, base] = await startServer(db, ["--examples", "--public", "verified"]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** The API as `who` (a role, or anonymous): the status and the JSON body. */
async function api(path, who) {
  const r = await fetch(`${base}${path}`, { headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });
  return [r.status, await r.json()];
}

/** A fresh page (its own session) on the map, loaded; console errors collected. */
async function openMap() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && !/401|403|404/.test(m.text()) && errors.push(`${m.text()} ${JSON.stringify(m.location())} ${m.args().length}`));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__marsad?.ready, null, { timeout: 60000 });
  await settle(page);
  return { page, errors };
}

const shown = (page) => page.evaluate(() => window.__marsad.shown);
const cardId = (page) => page.getAttribute("#review-card", "data-incident");

/** Signs in with the review panel and waits for the queue's first incident. */
async function signIn(page, who) {
  if (await page.isHidden("#review-section")) await page.click("#review-toggle");
  await page.fill("#review-token", tokens[who]);
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#review-card[data-incident]", { timeout: 15000 });
}

/** Waits until the review shows an incident other than `id`; returns it. */
async function nextAfter(page, id) {
  await page.waitForFunction((was) => {
    const now = document.querySelector("#review-card")?.dataset.incident;
    return now && now !== was;
  }, id, { timeout: 15000 });
  return cardId(page);
}

/** Waits until the map has stopped moving and its data is in. */
async function still(page) {
  await page.waitForFunction(() => !window.__marsad.map.isMoving(), null, { timeout: 15000 });
  await settle(page);
}

test("reviewers and editors decide in the map, and the public sees what they verified", async () => {
  const [, all] = await api("/api/v1/stats/counts", "editor");
  const [, open] = await api("/api/v1/stats/counts?status=unreviewed", "editor");
  assert.ok(all.total >= 5 && open.total === all.total, "every example incident starts unreviewed");

  // An anonymous reader watches the map from the start: nothing is verified yet.
  const { page: watcher, errors: watcherErrors } = await openMap();
  assert.equal(await shown(watcher), 0);

  // The reviewer signs in: the whole store, the queue, the evidence in its article.
  const { page: rev, errors: revErrors } = await openMap();
  await signIn(rev, "reviewer");
  await rev.waitForFunction((n) => window.__marsad.shown === n, all.total, { timeout: 15000 });
  assert.equal(await rev.textContent("#queue-count"), String(open.total));
  const first = await cardId(rev);
  const [, firstFeature] = await api(`/api/v1/incidents/${first}`, "reviewer");
  await rev.waitForSelector("#review-article mark");
  assert.equal(await rev.textContent("#review-article mark"), firstFeature.properties.sources[0].evidence);
  assert.ok((await rev.textContent("#review-article")).length > (await rev.textContent("#review-article mark")).length);
  // The queue starts with the least confident.
  const [, queue] = await api("/api/v1/incidents?status=unreviewed&sort=confidence&limit=1000", "reviewer");
  const confidences = queue.features.map((f) => f.properties.confidence);
  assert.equal(queue.features[0].id, first);
  assert.deepEqual([...confidences].sort((a, b) => a - b), confidences);
  await rev.screenshot({ path: join(OUT, "11-review-queue.png") });

  // V verifies; R then 1 rejects as not an event; V then U verifies a third and takes it back.
  await rev.keyboard.press("v");
  const second = await nextAfter(rev, first);
  await rev.keyboard.press("r");
  await rev.waitForSelector("#reject-form:not([hidden])");
  await rev.keyboard.press("1");
  const third = await nextAfter(rev, second);
  await rev.keyboard.press("v");
  await nextAfter(rev, third);
  await rev.keyboard.press("u");
  await rev.waitForFunction((id) => document.querySelector("#review-card")?.dataset.incident === id, third, {
    timeout: 15000,
  });
  await rev.waitForFunction((n) => document.querySelector("#queue-count").textContent === String(n), open.total - 2, {
    timeout: 15000,
  });
  // What a person rejected is off the map; «Show: rejected» brings it back.
  await rev.waitForFunction((n) => window.__marsad.shown === n, all.total - 1, { timeout: 15000 });
  await rev.selectOption("#show", "rejected");
  await rev.waitForFunction(() => window.__marsad.shown === 1, null, { timeout: 15000 });
  assert.match(await rev.evaluate(() => location.hash), /show=rejected/);
  await rev.selectOption("#show", "standing");
  // A reviewer may not edit.
  assert.ok(await rev.isDisabled("#rv-edit"));
  assert.deepEqual(revErrors, []);

  // The editor signs in (another person, same page) and edits the first incident of the queue.
  await rev.click("#sign-out");
  await signIn(rev, "editor");
  const edited = await cardId(rev);
  await still(rev);
  await rev.keyboard.press("e");
  await rev.waitForSelector("#edit-form:not([hidden])");
  // Another village drawn near it: its label's point, on the screen.
  const [, was] = await api(`/api/v1/incidents/${edited}`, "editor");
  const village = await rev.evaluate((placeId) => {
    const map = window.__marsad.map;
    const canvas = map.getCanvas().getBoundingClientRect();
    const seen = map
      .queryRenderedFeatures({ layers: ["labels"] })
      .filter((f) => f.properties.id && f.properties.id !== placeId)
      .map((f) => ({ id: f.properties.id, name: f.properties.name_ar, at: map.project(f.geometry.coordinates) }))
      .filter((v) => v.at.x > 40 && v.at.y > 40 && v.at.x < canvas.width - 40 && v.at.y < canvas.height - 40);
    const centre = { x: canvas.width / 2, y: canvas.height / 2 };
    const off = (v) => Math.hypot(v.at.x - centre.x, v.at.y - centre.y);
    // The nearest that is not under the incident's own marker.
    const v = seen.filter((s) => off(s) > 40).sort((a, b) => off(a) - off(b))[0];
    return v && { ...v, x: canvas.left + v.at.x, y: canvas.top + v.at.y };
  }, was.properties.place_id);
  assert.ok(village, "a village label is drawn near the incident");
  await rev.click("#edit-move");
  await rev.mouse.click(village.x, village.y);
  await rev.waitForFunction((id) => document.querySelector("#edit-where").dataset.picked === id, village.id);
  await rev.screenshot({ path: join(OUT, "12-review-move.png") });
  await rev.click("#edit-save");
  await rev.waitForFunction((id) => document.querySelector("#review-card")?.dataset.status === "verified", edited, {
    timeout: 15000,
  });
  // Then the toll, in a second edit.
  await rev.keyboard.press("e");
  await rev.waitForSelector("#edit-form:not([hidden])");
  await rev.fill("#edit-killed", "4");
  await rev.click("#edit-save");
  await rev.waitForFunction(() => /^4 /.test(document.querySelector("#review-card .tolls")?.textContent), null, {
    timeout: 15000,
  });
  // N moves on; M lists the incidents nearby that week, and 1 merges into the first.
  await rev.keyboard.press("n");
  const duplicate = await nextAfter(rev, edited);
  await rev.keyboard.press("m");
  await rev.waitForSelector("#merge-candidates li[data-incident]", { timeout: 15000 });
  const into = await rev.getAttribute("#merge-candidates li[data-incident]", "data-incident");
  await rev.screenshot({ path: join(OUT, "13-review-merge.png") });
  await rev.keyboard.press("1");
  await nextAfter(rev, duplicate);
  const [, merged] = await api(`/api/v1/incidents/${duplicate}/review`, "editor");
  assert.deepEqual([merged.status, merged.reason, merged.merged_into], ["rejected", "duplicate", into]);
  const [, now] = await api(`/api/v1/incidents/${edited}`, "editor");
  assert.equal(now.properties.place_id, village.id);
  assert.equal(now.properties.place_ar, village.name);
  assert.equal(now.properties.killed, 4);
  assert.equal(now.properties.status, "verified");
  assert.deepEqual(revErrors, []);
  await rev.screenshot({ path: join(OUT, "13-review-after.png") });

  // The anonymous reader's map changed without a reload: exactly the verified incidents.
  const verified = new Set([first, edited]);
  // (A page in the background draws no frames.)
  await watcher.bringToFront();
  await watcher.waitForFunction((n) => window.__marsad.shown === n, verified.size, { timeout: 30000 });
  const [, anonymous] = await api("/api/v1/incidents?limit=1000");
  assert.deepEqual(new Set(anonymous.features.map((f) => f.id)), verified);
  assert.equal((await api(`/api/v1/incidents/${second}`))[0], 404);
  assert.deepEqual(watcherErrors, []);
  await watcher.screenshot({ path: join(OUT, "14-public-verified.png") });

  // The history of each: who did what, the review before and after.
  const history = async (id) => (await api(`/api/v1/incidents/${id}/history`, "editor"))[1];
  const [h1] = await history(first);
  assert.deepEqual([h1.user, h1.action, h1.before.status, h1.after.status], ["rita", "verify", "unreviewed", "verified"]);
  const [h2] = await history(second);
  assert.deepEqual([h2.user, h2.action, h2.after.status, h2.after.reason], ["rita", "reject", "rejected", "not_an_event"]);
  const h3 = await history(third);
  assert.deepEqual(h3.slice(0, 2).map((h) => h.action), ["verify", "reopen"]);
  const edits = (await history(edited)).filter((h) => h.action === "edit");
  assert.equal(edits.length, 2);
  assert.ok(edits.every((h) => h.user === "eddie"));
  assert.deepEqual([edits[0].before.place_id, edits[0].after.place_id], [was.properties.place_id, village.id]);
  assert.deepEqual([edits[1].before.killed, edits[1].after.killed], [was.properties.killed, 4]);
  await watcher.close();
  await rev.close();
});

test("the review panel speaks Arabic right to left and English left to right", async () => {
  const { page, errors } = await openMap();
  await signIn(page, "reviewer");
  const direction = () => page.$eval("#review-section", (el) => getComputedStyle(el).direction);
  assert.equal(await direction(), "rtl");
  assert.equal((await page.textContent("#rv-verify span")).trim(), "تأكيد");
  await page.click("#lang");
  assert.equal(await direction(), "ltr");
  assert.equal((await page.textContent("#rv-verify span")).trim(), "Verify");
  assert.match(await page.textContent("#review-user"), /rita · reviewer/);
  // Signed out: no count, no marker. A wrong token is refused with the
  // server's message, and nothing is shown as signed in.
  await page.click("#sign-out");
  assert.ok(await page.isHidden("#queue-count"));
  assert.equal(await page.locator(".maplibregl-marker").count(), 0);
  await page.fill("#review-token", "mrsd_00000000_not-a-token");
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#review-message.error");
  assert.match(await page.textContent("#review-message"), /^Could not sign in: /);
  assert.ok(await page.isHidden("#review-body"));
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(OUT, "15-review-english.png") });
  await page.close();
});
