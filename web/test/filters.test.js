import { test } from "node:test";
import assert from "node:assert/strict";
import { countByType, downloadUrl, eventTypes, filterQuery, visible } from "../src/filters.js";
import { createState } from "../src/state.js";

const LAYERS = ["all", "airstrike", "drone_strike", "protest", "places"].map((id) => ({ id }));
const f = (id, type, date) => ({ id, properties: { type, date } });
const INCIDENTS = [f("a", "airstrike", "2024-03-05"), f("b", "drone_strike", "2024-03-20"), f("c", "protest", null), f("d", "airstrike", "2024-04-02")];

function state(over) {
  return Object.assign(createState(), { layers: LAYERS }, over);
}

test("event types are the layers but all and places", () => {
  assert.deepEqual(
    eventTypes(LAYERS).map((l) => l.id),
    ["airstrike", "drone_strike", "protest"],
  );
});

test("everything is visible by default, undated incidents too", () => {
  assert.equal(visible(INCIDENTS, state()).length, 4);
});

test("hidden types and the time window filter together", () => {
  const ids = (s) => visible(INCIDENTS, s).map((x) => x.id);
  assert.deepEqual(ids(state({ hidden: new Set(["airstrike"]) })), ["b", "c"]);
  assert.deepEqual(ids(state({ from: "2024-03-11", to: "2024-03-31" })), ["b"]);
  assert.deepEqual(ids(state({ from: "2024-03-01", hidden: new Set(["drone_strike"]) })), ["a", "d"]);
});

test("counts by type", () => {
  assert.deepEqual(countByType(INCIDENTS), { airstrike: 2, drone_strike: 1, protest: 1 });
});

test("API parameters say what the map shows", () => {
  assert.equal(filterQuery(state()).toString(), "");
  const q = filterQuery(state({ from: "2024-03-11", to: "2024-03-24", hidden: new Set(["protest"]), radius: { lat: 34.45, lon: 40.92, km: 25 } }));
  assert.equal(q.get("since"), "2024-03-11");
  assert.equal(q.get("until"), "2024-03-24");
  assert.equal(q.get("type"), "airstrike,drone_strike");
  assert.deepEqual([q.get("lat"), q.get("lon"), q.get("radius_km")], ["34.45", "40.92", "25"]);
});

test("every type hidden still sends a type filter", () => {
  const all = new Set(["airstrike", "drone_strike", "protest"]);
  assert.equal(filterQuery(state({ hidden: all })).get("type"), "other");
});

test("download links carry the filters only when there are some", () => {
  assert.equal(downloadUrl("/api/v1/export.csv", state()), "/api/v1/export.csv");
  assert.equal(downloadUrl("/api/v1/export.csv", state({ from: "2024-03-11" })), "/api/v1/export.csv?since=2024-03-11");
});
