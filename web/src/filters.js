// What is shown: the state's filters as API parameters, for the tiles the
// map draws, its counts, downloads and radius queries. Pure.

/**
 * What the map may show by review status: by default what stands (not
 * rejected: a person's "no" takes an incident off the map), else one
 * status, or everything.
 */
export const SHOWS = {
  standing: "unreviewed,verified",
  verified: "verified",
  unreviewed: "unreviewed",
  rejected: "rejected",
  all: null,
};

/** The layers that are event types (not `all` or `places`). */
export function eventTypes(layers) {
  return layers.filter((l) => l.id !== "all" && l.id !== "places");
}

/**
 * The state's filters as API query parameters: `since`/`until` (unless
 * `time` is false), `type` (listed only when some are hidden), `status`
 * (unless everything is shown) and the radius (unless `radius` is false).
 */
export function filterQuery(state, { time = true, radius = true } = {}) {
  const p = new URLSearchParams();
  const status = Object.hasOwn(SHOWS, state.show) ? SHOWS[state.show] : SHOWS.standing;
  if (status) p.set("status", status);
  if (time && state.from) p.set("since", state.from);
  if (time && state.to) p.set("until", state.to);
  if (state.hidden.size) {
    const on = eventTypes(state.layers)
      .map((l) => l.id)
      .filter((id) => !state.hidden.has(id));
    // Every type hidden: `other` alone is the nearest the API can say.
    p.set("type", on.length ? on.join(",") : "other");
  }
  if (radius && state.radius) {
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

/** What the map draws: every incident under the type and time filters. */
export function mapQuery(state) {
  return filterQuery(state, { radius: false });
}
