// Marsad's web map: MapLibre GL JS over an offline basemap, incident layers
// from the API, a time slider, place search, a radius tool, downloads and
// an article panel. Article text is always set as text, never as HTML.
import * as maplibregl from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import "maplibre-gl/dist/maplibre-gl.css";
import "@fontsource/noto-sans-arabic/400.css";
import "@fontsource/noto-sans-arabic/700.css";
import { feature } from "topojson-client";
import countriesTopo from "world-atlas/countries-50m.json";
import riversUrl from "mapeo-offline-map/dist/rivers.json?url";
import turfCircle from "@turf/circle";
import { STRINGS } from "./i18n.js";
import "./style.css";

// The worker is a separate, self-contained module that Vite copies as an asset.
maplibregl.setWorkerUrl(workerUrl);

const FONT = ["Noto Sans Arabic", "sans-serif"];
const EMPTY = { type: "FeatureCollection", features: [] };
const $ = (id) => document.getElementById(id);

/** Everything the page shows, kept in the URL hash. */
const state = {
  lang: "ar",
  hidden: new Set(), // event types switched off
  from: null, // week index
  to: null,
  radius: null, // {lat, lon, km}
  selected: null, // incident id
};

let layers = []; // from /api/v1/layers
let all = []; // every incident feature
let weeks = []; // ISO dates (Mondays) spanning the data
let playing = null;
const t = (k) => STRINGS[state.lang][k] ?? k;

// ---------------------------------------------------------------- URL state

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  state.lang = p.get("lang") === "en" ? "en" : "ar";
  state.hidden = new Set((p.get("hide") || "").split(",").filter(Boolean));
  state.from = p.has("from") ? p.get("from") : null;
  state.to = p.has("to") ? p.get("to") : null;
  const r = (p.get("r") || "").split(",").map(Number);
  state.radius = r.length === 3 && r.every(Number.isFinite) ? { lat: r[0], lon: r[1], km: r[2] } : null;
  state.selected = p.get("sel");
  const m = (p.get("map") || "").split("/").map(Number);
  return m.length === 3 && m.every(Number.isFinite) ? { zoom: m[0], center: [m[2], m[1]] } : null;
}

function writeHash() {
  const p = new URLSearchParams();
  const c = map.getCenter();
  p.set("map", `${map.getZoom().toFixed(2)}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`);
  if (state.lang !== "ar") p.set("lang", state.lang);
  if (state.hidden.size) p.set("hide", [...state.hidden].join(","));
  const [from, to] = windowDates();
  if (from) p.set("from", from);
  if (to) p.set("to", to);
  if (state.radius) p.set("r", `${state.radius.lat.toFixed(5)},${state.radius.lon.toFixed(5)},${state.radius.km}`);
  if (state.selected) p.set("sel", state.selected);
  history.replaceState(null, "", `#${p}`);
}

// ---------------------------------------------------------------- the map

const initialView = readHash();
const countries = feature(countriesTopo, countriesTopo.objects.countries);

function labelField() {
  return state.lang === "ar" ? ["coalesce", ["get", "name_ar"], ["get", "name_en"]] : ["coalesce", ["get", "name_en"], ["get", "name_ar"]];
}

const map = new maplibregl.Map({
  container: "map",
  // No `glyphs`: MapLibre renders labels with the page's web font (Noto
  // Sans Arabic), shaping Arabic and laying it out right to left itself.
  style: {
    version: 8,
    sources: {
      countries: { type: "geojson", data: countries },
      rivers: { type: "geojson", data: riversUrl },
      admin: { type: "geojson", data: "/basemap/admin.geojson" },
      labels: { type: "geojson", data: "/api/v1/basemap/places.geojson" },
      radius: { type: "geojson", data: EMPTY },
      incidents: { type: "geojson", data: EMPTY, cluster: true, clusterRadius: 42, clusterMaxZoom: 11 },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#cfe3ef" } },
      { id: "countries-fill", type: "fill", source: "countries", paint: { "fill-color": "#f4f1ea" } },
      { id: "countries-line", type: "line", source: "countries", paint: { "line-color": "#9a8f80", "line-width": 1 } },
      { id: "admin-districts", type: "line", source: "admin", filter: ["==", ["get", "level"], "district"], minzoom: 7, paint: { "line-color": "#c9bfae", "line-width": 0.6, "line-dasharray": [2, 2] } },
      { id: "admin-governorates", type: "line", source: "admin", filter: ["==", ["get", "level"], "governorate"], paint: { "line-color": "#b3a58f", "line-width": 1.2 } },
      { id: "rivers", type: "line", source: "rivers", paint: { "line-color": "#6fa8d6", "line-width": ["interpolate", ["linear"], ["zoom"], 4, 0.8, 10, 2.5] } },
      { id: "radius-fill", type: "fill", source: "radius", paint: { "fill-color": "#1f78b4", "fill-opacity": 0.08 } },
      { id: "radius-line", type: "line", source: "radius", paint: { "line-color": "#1f78b4", "line-width": 2 } },
      {
        id: "labels",
        type: "symbol",
        source: "labels",
        filter: ["<=", ["get", "rank"], ["step", ["zoom"], 1, 6, 2, 8, 3, 9.5, 4]],
        layout: {
          "text-field": labelField(),
          "text-font": FONT,
          "text-size": ["match", ["get", "rank"], 1, 15, 2, 13, 12],
          "symbol-sort-key": ["get", "rank"],
          "text-padding": 4,
        },
        paint: { "text-color": "#333", "text-halo-color": "#fff", "text-halo-width": 1.4 },
      },
      {
        id: "clusters",
        type: "circle",
        source: "incidents",
        filter: ["has", "point_count"],
        paint: {
          "circle-color": "#5a4a3a",
          "circle-opacity": 0.85,
          "circle-radius": ["step", ["get", "point_count"], 14, 10, 18, 100, 24, 1000, 30],
          "circle-stroke-color": "#fff",
          "circle-stroke-width": 2,
        },
      },
      {
        id: "cluster-count",
        type: "symbol",
        source: "incidents",
        filter: ["has", "point_count"],
        layout: { "text-field": ["get", "point_count_abbreviated"], "text-font": FONT, "text-size": 12, "text-allow-overlap": true },
        paint: { "text-color": "#fff" },
      },
      {
        id: "incidents",
        type: "circle",
        source: "incidents",
        filter: ["!", ["has", "point_count"]],
        paint: {
          "circle-color": ["coalesce", ["get", "colour"], "#737373"],
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 5, 5, 12, 9],
          "circle-stroke-color": "#fff",
          "circle-stroke-width": 1.5,
        },
      },
      {
        id: "incident-icons",
        type: "symbol",
        source: "incidents",
        filter: ["!", ["has", "point_count"]],
        layout: {
          "icon-image": ["concat", "icon-", ["get", "type"]],
          "icon-size": ["interpolate", ["linear"], ["zoom"], 5, 0.62, 12, 1],
          "icon-allow-overlap": true,
          "icon-ignore-placement": true,
        },
      },
    ],
  },
  center: initialView?.center ?? [40.3, 35.0],
  zoom: initialView?.zoom ?? 6.3,
  attributionControl: {
    customAttribution: "Natural Earth · Who's On First · GeoNames · OpenSyria/OCHA · CLDR",
  },
});
map.addControl(new maplibregl.NavigationControl(), "top-left");
map.addControl(new maplibregl.ScaleControl(), "bottom-left");
window.__marsad = { map, state, ready: false, errors: [] };

// ---------------------------------------------------------------- data

async function json(url, init) {
  const r = await fetch(url, init);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body?.error?.message || `${r.status}`);
  return body;
}

async function loadIncidents() {
  // Page through the API: the map holds every incident and filters locally,
  // so the slider and toggles answer at once.
  const first = await json("/api/v1/incidents?limit=10000&sort=date&properties=min");
  const total = first.numberMatched;
  const pages = [first];
  const rest = [];
  for (let off = 10000; off < total; off += 10000) rest.push(json(`/api/v1/incidents?limit=10000&offset=${off}&sort=date&properties=min`));
  pages.push(...(await Promise.all(rest)));
  const colour = Object.fromEntries(layers.map((l) => [l.id, l.colour]));
  all = pages.flatMap((p) => p.features).filter((f) => f.geometry);
  for (const f of all) f.properties.colour = colour[f.properties.type] || "#737373";
  buildWeeks();
}

function mondayOf(d) {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() - ((x.getUTCDay() + 6) % 7));
  return x.toISOString().slice(0, 10);
}

function buildWeeks() {
  const dates = all.map((f) => f.properties.date).filter(Boolean).sort();
  weeks = [];
  if (!dates.length) return;
  const end = mondayOf(dates[dates.length - 1]);
  for (let w = mondayOf(dates[0]); w <= end; ) {
    weeks.push(w);
    const n = new Date(`${w}T00:00:00Z`);
    n.setUTCDate(n.getUTCDate() + 7);
    w = n.toISOString().slice(0, 10);
  }
  const from = $("t-from");
  const to = $("t-to");
  from.max = to.max = String(weeks.length - 1);
  const idx = (d, dflt) => (d ? Math.max(0, weeks.indexOf(mondayOf(d))) : dflt);
  from.value = String(idx(state.from, 0));
  to.value = String(state.to ? Math.max(0, weeks.indexOf(mondayOf(state.to))) : weeks.length - 1);
}

/** The time window as dates: [first day, last day] (null when open). */
function windowDates() {
  if (!weeks.length) return [null, null];
  const a = Number($("t-from").value);
  const b = Number($("t-to").value);
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  if (lo === 0 && hi === weeks.length - 1) return [null, null];
  const end = new Date(`${weeks[hi]}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 6);
  return [weeks[lo], end.toISOString().slice(0, 10)];
}

function visible() {
  const [from, to] = windowDates();
  return all.filter((f) => {
    const p = f.properties;
    if (state.hidden.has(p.type)) return false;
    if (from || to) {
      if (!p.date) return false;
      if (from && p.date < from) return false;
      if (to && p.date > to) return false;
    }
    return true;
  });
}

let pending = false;
function refresh() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    const shown = visible();
    map.getSource("incidents")?.setData({ type: "FeatureCollection", features: shown });
    renderLegend(shown);
    renderHistogram();
    renderTimeLabel();
    renderDownloads();
    if (state.radius) runRadius();
    writeHash();
    window.__marsad.shown = shown.length;
  });
}

// ---------------------------------------------------------------- legend

function renderLegend(shown) {
  const counts = {};
  for (const f of shown) counts[f.properties.type] = (counts[f.properties.type] || 0) + 1;
  const ul = $("legend");
  const wanted = layers.filter((l) => l.id !== "all" && l.id !== "places");
  // Built once (and again on a language change); later only counts change,
  // so the checkboxes a user is clicking stay in place.
  if (ul.dataset.lang !== state.lang || ul.children.length !== wanted.length) {
    ul.replaceChildren();
    ul.dataset.lang = state.lang;
    for (const l of wanted) {
      const li = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.layer = l.id;
      box.addEventListener("change", () => {
        if (box.checked) state.hidden.delete(l.id);
        else state.hidden.add(l.id);
        refresh();
      });
      const swatch = drawIcon(l.id, l.colour, 32);
      swatch.className = "swatch";
      const label = document.createElement("label");
      const n = document.createElement("span");
      n.className = "count";
      n.dataset.count = l.id;
      label.append(box, swatch, document.createTextNode(` ${state.lang === "ar" ? l.title_ar : l.title_en} `), n);
      li.append(label);
      ul.append(li);
    }
  }
  for (const box of ul.querySelectorAll("input[data-layer]")) box.checked = !state.hidden.has(box.dataset.layer);
  for (const n of ul.querySelectorAll("[data-count]")) n.textContent = String(counts[n.dataset.count] || 0);
}

// ---------------------------------------------------------------- icons

// A white symbol per event type, drawn on a canvas (no sprite files): it
// sits on the type's coloured circle on the map and in the legend.
const SHAPES = {
  airstrike: "M16 5 L27 25 L5 25 Z",
  drone_strike: "M16 4 L28 16 L16 28 L4 16 Z",
  shelling: "M16 3 L19.5 12 L29 12 L21.5 18 L24.5 28 L16 22 L7.5 28 L10.5 18 L3 12 L12.5 12 Z",
  armed_clash: "M6 9 L9 6 L16 13 L23 6 L26 9 L19 16 L26 23 L23 26 L16 19 L9 26 L6 23 L13 16 Z",
  ied_explosion: "M16 3 L19 11 L27 8 L22 15 L29 19 L20 20 L21 29 L16 22 L11 29 L12 20 L3 19 L10 15 L5 8 L13 11 Z",
  raid_arrest: "M7 7 L25 7 L25 25 L7 25 Z M11 11 L11 21 L21 21 L21 11 Z",
  assassination_killing: "M16 4 A12 12 0 1 1 15.9 4 Z M16 10 A6 6 0 1 0 16.1 10 Z",
  kidnapping: "M6 12 L26 12 L26 20 L6 20 Z",
  deployment_reinforcement: "M4 13 L18 13 L18 6 L28 16 L18 26 L18 19 L4 19 Z",
  withdrawal_evacuation: "M28 13 L14 13 L14 6 L4 16 L14 26 L14 19 L28 19 Z",
  visit_meeting: "M9 10 A5 5 0 1 1 8.9 10 Z M23 10 A5 5 0 1 1 22.9 10 Z M4 26 Q9 17 14 26 Z M18 26 Q23 17 28 26 Z",
  military_exercise: "M13 4 L19 4 L19 13 L28 13 L28 19 L19 19 L19 28 L13 28 L13 19 L4 19 L4 13 L13 13 Z",
  protest: "M8 4 L11 4 L11 28 L8 28 Z M11 5 L26 9 L11 15 Z",
  seizure: "M5 12 L16 5 L27 12 L27 26 L5 26 Z",
  recruitment: "M16 4 A5 5 0 1 1 15.9 4 Z M7 28 Q16 10 25 28 Z",
  other: "M16 9 A7 7 0 1 1 15.9 9 Z",
};

function drawIcon(type, colour, size = 32) {
  const c = document.createElement("canvas");
  c.width = c.height = size;
  const ctx = c.getContext("2d");
  ctx.scale(size / 32, size / 32);
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.arc(16, 16, 15, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = "#fff";
  ctx.fill(new Path2D(SHAPES[type] || SHAPES.other), "evenodd");
  return c;
}

function addIcons() {
  for (const l of layers) {
    if (!SHAPES[l.id]) continue;
    const id = `icon-${l.id}`;
    const img = drawIcon(l.id, l.colour, 64).getContext("2d").getImageData(0, 0, 64, 64);
    if (map.hasImage(id)) map.updateImage(id, img);
    else map.addImage(id, img, { pixelRatio: 2 });
  }
}

// ---------------------------------------------------------------- time

function renderHistogram() {
  const c = $("histogram");
  const ctx = c.getContext("2d");
  ctx.clearRect(0, 0, c.width, c.height);
  if (!weeks.length) return;
  const bins = weeks.map(() => ({}));
  const index = new Map(weeks.map((w, i) => [w, i]));
  for (const f of all) {
    const p = f.properties;
    if (!p.date || state.hidden.has(p.type)) continue;
    const b = bins[index.get(mondayOf(p.date))];
    b[p.type] = (b[p.type] || 0) + 1;
  }
  const max = Math.max(1, ...bins.map((b) => Object.values(b).reduce((a, x) => a + x, 0)));
  const w = c.width / weeks.length;
  const [from, to] = windowDates();
  bins.forEach((b, i) => {
    let y = c.height;
    const inWindow = (!from || weeks[i] >= mondayOf(from)) && (!to || weeks[i] <= to);
    for (const l of layers) {
      const n = b[l.id];
      if (!n) continue;
      const h = (n / max) * (c.height - 4);
      ctx.globalAlpha = inWindow ? 1 : 0.25;
      ctx.fillStyle = l.colour;
      ctx.fillRect(i * w, y - h, Math.max(1, w - 1), h);
      y -= h;
    }
  });
  ctx.globalAlpha = 1;
}

function renderTimeLabel() {
  const [from, to] = windowDates();
  $("t-label").textContent = weeks.length ? `${from || weeks[0]} → ${to || "…"}` : "";
}

function togglePlay() {
  if (playing) {
    clearInterval(playing);
    playing = null;
    $("play").textContent = t("play");
    return;
  }
  const from = $("t-from");
  const to = $("t-to");
  const span = Math.max(0, Math.min(Number(to.value) - Number(from.value), 8));
  from.value = "0";
  to.value = String(span);
  $("play").textContent = t("pause");
  playing = setInterval(() => {
    if (Number(to.value) >= weeks.length - 1) return togglePlay();
    from.value = String(Number(from.value) + 1);
    to.value = String(Number(to.value) + 1);
    refresh();
  }, 400);
  refresh();
}

// ---------------------------------------------------------------- popups

function row(parent, label, value) {
  if (value === null || value === undefined || value === "") return;
  const div = document.createElement("div");
  const b = document.createElement("b");
  b.textContent = `${label}: `;
  div.append(b, document.createTextNode(String(value)));
  parent.append(div);
}

async function showIncident(id, lngLat) {
  state.selected = id;
  writeHash();
  const f = await json(`/api/v1/incidents/${encodeURIComponent(id)}`);
  const p = f.properties;
  const layer = layers.find((l) => l.id === p.type);
  const el = document.createElement("div");
  el.className = "popup";
  el.dataset.incident = id;
  const h = document.createElement("h3");
  h.textContent = layer ? (state.lang === "ar" ? layer.title_ar : layer.title_en) : p.type;
  el.append(h);
  row(el, t("date"), p.date ? `${p.date} (${p.date_precision})` : p.date_precision);
  row(el, t("place"), `${state.lang === "ar" ? p.place_ar : p.place_en} · ${t("precision")} ${p.geo_precision}`);
  row(el, t("actors"), p.actors.map((a) => (state.lang === "ar" ? a.name_ar : a.name_en)).join("، "));
  row(el, t("targets"), p.targets.map((a) => (state.lang === "ar" ? a.name_ar : a.name_en)).join("، "));
  const toll = [
    [p.killed, "killed"],
    [p.injured, "injured"],
    [p.arrested, "arrested"],
  ]
    .filter(([v]) => v != null)
    .map(([v, k]) => `${v} ${t(k)}`);
  row(el, "", toll.join(" · "));
  const src = document.createElement("div");
  const sb = document.createElement("b");
  sb.textContent = `${t("sources")} (${p.source_count}):`;
  src.append(sb);
  for (const s of p.sources || []) {
    const q = document.createElement("blockquote");
    q.dir = "rtl";
    q.textContent = s.evidence; // text, never HTML
    src.append(q);
    if (s.url && /^https?:\/\//.test(s.url)) {
      const a = document.createElement("a");
      a.href = s.url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      a.textContent = s.outlet || s.url;
      src.append(a);
    }
  }
  el.append(src);
  const at = lngLat || f.geometry.coordinates;
  new maplibregl.Popup({ maxWidth: "340px" }).setLngLat(at).setDOMContent(el).addTo(map);
}

// ---------------------------------------------------------------- search

let searchTimer = null;
async function search(q) {
  const ul = $("search-results");
  if (!q.trim()) {
    ul.hidden = true;
    return;
  }
  const fc = await json(`/api/v1/places?q=${encodeURIComponent(q)}&limit=8`);
  ul.replaceChildren();
  for (const f of fc.features) {
    const li = document.createElement("li");
    const p = f.properties;
    li.textContent = `${state.lang === "ar" ? p.name_ar || p.name_en : p.name_en || p.name_ar} — ${p.admin1 || p.country}`;
    li.tabIndex = 0;
    const pick = () => {
      ul.hidden = true;
      $("search").value = li.textContent;
      const [lon, lat] = f.geometry.coordinates;
      map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 10) });
      if (!$("radius-section").hidden) setRadius(lat, lon);
    };
    li.addEventListener("click", pick);
    li.addEventListener("keydown", (e) => e.key === "Enter" && pick());
    ul.append(li);
  }
  if (!fc.features.length) {
    const li = document.createElement("li");
    li.textContent = t("noResults");
    ul.append(li);
  }
  ul.hidden = false;
}

// ---------------------------------------------------------------- radius

function setRadius(lat, lon) {
  const km = Math.min(500, Math.max(1, Number($("radius-km").value) || 25));
  state.radius = { lat, lon, km };
  refresh();
}

function filterQuery() {
  const p = new URLSearchParams();
  const [from, to] = windowDates();
  if (from) p.set("since", from);
  if (to) p.set("until", to);
  if (state.hidden.size) {
    const on = layers.filter((l) => l.id !== "all" && l.id !== "places" && !state.hidden.has(l.id)).map((l) => l.id);
    p.set("type", on.length ? on.join(",") : "other");
  }
  if (state.radius) {
    p.set("lat", String(state.radius.lat));
    p.set("lon", String(state.radius.lon));
    p.set("radius_km", String(state.radius.km));
  }
  return p;
}

let radiusSeq = 0;
async function runRadius() {
  const r = state.radius;
  map.getSource("radius")?.setData(r ? turfCircle([r.lon, r.lat], r.km, { units: "kilometers", steps: 96 }) : EMPTY);
  const ol = $("near-list");
  if (!r) {
    ol.replaceChildren();
    return;
  }
  const seq = ++radiusSeq;
  const p = filterQuery();
  p.set("limit", "200");
  const fc = await json(`/api/v1/incidents/near?${p}`);
  if (seq !== radiusSeq) return;
  ol.replaceChildren();
  for (const f of fc.features) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    const pr = f.properties;
    a.href = "#";
    a.dataset.incident = f.id;
    const layer = layers.find((l) => l.id === pr.type);
    const kind = layer ? (state.lang === "ar" ? layer.title_ar : layer.title_en) : pr.type;
    a.textContent = `${pr.distance_km.toFixed(1)} ${t("km")} · ${state.lang === "ar" ? pr.place_ar : pr.place_en} · ${pr.date || "?"} · ${kind}`;
    a.addEventListener("click", (e) => {
      e.preventDefault();
      map.flyTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 11) });
      showIncident(f.id, f.geometry.coordinates);
    });
    li.append(a);
    ol.append(li);
  }
  window.__marsad.near = fc.features.map((f) => f.id);
}

// ---------------------------------------------------------------- downloads

function renderDownloads() {
  const q = filterQuery().toString();
  $("dl-geojson").href = `/api/v1/export.geojson${q ? `?${q}` : ""}`;
  $("dl-csv").href = `/api/v1/export.csv${q ? `?${q}` : ""}`;
}

// ---------------------------------------------------------------- language

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.documentElement.dir = state.lang === "ar" ? "rtl" : "ltr";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  $("lang").textContent = state.lang === "ar" ? "English" : "العربية";
  $("play").textContent = playing ? t("pause") : t("play");
  if (map.getLayer("labels")) map.setLayoutProperty("labels", "text-field", labelField());
}

// ---------------------------------------------------------------- adding articles

async function submitArticle(e) {
  e.preventDefault();
  const out = $("add-result");
  out.replaceChildren();
  const body = { text: $("add-text").value, url: $("add-url").value || null, published: $("add-published").value || null };
  try {
    const r = await fetch("/api/v1/articles", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${$("add-token").value}` },
      body: JSON.stringify(body),
    });
    const v = await r.json();
    if (!r.ok) throw new Error(v?.error?.message || String(r.status));
    const p = document.createElement("p");
    p.textContent = v.new_article ? t("saved") : t("unchanged");
    out.append(p);
    const ul = document.createElement("ul");
    for (const f of v.incidents.features) {
      const li = document.createElement("li");
      li.dataset.incident = f.id;
      const pr = f.properties;
      li.textContent = `${pr.type} · ${state.lang === "ar" ? pr.place_ar : pr.place_en} · ${pr.date || "?"}`;
      ul.append(li);
    }
    out.append(ul);
    await reload();
    const firstPlaced = v.incidents.features.find((f) => f.geometry);
    if (firstPlaced) map.flyTo({ center: firstPlaced.geometry.coordinates, zoom: 10 });
  } catch (err) {
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = `${t("failed")} ${err.message}`;
    out.append(p);
  }
}

async function reload() {
  layers = (await json("/api/v1/layers")).layers;
  addIcons();
  await loadIncidents();
  refresh();
}

// ---------------------------------------------------------------- wiring

window.addEventListener("error", (e) => window.__marsad.errors.push(String(e.message)));
$("t-from").addEventListener("input", refresh);
$("t-to").addEventListener("input", refresh);
$("play").addEventListener("click", togglePlay);
$("lang").addEventListener("click", () => {
  state.lang = state.lang === "ar" ? "en" : "ar";
  applyLanguage();
  refresh();
});
$("search").addEventListener("input", (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(e.target.value).catch(() => {}), 200);
});
$("radius-toggle").addEventListener("click", () => {
  $("radius-section").hidden = !$("radius-section").hidden;
});
$("radius-clear").addEventListener("click", () => {
  state.radius = null;
  refresh();
});
$("radius-km").addEventListener("change", () => state.radius && setRadius(state.radius.lat, state.radius.lon));
$("add-toggle").addEventListener("click", () => {
  $("add-section").hidden = !$("add-section").hidden;
});
$("add-form").addEventListener("submit", submitArticle);

map.on("click", "clusters", async (e) => {
  const f = e.features[0];
  const zoom = await map.getSource("incidents").getClusterExpansionZoom(f.properties.cluster_id);
  map.easeTo({ center: f.geometry.coordinates, zoom });
});
map.on("click", "incident-icons", (e) => {
  e.preventDefault();
  const f = e.features[0];
  showIncident(f.properties.id, f.geometry.coordinates);
});
map.on("click", "incidents", (e) => {
  e.preventDefault();
  const f = e.features[0];
  showIncident(f.properties.id, f.geometry.coordinates);
});
map.on("click", (e) => {
  if (e.defaultPrevented || $("radius-section").hidden) return;
  if (map.queryRenderedFeatures(e.point, { layers: ["incidents", "clusters"] }).length) return;
  setRadius(e.lngLat.lat, e.lngLat.lng);
});
for (const l of ["incidents", "incident-icons", "clusters"]) {
  map.on("mouseenter", l, () => (map.getCanvas().style.cursor = "pointer"));
  map.on("mouseleave", l, () => (map.getCanvas().style.cursor = ""));
}
map.on("moveend", writeHash);

map.on("load", async () => {
  applyLanguage();
  // Web fonts must be ready before MapLibre draws labels with them.
  await document.fonts.load('16px "Noto Sans Arabic"', "البوكمال").catch(() => {});
  try {
    await reload();
    if (state.radius) $("radius-section").hidden = false;
    if (state.selected) showIncident(state.selected).catch(() => {});
  } catch (err) {
    window.__marsad.errors.push(String(err));
    console.error(err);
  }
  map.once("idle", () => {
    window.__marsad.ready = true;
  });
  map.triggerRepaint();
});
