// The offline basemap's world layers, cut at build time to what the map is
// for. The browser used to receive the whole world at 1:50m (countries as
// TopoJSON inside the script, rivers as a 700 KB file) and convert and
// index all of it before the first frame. Now it receives:
// - land: countries at 1:50m inside the region, and the world's land at
//   1:110m around it (for context when zoomed out);
// - lines: country borders and coasts, from the same two, as lines, so the
//   cut along the region's edge draws no outline;
// - rivers: rivers inside the region.
// Coordinates are rounded to 0.001° (about 100 m, finer than 1:50m data).
import { feature, mesh } from "topojson-client";
import { clipPolygon, clipPolyline } from "lineclip";

/** West, south, east, north: the eastern Mediterranean to Iran, Turkey to Yemen. */
export const REGION = [20, 10, 65, 48];

/** The world outside `region`, as four boxes. */
export function around([w, s, e, n]) {
  return [
    [-180, -90, w, 90],
    [e, -90, 180, 90],
    [w, -90, e, s],
    [w, n, e, 90],
  ];
}

const round = (v) => Math.round(v * 1000) / 1000;
const roundLine = (line) => line.map(([x, y]) => [round(x), round(y)]);

/** A TopoJSON object as GeoJSON features (one for a geometry, several for a collection). */
function featuresOf(topology, object) {
  const converted = feature(topology, object);
  return converted.type === "FeatureCollection" ? converted.features : [converted];
}

/** The polygons of a GeoJSON geometry, each an array of rings. */
function polygonsOf(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

/** The lines of a GeoJSON geometry. */
function linesOf(geometry) {
  if (!geometry) return [];
  if (geometry.type === "LineString") return [geometry.coordinates];
  if (geometry.type === "MultiLineString") return geometry.coordinates;
  return [];
}

/** Polygons cut to `box`, as one MultiPolygon's coordinates (rings that vanish are dropped). */
export function clipPolygons(polygons, box) {
  const out = [];
  for (const rings of polygons) {
    const outer = clipPolygon(rings[0], box);
    if (outer.length < 4) continue;
    const holes = rings
      .slice(1)
      .map((r) => clipPolygon(r, box))
      .filter((r) => r.length >= 4);
    out.push([outer, ...holes].map(roundLine));
  }
  return out;
}

/** Lines cut to `box`: a line leaving and re-entering it becomes several. */
export function clipLines(lines, box) {
  return lines.flatMap((line) => clipPolyline(line, box)).filter((l) => l.length >= 2).map(roundLine);
}

const collection = (features) => ({ type: "FeatureCollection", features });
const multiPolygon = (coordinates) => ({ type: "Feature", properties: {}, geometry: { type: "MultiPolygon", coordinates } });
const multiLine = (coordinates) => ({ type: "Feature", properties: {}, geometry: { type: "MultiLineString", coordinates } });

/**
 * The basemap's land, lines and rivers from world-atlas's 1:50m countries
 * and 1:110m land (TopoJSON) and Natural Earth rivers (GeoJSON).
 */
export function regionalBasemap({ countries50m, land110m, rivers }, region = REGION) {
  const outside = around(region);
  const countryPolygons = featuresOf(countries50m, countries50m.objects.countries).flatMap((f) => polygonsOf(f.geometry));
  const worldLand = featuresOf(land110m, land110m.objects.land).flatMap((f) => polygonsOf(f.geometry));
  const land = [
    multiPolygon(clipPolygons(countryPolygons, region)),
    ...outside.map((box) => multiPolygon(clipPolygons(worldLand, box))),
  ].filter((f) => f.geometry.coordinates.length);
  const lines = [
    multiLine(clipLines(linesOf(mesh(countries50m, countries50m.objects.countries)), region)),
    ...outside.map((box) => multiLine(clipLines(linesOf(mesh(land110m, land110m.objects.land)), box))),
  ].filter((f) => f.geometry.coordinates.length);
  const riverLines = rivers.features.flatMap((f) =>
    clipLines(linesOf(f.geometry), region).map((line) => ({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: line } })),
  );
  return { land: collection(land), lines: collection(lines), rivers: collection(riverLines) };
}
