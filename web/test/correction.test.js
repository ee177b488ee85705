import { test } from "node:test";
import assert from "node:assert/strict";
import { correctionOf, evidenceIn, isShortcut, undoOf } from "../src/correction.js";

const incident = {
  type: "drone_strike",
  date: "2024-06-02",
  date_precision: "day",
  place_id: "wof:1",
  geo_precision: 1,
  killed: 3,
  injured: null,
  arrested: null,
};
const form = (over = {}) => ({
  type: "drone_strike",
  date: "2024-06-02",
  date_precision: "day",
  geo_precision: "1",
  killed: "3",
  injured: "",
  arrested: "",
  ...over,
});

test("an edit that changes nothing is no correction", () => {
  assert.deepEqual(correctionOf(incident, form()), {});
});

test("only what the person changed is sent", () => {
  assert.deepEqual(correctionOf(incident, form({ killed: "4", injured: "2" })), { killed: 4, injured: 2 });
  assert.deepEqual(correctionOf(incident, form({ type: "airstrike" })), { type: "airstrike" });
  assert.deepEqual(correctionOf(incident, form({ date_precision: "week" })), { date: "2024-06-02", date_precision: "week" });
  assert.deepEqual(correctionOf(incident, form({ date_precision: "unknown" })), { date_precision: "unknown" });
});

test("a moved point or another place carries its geo precision", () => {
  assert.deepEqual(correctionOf(incident, form({ point: { lat: 34.5, lon: 40.9 } })), { lat: 34.5, lon: 40.9, geo_precision: 1 });
  assert.deepEqual(correctionOf(incident, form({ place_id: "wof:2", geo_precision: "2" })), { place_id: "wof:2", geo_precision: 2 });
  // The same place again is no move.
  assert.deepEqual(correctionOf(incident, form({ place_id: "wof:1" })), {});
});

test("an undo puts back exactly what the correction changed", () => {
  const fields = correctionOf(incident, form({ killed: "4", place_id: "wof:2", type: "airstrike" }));
  assert.deepEqual(undoOf(incident, [40.9, 34.4], fields), { type: "drone_strike", place_id: "wof:1", geo_precision: 1, killed: 3 });
  // A place without a gazetteer id goes back to its point; an undated incident to no date.
  const undated = { ...incident, place_id: null, date: null, date_precision: "unknown" };
  assert.deepEqual(undoOf(undated, [40.9, 34.4], { lat: 1, lon: 2, date: "2024-01-01" }), {
    date_precision: "unknown",
    lat: 34.4,
    lon: 40.9,
    geo_precision: 1,
  });
});

test("the evidence is found by code points, and by its words when they do not hold", () => {
  const text = "قبلها 🙂 جملة. قصفت طائرة مسيرة موقعاً. بعدها.";
  const evidence = "قصفت طائرة مسيرة موقعاً.";
  const start = Array.from(text).indexOf("ق", 5);
  const source = { start, end: start + Array.from(evidence).length, evidence };
  assert.deepEqual(evidenceIn(text, source), ["قبلها 🙂 جملة. ", evidence, " بعدها."]);
  assert.deepEqual(evidenceIn(text, { ...source, start: 0, end: 3 }), ["قبلها 🙂 جملة. ", evidence, " بعدها."]);
  assert.deepEqual(evidenceIn("نص آخر", source), ["نص آخر", "", ""]);
});

test("shortcuts go by key position, whatever the layout", () => {
  assert.ok(isShortcut({ code: "KeyV", key: "ر" }, "V"));
  assert.ok(!isShortcut({ code: "KeyV", ctrlKey: true }, "V"));
  assert.ok(!isShortcut({ code: "KeyR" }, "V"));
});

test("parties and qualifiers: changes only, and undone", () => {
  const p = { ...incident, actors: [{ id: "unknown" }], targets: [], count_qualifiers: { killed: "approx" } };
  const same = form({ actors: ["unknown"], targets: [], qualifiers: { killed: "approx", injured: "exact" } });
  assert.deepEqual(correctionOf(p, same), {});
  const fields = correctionOf(p, form({ actors: ["us_forces"], targets: ["iran_backed"], qualifiers: { killed: "at_least" } }));
  assert.deepEqual(fields, { count_qualifiers: { killed: "at_least" }, actors: ["us_forces"], targets: ["iran_backed"] });
  assert.deepEqual(undoOf(p, null, fields), { count_qualifiers: { killed: "approx" }, actors: ["unknown"], targets: [] });
});
