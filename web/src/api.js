// The Marsad API as the map uses it. Errors carry the API's own message
// and status. Once someone signs in, every request carries their token.

let bearer = null;

/** Signs every later request in with `token` (null: anonymous again). */
export function useToken(token) {
  bearer = token || null;
}

/** The Authorization header of the signed-in user, if any. */
export function authHeader() {
  return bearer ? { authorization: `Bearer ${bearer}` } : {};
}

/** An API error: the server's message, with the HTTP status. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** GET (or `init`) a JSON document; a non-2xx answer throws its message. */
export async function getJson(url, init = {}) {
  const r = await fetch(url, { ...init, headers: { ...authHeader(), ...init.headers } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new ApiError(body?.error?.message || `${r.status} ${r.statusText}`, r.status);
  return body;
}

/** A JSON request with a body, `If-Match` naming the version read. */
function send(method, url, body, version) {
  const headers = { "content-type": "application/json" };
  if (version != null) headers["if-match"] = `"${version}"`;
  return getJson(url, { method, headers, body: JSON.stringify(body) });
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

/** Submits an article (`{text, url, published}`) with the write token (or the signed-in user's). */
export function postArticle(article, token) {
  return getJson("/api/v1/articles", {
    method: "POST",
    // The form's token, else the signed-in user's.
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(article),
  });
}

/** Who `token` signs in: `{user, role}` (asked before it is used for anything else). */
export function me(token) {
  return getJson("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
}

/** Incidents waiting for a person, in `sort` order, inside `bbox` if given: a page of the list. */
export function queue(sort, bbox, limit = 100) {
  const p = new URLSearchParams({ status: "unreviewed", sort, limit: String(limit), properties: "min" });
  if (bbox) p.set("bbox", bbox.map((x) => x.toFixed(5)).join(","));
  return getJson(`/api/v1/incidents?${p}`);
}

/** How many incidents wait for a person. */
export async function unreviewedCount() {
  return (await counts(new URLSearchParams({ status: "unreviewed" }))).total;
}

/** Where an incident stands: `{status, reason, note, reviewed_by, reviewed_at, version}`. */
export function review(id) {
  return getJson(`/api/v1/incidents/${encodeURIComponent(id)}/review`);
}

/** A decision (`{decision: verify|reject|reopen, reason, note}`) on the version read. */
export function decide(id, decision, version) {
  return send("POST", `/api/v1/incidents/${encodeURIComponent(id)}/review`, decision, version);
}

/** A correction (only the fields that change) on the version read; answers the incident as stored. */
export function correct(id, fields, version) {
  return send("PATCH", `/api/v1/incidents/${encodeURIComponent(id)}`, fields, version);
}

/** Every review action about an incident, oldest first. */
export function history(id) {
  return getJson(`/api/v1/incidents/${encodeURIComponent(id)}/history`);
}

/** A stored article with its text. */
export function article(id) {
  return getJson(`/api/v1/articles/${encodeURIComponent(id)}`);
}

/** The actors Marsad knows: `[{id, kind, name_ar, name_en}]`. */
export function actors() {
  return getJson("/api/v1/actors");
}

/** Merges incident `id` into `into` (read at `version`); answers `into` as stored. */
export function merge(id, into, version) {
  return send("POST", `/api/v1/incidents/${encodeURIComponent(id)}/merge`, { into }, version);
}

/** Splits a source (`{article_id, start}`) off incident `id`; answers the new incident. */
export function split(id, source, version) {
  return send("POST", `/api/v1/incidents/${encodeURIComponent(id)}/split`, source, version);
}

/** The signed-in user's alerts, oldest first. */
export function alerts() {
  return getJson("/api/v1/alerts");
}

/** Makes an alert: `{name, area, filters?, webhook_url?}`; the answer holds the webhook secret, once. */
export function createAlert(body) {
  return send("POST", "/api/v1/alerts", body);
}

/** Removes an alert. */
export async function deleteAlert(id) {
  const r = await fetch(`/api/v1/alerts/${encodeURIComponent(id)}`, { method: "DELETE", headers: authHeader() });
  if (!r.ok) {
    const body = await r.json().catch(() => ({}));
    throw new ApiError(body?.error?.message || `${r.status} ${r.statusText}`, r.status);
  }
}

/** An alert's latest matches, newest first, with where each delivery stands. */
export function alertMatches(id, limit = 5) {
  return getJson(`/api/v1/alerts/${encodeURIComponent(id)}/matches?limit=${limit}`);
}
