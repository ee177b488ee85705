import { test } from "node:test";
import assert from "node:assert/strict";
import { around, clipLines, clipPolygons, regionalBasemap } from "../build/basemap.js";

const BOX = [0, 0, 10, 10];
const square = (w, s, e, n) => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

test("the four boxes around the region cover the rest of the world without it", () => {
  const boxes = around([20, 10, 65, 48]);
  const inside = (box, [x, y]) => x > box[0] && x < box[2] && y > box[1] && y < box[3];
  for (const point of [[0, 0], [100, 30], [40, 0], [40, 60], [-170, -80]]) {
    assert.equal(boxes.filter((b) => inside(b, point)).length, 1, `${point}`);
  }
  assert.equal(boxes.filter((b) => inside(b, [40, 35])).length, 0);
});

test("polygons are cut to the box; those outside it vanish", () => {
  const cut = clipPolygons([[square(5, 5, 15, 15)], [square(20, 20, 30, 30)]], BOX);
  assert.equal(cut.length, 1);
  const xs = cut[0][0].map(([x]) => x);
  const ys = cut[0][0].map(([, y]) => y);
  assert.deepEqual([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)], [5, 10, 5, 10]);
});

test("a hole outside the box is dropped, one inside is kept", () => {
  const cut = clipPolygons([[square(1, 1, 9, 9), square(2, 2, 3, 3)], [square(-5, -5, 15, 15), square(12, 12, 13, 13)]], BOX);
  assert.equal(cut.length, 2);
  assert.equal(cut[0].length, 2);
  assert.equal(cut[1].length, 1);
});

test("a line leaving and re-entering the box becomes two", () => {
  const cut = clipLines([[[1, 5], [15, 5], [15, 8], [1, 8]]], BOX);
  assert.deepEqual(cut, [
    [[1, 5], [10, 5]],
    [[10, 8], [1, 8]],
  ]);
});

test("coordinates are rounded to a thousandth of a degree", () => {
  assert.deepEqual(clipLines([[[1.23456, 2.34567], [3.45678, 4.56789]]], BOX), [[[1.235, 2.346], [3.457, 4.568]]]);
});

test("the regional basemap keeps detail inside the region and coarse land around it", () => {
  // Two one-country topologies: a "detailed" one across the region's edge
  // and a "coarse" world land far from it.
  const topology = (ring) => ({
    type: "Topology",
    objects: { countries: { type: "GeometryCollection", geometries: [{ type: "Polygon", arcs: [[0]] }] }, land: { type: "GeometryCollection", geometries: [{ type: "Polygon", arcs: [[0]] }] } },
    arcs: [ring],
  });
  const rivers = { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[40, 35], [70, 35]] } }] };
  const map = regionalBasemap({ countries50m: topology(square(60, 30, 70, 40)), land110m: topology(square(100, 0, 110, 10)), rivers });
  const bounds = (f) => {
    const points = f.geometry.coordinates.flat(2);
    return [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];
  };
  assert.deepEqual(map.land.features.map(bounds), [
    [60, 65],
    [100, 110],
  ]);
  // The border is cut where the region ends: no line along its edge.
  assert.ok(map.lines.features[0].geometry.coordinates.every((line) => line.some(([x]) => x < 65)));
  assert.deepEqual(map.rivers.features[0].geometry.coordinates, [[40, 35], [65, 35]]);
});
