// Standing alerts in the map: make one on the radius circle, the view or a
// place; list mine with their latest matches and deliveries; show one's
// area; remove one. Signing in is the review panel's.
import turfCircle from "@turf/circle";
import * as api from "./api.js";
import { translate } from "./i18n.js";

/**
 * The area of a new alert from what the map holds: `radius` ({lat, lon,
 * km}), the view (`bounds`, [w, s, e, n]) or a gazetteer `place` ({id}) with
 * `km`. Null, with the reason's key, when the choice has nothing to use.
 */
export function areaFrom(kind, { radius, bounds, place, km }) {
  const round = (x) => Math.round(x * 1e5) / 1e5;
  if (kind === "radius") {
    if (!radius) return { error: "alertNeedsRadius" };
    return { area: { kind: "circle", lat: round(radius.lat), lon: round(radius.lon), radius_km: radius.km } };
  }
  if (kind === "view") {
    if (!bounds) return { error: "alertNeedsView" };
    const [w, s, e, n] = bounds;
    // A view wider than the globe (zoomed far out) is clamped to it.
    return { area: { kind: "bbox", bbox: [Math.max(-180, round(w)), Math.max(-90, round(s)), Math.min(180, round(e)), Math.min(90, round(n))] } };
  }
  if (kind === "place") {
    if (!place) return { error: "alertNeedsPlace" };
    return { area: { kind: "place", place_id: place.id, radius_km: km } };
  }
  return { error: "alertNeedsArea" };
}

/** The area in a line: "15 km around 35.0167, 40.4525". */
export function describeArea(area, lang) {
  const t = (k) => translate(lang, k);
  switch (area.kind) {
    case "circle":
      return `${area.radius_km} ${t("km")} ${t("around")} ${area.lat}, ${area.lon}`;
    case "place":
      return `${area.radius_km} ${t("km")} ${t("around")} ${area.name ?? area.place_id}`;
    case "bbox":
      return `${t("box")} ${area.bbox.join(", ")}`;
    default:
      return `${area.geometry?.type ?? "?"} + ${area.buffer_km} ${t("km")}`;
  }
}

/** Where a match's delivery stands, in a line. */
export function deliveryLine(m, lang) {
  const t = (k) => translate(lang, k);
  switch (m.delivery) {
    case "delivered":
      return `${t("delivery_delivered")} ${m.delivered_at}`;
    case "pending":
      return `${t("delivery_pending")} (${m.attempts}${m.last_error ? `: ${m.last_error}` : ""})`;
    case "failed":
      return `${t("delivery_failed")}: ${m.last_error ?? ""}`;
    default:
      return t("delivery_none");
  }
}

/** The area as GeoJSON to draw (a circle as a polygon of 64 sides). */
export function areaShape(area) {
  switch (area.kind) {
    case "circle":
    case "place":
      if (area.lat == null) return null;
      return turfCircle([area.lon, area.lat], area.radius_km, { steps: 64, units: "kilometers" });
    case "bbox": {
      const [w, s, e, n] = area.bbox;
      return { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] } };
    }
    default:
      return { type: "Feature", properties: {}, geometry: area.geometry };
  }
}

/** How often an open list of alerts is read again. */
const LIST_EVERY_MS = 3000;

/** Wires the alerts panel. `map` gives `radius()`, `bounds()` and `showArea(geojson|null)`. */
export function initAlerts(els, state, map) {
  const t = (k) => translate(state.lang, k);
  let chosenPlace = null;
  let mine = [];
  const say = (text, error = false) => {
    els.message.textContent = text;
    els.message.className = error ? "error" : "";
  };

  // What the list shows, to redraw it only when it changed.
  let shown = null;

  async function refresh() {
    const signedIn = Object.keys(api.authHeader()).length > 0;
    els.signInFirst.hidden = signedIn;
    els.form.hidden = !signedIn;
    if (!signedIn) {
      mine = [];
      shown = null;
      els.list.replaceChildren();
      map.showArea(null);
      return;
    }
    let matches;
    try {
      mine = await api.alerts();
      matches = await Promise.all(mine.map((a) => api.alertMatches(a.id, 5).catch(() => [])));
    } catch (err) {
      say(`${t("actionFailed")} ${err.message}`, true);
      return;
    }
    const now = JSON.stringify([state.lang, mine, matches]);
    if (now === shown) return;
    shown = now;
    els.list.replaceChildren(...mine.map((a, i) => item(a, matches[i])));
    els.list.dataset.count = String(mine.length);
  }

  // Matches are recorded, and deliveries made or failed, after the change
  // that caused them: the open list is read again every few seconds.
  setInterval(() => {
    if (!els.section.hidden) refresh().catch(() => {});
  }, LIST_EVERY_MS);

  function item(a, found) {
    const li = document.createElement("li");
    li.dataset.alert = a.id;
    const name = document.createElement("strong");
    name.textContent = a.name;
    const where = document.createElement("div");
    where.textContent = describeArea(a.area, state.lang);
    const feed = document.createElement("a");
    feed.href = a.feed_url;
    feed.textContent = t("atomFeed");
    const hook = document.createElement("div");
    hook.textContent = a.webhook_url ? `${t("webhook")}: ${a.webhook_url}` : t("noWebhook");
    const matches = document.createElement("ol");
    matches.className = "alert-matches";
    if (!found.length) {
      const none = document.createElement("li");
      none.textContent = t("noMatchYet");
      matches.append(none);
    }
    for (const m of found) {
      const row = document.createElement("li");
      row.dataset.incident = m.incident_id;
      row.textContent = `${m.matched_at.slice(0, 16).replace("T", " ")} · ${t(`event_${m.event}`)} · ${deliveryLine(m, state.lang)}`;
      matches.append(row);
    }
    const show = document.createElement("button");
    show.type = "button";
    show.textContent = t("showArea");
    show.addEventListener("click", () => map.showArea(areaShape(a.area)));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = t("remove");
    remove.addEventListener("click", async () => {
      try {
        await api.deleteAlert(a.id);
        map.showArea(null);
        say(t("alertRemoved"));
        await refresh();
      } catch (err) {
        say(`${t("actionFailed")} ${err.message}`, true);
      }
    });
    li.append(name, where, hook, feed, matches, show, remove);
    return li;
  }

  els.kind.addEventListener("change", () => {
    els.placeRow.hidden = els.kind.value !== "place";
  });
  els.placeSearch.addEventListener("input", async () => {
    const q = els.placeSearch.value.trim();
    chosenPlace = null;
    els.placeResults.replaceChildren();
    if (q.length < 2) return;
    const found = await api.places(q, 6).catch(() => ({ features: [] }));
    for (const f of found.features || []) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = `${f.properties.name_ar} · ${f.properties.name_en ?? ""} (${f.properties.kind})`;
      b.addEventListener("click", () => {
        chosenPlace = { id: f.id ?? f.properties.id };
        els.placeSearch.value = f.properties.name_ar;
        els.placeResults.replaceChildren();
      });
      li.append(b);
      els.placeResults.append(li);
    }
  });

  els.form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { area, error } = areaFrom(els.kind.value, {
      radius: map.radius(),
      bounds: map.bounds(),
      place: chosenPlace,
      km: Number(els.km.value),
    });
    if (error) return say(t(error), true);
    const body = { name: els.name.value.trim(), area };
    const filters = {};
    const types = [...els.types.querySelectorAll("input:checked")].map((i) => i.value);
    if (types.length) filters.types = types;
    if (els.minConfidence.value) filters.min_confidence = Number(els.minConfidence.value);
    if (Object.keys(filters).length) body.filters = filters;
    if (els.webhook.value.trim()) body.webhook_url = els.webhook.value.trim();
    try {
      const made = await api.createAlert(body);
      els.created.replaceChildren();
      const p = document.createElement("p");
      p.textContent = t("alertMade");
      els.created.append(p);
      if (made.webhook_secret) {
        const s = document.createElement("code");
        s.textContent = `${t("webhookSecret")}: ${made.webhook_secret}`;
        els.created.append(s);
      }
      say("");
      els.form.reset();
      els.placeRow.hidden = true;
      chosenPlace = null;
      map.showArea(areaShape(made.area));
      await refresh();
    } catch (err) {
      say(`${t("actionFailed")} ${err.message}`, true);
    }
  });

  /** The type checkboxes, from the served layers. */
  function renderTypes() {
    els.types.replaceChildren();
    for (const l of state.layers.filter((l) => l.id !== "all" && l.id !== "places")) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = l.id;
      label.append(box, ` ${state.lang === "ar" ? l.title_ar : l.title_en}`);
      els.types.append(label);
    }
  }

  els.toggle.addEventListener("click", () => {
    els.section.hidden = !els.section.hidden;
    if (!els.section.hidden) {
      renderTypes();
      refresh();
    }
  });

  return { refresh: () => (els.section.hidden ? Promise.resolve() : refresh()), renderTypes };
}
