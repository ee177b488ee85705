// What is shown: the incidents the map draws, and the same filters as API
// parameters for downloads and radius queries. Pure.
import { inWindow } from "./time.js";

/** The layers that are event types (not `all` or `places`). */
export function eventTypes(layers) {
  return layers.filter((l) => l.id !== "all" && l.id !== "places");
}

/** The incidents whose type is on and whose date is in the window. */
export function visible(features, state) {
  return features.filter((f) => !state.hidden.has(f.properties.type) && inWindow(f.properties.date, state.from, state.to));
}

/** Incidents per type. */
export function countByType(features) {
  const counts = {};
  for (const f of features) counts[f.properties.type] = (counts[f.properties.type] || 0) + 1;
  return counts;
}

/**
 * The state's filters as API query parameters: `since`/`until`, `type`
 * (listed only when some are hidden) and the radius.
 */
export function filterQuery(state) {
  const p = new URLSearchParams();
  if (state.from) p.set("since", state.from);
  if (state.to) p.set("until", state.to);
  if (state.hidden.size) {
    const on = eventTypes(state.layers)
      .map((l) => l.id)
      .filter((id) => !state.hidden.has(id));
    // Every type hidden: `other` alone is the nearest the API can say.
    p.set("type", on.length ? on.join(",") : "other");
  }
  if (state.radius) {
    p.set("lat", String(state.radius.lat));
    p.set("lon", String(state.radius.lon));
    p.set("radius_km", String(state.radius.km));
  }
  return p;
}

/** A download link for the current filters. */
export function downloadUrl(path, state) {
  const q = filterQuery(state).toString();
  return q ? `${path}?${q}` : path;
}
