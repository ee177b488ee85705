import { test } from "node:test";
import assert from "node:assert/strict";
import { areaFrom, areaShape, deliveryLine, describeArea } from "../src/alerts.js";

test("an alert's area comes from the radius circle, the view or a place", () => {
  const radius = { lat: 35.016712345, lon: 40.452512345, km: 15 };
  assert.deepEqual(areaFrom("radius", { radius }).area, { kind: "circle", lat: 35.01671, lon: 40.45251, radius_km: 15 });
  assert.equal(areaFrom("radius", {}).error, "alertNeedsRadius");
  assert.deepEqual(areaFrom("view", { bounds: [-200, 34, 41, 95] }).area, { kind: "bbox", bbox: [-180, 34, 41, 90] });
  assert.deepEqual(areaFrom("place", { place: { id: "wof:1" }, km: 10 }).area, { kind: "place", place_id: "wof:1", radius_km: 10 });
  assert.equal(areaFrom("place", { km: 10 }).error, "alertNeedsPlace");
});

test("areas and deliveries read in a line, in both languages", () => {
  assert.equal(describeArea({ kind: "circle", lat: 35, lon: 40.4, radius_km: 15 }, "en"), "15 km around 35, 40.4");
  assert.equal(describeArea({ kind: "circle", lat: 35, lon: 40.4, radius_km: 15 }, "ar"), "15 كم حول 35, 40.4");
  assert.equal(describeArea({ kind: "shape", geometry: { type: "LineString" }, buffer_km: 3 }, "en"), "LineString + 3 km");
  assert.equal(deliveryLine({ delivery: "pending", attempts: 2, last_error: "could not connect" }, "en"), "pending (2: could not connect)");
  assert.equal(deliveryLine({ delivery: "none" }, "en"), "in the feed");
});

test("a circle is drawn as a closed ring around its centre", () => {
  const f = areaShape({ kind: "circle", lat: 35, lon: 40, radius_km: 10 });
  const ring = f.geometry.coordinates[0];
  assert.deepEqual(ring[0], ring[ring.length - 1]);
  assert.ok(ring.every(([x, y]) => Math.abs(x - 40) < 0.2 && Math.abs(y - 35) < 0.1));
  assert.equal(areaShape({ kind: "place", place_id: "x", radius_km: 5 }), null);
});
