// The Marsad API as the map uses it. Errors carry the API's own message.

/** GET (or `init`) a JSON document; a non-2xx answer throws its message. */
export async function getJson(url, init) {
  const r = await fetch(url, init);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body?.error?.message || `${r.status} ${r.statusText}`);
  return body;
}

/** The layers: one per event type (title, colour, icon, count), `all` and `places`. */
export async function layers() {
  return (await getJson("/api/v1/layers")).layers;
}

/** How many incidents pass `params` (URLSearchParams): `{total, undated, by_type}`. */
export function counts(params) {
  return getJson(`/api/v1/stats/counts?${params}`);
}

/** Dated incidents per week under `params`: `{bins: [{start, count, by_type}]}`. */
export function weeklyHistogram(params) {
  const p = new URLSearchParams(params);
  p.set("bin", "week");
  return getJson(`/api/v1/stats/histogram?${p}`);
}

/** The URL template of a tile set (`incidents` or `places`) under `params`. */
export function tileUrl(layer, params = new URLSearchParams()) {
  const q = params.toString();
  return `${location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${q ? `?${q}` : ""}`;
}

/** One incident with every property and its sources. */
export function incident(id) {
  return getJson(`/api/v1/incidents/${encodeURIComponent(id)}`);
}

/** Gazetteer places matching `q`. */
export function places(q, limit = 8) {
  return getJson(`/api/v1/places?q=${encodeURIComponent(q)}&limit=${limit}`);
}

/** Incidents within a radius, nearest first (`params` as for the API). */
export function near(params) {
  return getJson(`/api/v1/incidents/near?${params}`);
}

/** The latest stored articles, newest first: `[{id, url, title, outlet, published, ingested_at, incidents}]`. */
export async function latestArticles(limit = 8) {
  return (await getJson(`/api/v1/articles?limit=${limit}`)).articles;
}

/** The server's health: `last_change` moves whenever incidents are stored. */
export function health() {
  return getJson("/api/v1/healthz");
}

/** Submits an article (`{text, url, published}`) with the write token. */
export function postArticle(article, token) {
  return getJson("/api/v1/articles", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(article),
  });
}
