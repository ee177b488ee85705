// The page's one state object, and its round trip through the URL hash
// (a permalink: the view, the language, hidden layers, the time window,
// the radius and the open incident). Pure: no DOM, no map.

/** A fresh state: Arabic, everything shown, nothing selected. */
export function createState() {
  return {
    lang: "ar",
    hidden: new Set(), // event types switched off
    show: "standing", // by review status: a key of filters.SHOWS
    from: null, // first day shown (null: from the start)
    to: null, // last day shown (null: to the end)
    radius: null, // {lat, lon, km}
    radiusOpen: false, // the radius tool is on: a map click sets the centre
    selected: null, // incident id
    layers: [], // from /api/v1/layers
    histogram: [], // dated incidents per week, from /api/v1/stats/histogram
    weeks: [], // Mondays (ISO dates) spanning the incidents
    version: 0, // bumped when the data changes, so tiles are fetched again
    playing: null, // the time animation's timer
  };
}

/**
 * Reads a hash (`#map=z/lat/lon&lang=en&hide=a,b&show=&from=&to=&r=lat,lon,km&sel=`)
 * into `state`; returns the map view it names, or null. Values that do not
 * parse are ignored, so an old or hand-edited link still opens.
 */
export function readHash(state, hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  state.lang = p.get("lang") === "en" ? "en" : "ar";
  state.hidden = new Set((p.get("hide") || "").split(",").filter(Boolean));
  state.show = SHOW_KEYS.includes(p.get("show")) ? p.get("show") : "standing";
  state.from = isoDate(p.get("from"));
  state.to = isoDate(p.get("to"));
  const r = numbers(p.get("r"), ",");
  state.radius = r && Math.abs(r[0]) <= 90 && Math.abs(r[1]) <= 180 && r[2] > 0 ? { lat: r[0], lon: r[1], km: r[2] } : null;
  state.radiusOpen = state.radius !== null;
  state.selected = p.get("sel") || null;
  const m = numbers(p.get("map"), "/");
  return m ? { zoom: m[0], center: [m[2], m[1]] } : null;
}

/** The hash for `state` and a map view `{zoom, lat, lon}` (without `#`). */
export function formatHash(state, view) {
  const p = new URLSearchParams();
  p.set("map", `${view.zoom.toFixed(2)}/${view.lat.toFixed(4)}/${view.lon.toFixed(4)}`);
  if (state.lang !== "ar") p.set("lang", state.lang);
  if (state.hidden.size) p.set("hide", [...state.hidden].join(","));
  if (state.show !== "standing") p.set("show", state.show);
  if (state.from) p.set("from", state.from);
  if (state.to) p.set("to", state.to);
  const r = state.radius;
  if (r) p.set("r", `${r.lat.toFixed(5)},${r.lon.toFixed(5)},${r.km}`);
  if (state.selected) p.set("sel", state.selected);
  return p.toString();
}

/** What `show=` may say (the keys of filters.SHOWS: this module stays free of imports). */
const SHOW_KEYS = ["standing", "verified", "unreviewed", "rejected", "all"];

function isoDate(s) {
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : null;
}

/** Exactly three finite numbers separated by `sep`, or null. */
function numbers(s, sep) {
  const xs = (s || "").split(sep).map(Number);
  return xs.length === 3 && xs.every(Number.isFinite) ? xs : null;
}
