// The Marsad API as the map uses it. Errors carry the API's own message.

const PAGE = 10000;

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

/**
 * Every incident with its minimal properties, oldest page first: the map
 * holds them all and filters locally, so the slider and toggles answer at once.
 */
export async function allIncidents() {
  const url = (offset) => `/api/v1/incidents?limit=${PAGE}&offset=${offset}&sort=date&properties=min`;
  const first = await getJson(url(0));
  const rest = [];
  for (let off = PAGE; off < first.numberMatched; off += PAGE) rest.push(getJson(url(off)));
  const pages = [first, ...(await Promise.all(rest))];
  return pages.flatMap((p) => p.features);
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

/** Submits an article (`{text, url, published}`) with the write token. */
export function postArticle(article, token) {
  return getJson("/api/v1/articles", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(article),
  });
}
