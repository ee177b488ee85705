import { test } from "node:test";
import assert from "node:assert/strict";
import { downloadUrl, eventTypes, filterQuery, mapQuery } from "../src/filters.js";
import { createState } from "../src/state.js";

const LAYERS = ["all", "airstrike", "drone_strike", "protest", "places"].map((id) => ({ id }));

function state(over) {
  return Object.assign(createState(), { layers: LAYERS }, over);
}

test("event types are the layers but all and places", () => {
  assert.deepEqual(
    eventTypes(LAYERS).map((l) => l.id),
    ["airstrike", "drone_strike", "protest"],
  );
});

test("the map's tiles follow the type and time filters, not the radius", () => {
  const q = mapQuery(state({ from: "2024-03-11", hidden: new Set(["protest"]), radius: { lat: 34.45, lon: 40.92, km: 25 } }));
  assert.equal(q.toString(), "status=unreviewed%2Cverified&since=2024-03-11&type=airstrike%2Cdrone_strike");
});

test("API parameters say what the map shows", () => {
  assert.equal(filterQuery(state()).toString(), "status=unreviewed%2Cverified", "what a person rejected is off the map");
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
  assert.equal(downloadUrl("/api/v1/export.csv", state({ show: "all" })), "/api/v1/export.csv");
  assert.equal(
    downloadUrl("/api/v1/export.csv", state({ show: "all", from: "2024-03-11" })),
    "/api/v1/export.csv?since=2024-03-11",
  );
});

test("the map shows what stands by default, or one status, or everything", () => {
  assert.equal(filterQuery(state({ show: "verified" })).get("status"), "verified");
  assert.equal(filterQuery(state({ show: "rejected" })).get("status"), "rejected");
  assert.equal(filterQuery(state({ show: "all" })).get("status"), null);
  assert.equal(filterQuery(state({ show: "nonsense" })).get("status"), "unreviewed,verified");
});
