// The map's style: an offline basemap (land, borders and rivers cut to
// the region at build time by build/basemap.js, Syrian admin lines, place
// labels from the gazetteer in the server's tiles), the radius circle and
// the incident layers from Marsad's vector tiles (server-side clusters,
// coloured circles, white type icons).
import basemap from "virtual:basemap";

export const FONT = ["Noto Sans Arabic", "sans-serif"];
export const EMPTY = { type: "FeatureCollection", features: [] };

/** Place labels in the interface language, the other one as fallback. */
export function labelField(lang) {
  const [first, second] = lang === "ar" ? ["name_ar", "name_en"] : ["name_en", "name_ar"];
  return ["coalesce", ["get", first], ["get", second]];
}

/**
 * The style. No `glyphs`: MapLibre renders labels with the page's web font
 * (Noto Sans Arabic), shaping Arabic and laying it out right to left itself.
 */
export function mapStyle(lang, tiles, placeTiles, colours) {
  return {
    version: 8,
    sources: {
      land: { type: "geojson", data: basemap.land },
      borders: { type: "geojson", data: basemap.lines },
      rivers: { type: "geojson", data: basemap.rivers },
      admin: { type: "geojson", data: "/basemap/admin.geojson" },
      // Labels by rank, a few per tile; past zoom 10, that tile overzoomed.
      labels: { type: "vector", tiles: [placeTiles], minzoom: 0, maxzoom: 10 },
      radius: { type: "geojson", data: EMPTY },
      // Tiles past zoom 14 are that tile, overzoomed: nothing new to cut.
      incidents: { type: "vector", tiles: [tiles], minzoom: 0, maxzoom: 14 },
    },
    layers: [...basemapLayers(lang), ...radiusLayers(), ...incidentLayers(colours)],
  };
}

function basemapLayers(lang) {
  return [
    // Each kind of layer and paint is a shader the first frame compiles,
    // hundreds of milliseconds each in software WebGL: no background layer
    // (the sea is the map element's colour, seen through the transparent
    // canvas; see style.css), no antialiased fill outlines (the borders are
    // drawn as lines) and no dashes.
    { id: "land", type: "fill", source: "land", paint: { "fill-color": "#f4f1ea", "fill-antialias": false } },
    { id: "borders", type: "line", source: "borders", paint: { "line-color": "#9a8f80", "line-width": 1 } },
    {
      id: "admin-districts",
      type: "line",
      source: "admin",
      filter: ["==", ["get", "level"], "district"],
      minzoom: 7,
      paint: { "line-color": "#d6cdbd", "line-width": 0.7 },
    },
    {
      id: "admin-governorates",
      type: "line",
      source: "admin",
      filter: ["==", ["get", "level"], "governorate"],
      paint: { "line-color": "#b3a58f", "line-width": 1.2 },
    },
    {
      id: "rivers",
      type: "line",
      source: "rivers",
      paint: { "line-color": "#6fa8d6", "line-width": ["interpolate", ["linear"], ["zoom"], 4, 0.8, 10, 2.5] },
    },
    {
      id: "labels",
      type: "symbol",
      source: "labels",
      "source-layer": "places",
      // More ranks of places as the map zooms in.
      filter: ["<=", ["get", "rank"], ["step", ["zoom"], 1, 6, 2, 8, 3, 9.5, 4]],
      layout: {
        "text-field": labelField(lang),
        "text-font": FONT,
        "text-size": ["match", ["get", "rank"], 1, 15, 2, 13, 12],
        "symbol-sort-key": ["get", "rank"],
        "text-padding": 4,
      },
      paint: { "text-color": "#333", "text-halo-color": "#fff", "text-halo-width": 1.4 },
    },
  ];
}

function radiusLayers() {
  return [
    { id: "radius-fill", type: "fill", source: "radius", paint: { "fill-color": "#1f78b4", "fill-opacity": 0.08, "fill-antialias": false } },
    { id: "radius-line", type: "line", source: "radius", paint: { "line-color": "#1f78b4", "line-width": 2 } },
  ];
}

/** Circle colours by event type, from the layers the API serves. */
export function typeColours(layers) {
  const pairs = layers.filter((l) => l.colour && l.id !== "all" && l.id !== "places").flatMap((l) => [l.id, l.colour]);
  return pairs.length ? ["match", ["get", "type"], ...pairs, "#737373"] : "#737373";
}

function incidentLayers(colours) {
  const count = ["get", "count"];
  return [
    {
      id: "clusters",
      type: "circle",
      source: "incidents",
      "source-layer": "clusters",
      paint: {
        "circle-color": "#5a4a3a",
        "circle-opacity": 0.85,
        "circle-radius": ["step", count, 14, 10, 18, 100, 24, 1000, 30],
        "circle-stroke-color": "#fff",
        "circle-stroke-width": 2,
      },
    },
    {
      id: "cluster-count",
      type: "symbol",
      source: "incidents",
      "source-layer": "clusters",
      layout: {
        "text-field": ["case", [">=", count, 10000], ["concat", ["to-string", ["round", ["/", count, 1000]]], "k"], ["to-string", count]],
        "text-font": FONT,
        "text-size": 12,
        "text-allow-overlap": true,
      },
      paint: { "text-color": "#fff" },
    },
    {
      id: "incidents",
      type: "circle",
      source: "incidents",
      "source-layer": "incidents",
      paint: {
        "circle-color": colours,
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 5, 5, 12, 9],
        "circle-stroke-color": "#fff",
        "circle-stroke-width": 1.5,
      },
    },
    {
      id: "incident-icons",
      type: "symbol",
      source: "incidents",
      "source-layer": "incidents",
      layout: {
        visibility: "none", // until the icons are drawn from the served layers
        "icon-image": ["concat", "icon-", ["get", "type"]],
        "icon-size": ["interpolate", ["linear"], ["zoom"], 5, 0.62, 12, 1],
        "icon-allow-overlap": true,
        "icon-ignore-placement": true,
      },
    },
  ];
}
