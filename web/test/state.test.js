import { test } from "node:test";
import assert from "node:assert/strict";
import { createState, formatHash, readHash } from "../src/state.js";

test("a permalink round-trips through the hash", () => {
  const s = createState();
  Object.assign(s, {
    lang: "en",
    hidden: new Set(["visit_meeting", "protest"]),
    from: "2024-03-04",
    to: "2024-04-14",
    radius: { lat: 34.45, lon: 40.91861, km: 25 },
    selected: "a1b2",
    show: "rejected",
  });
  const hash = formatHash(s, { zoom: 9, lat: 34.45, lon: 40.92 });
  const back = createState();
  const view = readHash(back, `#${hash}`);
  assert.deepEqual(view, { zoom: 9, center: [40.92, 34.45] });
  for (const k of ["lang", "from", "to", "radius", "selected", "show"]) assert.deepEqual(back[k], s[k], k);
  assert.deepEqual([...back.hidden].sort(), ["protest", "visit_meeting"]);
  assert.equal(back.radiusOpen, true, "a shared radius opens the tool");
});

test("the default view writes only the map position", () => {
  assert.equal(formatHash(createState(), { zoom: 6.3, lat: 35, lon: 40.3 }), "map=6.30%2F35.0000%2F40.3000");
});

test("what does not parse is ignored, not fatal", () => {
  const s = createState();
  const view = readHash(s, "#map=9/abc/40&lang=fr&from=yesterday&to=2024-02-30x&r=95,40,5&sel=&show=maybe");
  assert.equal(s.show, "standing");
  assert.equal(view, null);
  assert.equal(s.lang, "ar");
  assert.equal(s.from, null);
  assert.equal(s.to, null);
  assert.equal(s.radius, null, "latitude 95 is off the globe");
  assert.equal(s.selected, null);
  assert.deepEqual([...s.hidden], []);
});

test("an empty hash is the default state", () => {
  const s = createState();
  assert.equal(readHash(s, ""), null);
  assert.deepEqual({ ...s, hidden: [...s.hidden] }, { ...createState(), hidden: [] });
});
