// What a reviewer's edit changes, how to take it back, and where an
// incident's evidence sits in its article. Pure: no DOM, no requests.

export const TOLLS = ["killed", "injured", "arrested"];
export const QUALIFIERS = ["exact", "at_least", "at_most", "approx", "several", "tens", "hundreds", "thousands"];

const ids = (actors) => (actors || []).map((a) => a.id);
const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
const qualifierOf = (p, k) => p.count_qualifiers?.[k] || "exact";

/**
 * The correction (a PATCH body) that takes incident properties `p` to the
 * form's `values` (`{type, date, date_precision, place_id, point:{lat,lon},
 * geo_precision, killed, injured, arrested, qualifiers:{killed…}, actors,
 * targets}`, numbers as strings, actors as ids): only
 * what differs, so the audit log shows what the person changed. An empty
 * toll field leaves the toll as it is. `{}` when nothing changes.
 */
export function correctionOf(p, values) {
  const out = {};
  if (values.type && values.type !== p.type) out.type = values.type;
  if (values.date_precision === "unknown") {
    if (p.date_precision !== "unknown") out.date_precision = "unknown";
  } else if (values.date && (values.date !== p.date || values.date_precision !== p.date_precision)) {
    out.date = values.date;
    out.date_precision = values.date_precision || "day";
  }
  const geo = Number(values.geo_precision);
  if (values.place_id && values.place_id !== p.place_id) out.place_id = values.place_id;
  else if (values.point) [out.lat, out.lon] = [values.point.lat, values.point.lon];
  const moved = "place_id" in out || "lat" in out;
  if (Number.isInteger(geo) && (moved || geo !== p.geo_precision)) out.geo_precision = geo;
  for (const k of TOLLS) {
    const v = String(values[k] ?? "").trim();
    if (v === "") continue;
    const n = Number(v);
    if (n !== p[k]) out[k] = n;
  }
  const qualifiers = {};
  for (const k of TOLLS) {
    const q = values.qualifiers?.[k];
    if (q && q !== qualifierOf(p, k)) qualifiers[k] = q;
  }
  if (Object.keys(qualifiers).length) out.count_qualifiers = qualifiers;
  for (const side of ["actors", "targets"]) {
    if (values[side] && !sameSet(values[side], ids(p[side]))) out[side] = values[side];
  }
  return out;
}

/**
 * The correction that puts back what `fields` changed, from the incident's
 * properties and point before (`p`, `[lon, lat]` or null). A toll the
 * incident did not give cannot be cleared: it stays.
 */
export function undoOf(p, coordinates, fields) {
  const out = {};
  if ("type" in fields) out.type = p.type;
  if ("date" in fields || "date_precision" in fields) {
    if (p.date) [out.date, out.date_precision] = [p.date, p.date_precision];
    else out.date_precision = "unknown";
  }
  if ("place_id" in fields || "lat" in fields) {
    // Back to the gazetteer place (its own point), else to the point.
    if (p.place_id) out.place_id = p.place_id;
    else if (coordinates) [out.lat, out.lon] = [coordinates[1], coordinates[0]];
    out.geo_precision = p.geo_precision;
  } else if ("geo_precision" in fields) out.geo_precision = p.geo_precision;
  for (const k of TOLLS) if (k in fields && p[k] != null) out[k] = p[k];
  if (fields.count_qualifiers) {
    out.count_qualifiers = Object.fromEntries(Object.keys(fields.count_qualifiers).map((k) => [k, qualifierOf(p, k)]));
  }
  for (const side of ["actors", "targets"]) if (side in fields) out[side] = ids(p[side]);
  return out;
}

/**
 * The article `text` cut around a source's evidence: `[before, evidence,
 * after]`. The store gives `start` and `end` in code points; when they do
 * not hold the evidence (a text stored otherwise), it is looked for.
 * `[text, "", ""]` when it is not in the text at all.
 */
export function evidenceIn(text, source) {
  const points = Array.from(text);
  const cut = points.slice(source.start, source.end).join("");
  if (cut && cut === source.evidence) {
    return [points.slice(0, source.start).join(""), cut, points.slice(source.end).join("")];
  }
  const at = source.evidence ? text.indexOf(source.evidence) : -1;
  if (at < 0) return [text, "", ""];
  return [text.slice(0, at), source.evidence, text.slice(at + source.evidence.length)];
}

/** Whether a key press is the review shortcut `key` (by position: any keyboard layout, Arabic too). */
export function isShortcut(e, key) {
  return !e.ctrlKey && !e.metaKey && !e.altKey && e.code === `Key${key}`;
}
