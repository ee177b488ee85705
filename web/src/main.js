// Marsad's web map: MapLibre GL JS over an offline basemap, incidents from
// the server's vector tiles (counts and the time histogram from its
// aggregates, details on click), a time slider, place search, a radius
// tool, downloads, an article form and a review mode. This module creates the state and the map and wires the
// parts together; each part is a module of its own.
import * as maplibregl from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import "maplibre-gl/dist/maplibre-gl.css";
import "@fontsource/noto-sans-arabic/400.css";
import "@fontsource/noto-sans-arabic/700.css";
import * as api from "./api.js";
import { initAlerts } from "./alerts.js";
import { initArticleForm } from "./article.js";
import { downloadUrl, filterQuery, mapQuery } from "./filters.js";
import { addIcons } from "./icons.js";
import { applyLanguage } from "./i18n.js";
import { renderLegend } from "./legend.js";
import { renderLatest } from "./latest.js";
import { incidentPopup } from "./popup.js";
import { radiusKm, renderRadius } from "./radius.js";
import { initReview } from "./review.js";
import { followChanges } from "./live.js";
import { initSearch } from "./search.js";
import { createState, formatHash, readHash } from "./state.js";
import { labelField, mapStyle, typeColours } from "./style.js";
import { weekIndices, weeksSpanning, windowDates } from "./time.js";
import { readSliders, renderTimeline, togglePlay } from "./timeline.js";
import "./style.css";

// The worker is a separate, self-contained module that Vite copies as an asset.
maplibregl.setWorkerUrl(workerUrl);
maplibregl.setWorkerCount(2);

const $ = (id) => document.getElementById(id);
const state = createState();
const initialView = readHash(state, location.hash);
// What the browser tests read.
const debug = (window.__marsad = { state, ready: false, errors: [], busy: 0 });
const report = (err) => {
  debug.errors.push(String(err));
  console.error(err);
};
// The labels' web font, asked for now rather than when the first label needs it.
const fontReady = document.fonts.load('16px "Noto Sans Arabic"', "البوكمال").catch(() => {});

// The key of the histogram shown (the boot's answer can stand for the first).
let histogramQuery = null;

// The layers and the weeks before the map: its style then asks for the tiles
// it shows, coloured by type, instead of tiles fetched twice.
await fetchBoot().then(applyBoot, report);
// What was last asked for: the source's tile URL, and the counts'.
let sourceTiles = incidentTiles();
let countedTiles = null;
const map = new maplibregl.Map({
  container: "map",
  style: mapStyle(state.lang, sourceTiles, api.tileUrl("places"), typeColours(state.layers)),
  center: initialView?.center ?? [40.3, 35.0],
  zoom: initialView?.zoom ?? 6.3,
  // Tiles carry the signed-in user's token: under `--public verified` they
  // see more than an anonymous reader.
  transformRequest: (url) =>
    url.startsWith(`${location.origin}/tiles/incidents/`) ? { url, headers: api.authHeader() } : { url },
  attributionControl: {
    customAttribution: "Natural Earth · Who's On First · GeoNames · OpenSyria/OCHA · CLDR",
  },
});
// MapLibre draws its sky as a full-screen pass on every frame even when
// the style has none (then it is transparent): in software WebGL, one more
// shader to compile before the first frame and a million fragments a frame
// for nothing. This style has no sky, so nothing drawn is lost.
const { painter } = map;
if (painter?.drawFunctions?.sky) painter.drawFunctions = { ...painter.drawFunctions, sky: () => {} };
map.addControl(new maplibregl.NavigationControl(), "top-left");
map.addControl(new maplibregl.ScaleControl(), "bottom-left");
debug.map = map;

const timeEls = { from: $("t-from"), to: $("t-to"), histogram: $("histogram"), label: $("t-label"), play: $("play") };

// ---------------------------------------------------------------- drawing

function writeHash() {
  const c = map.getCenter();
  history.replaceState(null, "", `#${formatHash(state, { zoom: map.getZoom(), lat: c.lat, lon: c.lng })}`);
}

/** Runs `fetch` and hands its answer to `use` unless a newer call of the same `kind` started meanwhile. */
const latest = {};
async function fetchLatest(kind, fetch, use) {
  const n = (latest[kind] = (latest[kind] || 0) + 1);
  debug.busy += 1;
  try {
    const answer = await fetch();
    if (latest[kind] === n) use(answer);
  } catch (err) {
    report(err);
  } finally {
    debug.busy -= 1;
  }
}

/** The incident tiles for the state's type and time filters (versioned: fetched again when the data changes). */
function incidentTiles() {
  const q = mapQuery(state);
  q.set("v", String(state.version));
  return api.tileUrl("incidents", q);
}

/** The histogram's query, and the key it is fetched under. It shows every week whatever the window: types only. */
function histogramAsk() {
  const q = filterQuery(state, { time: false, radius: false });
  return [q, `${q}&v=${state.version}`];
}

/** The tiles, counts and histogram for the state's filters, fetched when they changed. */
function refreshData() {
  if (!state.layers.length) return; // until the layers (and icons) are in
  const tiles = incidentTiles();
  if (tiles !== sourceTiles) {
    sourceTiles = tiles;
    map.getSource("incidents")?.setTiles([tiles]);
  }
  if (tiles !== countedTiles) {
    countedTiles = tiles;
    fetchLatest("counts", () => api.counts(mapQuery(state)), (c) => {
      state.counts = c;
      debug.shown = c.total;
      renderLegend($("legend"), state, c.by_type, toggleType);
    });
  }
  const [q, h] = histogramAsk();
  if (h !== histogramQuery) {
    histogramQuery = h;
    fetchLatest("histogram", () => api.weeklyHistogram(q), (r) => {
      state.histogram = r.bins;
      renderTimeline(timeEls, state);
    });
  }
}

let pending = false;
/** Redraws everything from the state, once per frame however often it is asked. */
function refresh() {
  if (pending) return;
  pending = debug.pending = true;
  requestAnimationFrame(() => {
    pending = debug.pending = false;
    refreshData();
    renderLegend($("legend"), state, state.counts?.by_type || {}, toggleType);
    renderTimeline(timeEls, state);
    $("dl-geojson").href = downloadUrl("/api/v1/export.geojson", state);
    $("dl-csv").href = downloadUrl("/api/v1/export.csv", state);
    $("dl-parquet").href = downloadUrl("/api/v1/export.parquet", state);
    $("dl-fgb").href = downloadUrl("/api/v1/export.fgb", state);
    $("radius-section").hidden = !state.radiusOpen;
    renderRadius(map, $("near-list"), state, openListed)
      .then((ids) => ids && (debug.near = ids))
      .catch(report);
    writeHash();
  });
}

function setLanguage(lang) {
  state.lang = lang;
  applyLanguage(document, lang);
  $("lang").textContent = lang === "ar" ? "English" : "العربية";
  if (map.getLayer("labels")) map.setLayoutProperty("labels", "text-field", labelField(lang));
  if (state.latest) renderLatest($("latest-list"), state.latest, lang);
  review.render();
  refresh();
}

// ---------------------------------------------------------------- data

/** The layers and the weeks the incidents span, asked for both at once. */
function fetchBoot() {
  return Promise.all([api.layers(), api.weeklyHistogram(new URLSearchParams())]);
}

/** Takes in the layers and the weeks; the time window snaps to weeks. */
function applyBoot([layers, all]) {
  state.layers = layers;
  state.weeks = weeksSpanning(all.bins.map((b) => b.start));
  [state.from, state.to] = windowDates(state.weeks, ...weekIndices(state.weeks, state.from, state.to));
  state.version += 1;
  if (!state.hidden.size) {
    // Types only and none hidden: the histogram just fetched is the one shown.
    state.histogram = all.bins;
    histogramQuery = histogramAsk()[1];
  }
}

/** Layers and weeks again (the data changed); tiles, counts and the histogram follow. */
async function reload() {
  review.refreshCount();
  applyBoot(await fetchBoot());
  drawIcons();
  map.setPaintProperty("incidents", "circle-color", typeColours(state.layers));
  refresh();
}

/** The type icons from the served layers, and the layer that shows them. */
function drawIcons() {
  if (!state.layers.length) return; // the layers did not come: no icons to show
  addIcons(map, state.layers);
  map.setLayoutProperty("incident-icons", "visibility", "visible");
}

/** The latest articles panel, asked for again after every change. */
function refreshLatest() {
  fetchLatest("latest", () => api.latestArticles(), (articles) => {
    state.latest = articles;
    renderLatest($("latest-list"), articles, state.lang);
  });
}

/** Asks for the layers again, less and less often, when the first ask failed (a server restarting). */
function retryBoot(waitMs = 1000) {
  if (state.layers.length) return;
  const again = () => retryBoot(Math.min(waitMs * 2, 10000));
  setTimeout(() => reload().then(() => state.layers.length || again(), again), waitMs);
}

/** Reloads the data when incidents are stored or changed (by feeds, other clients, other replicas): new incidents appear without a page reload. */
function followStore() {
  debug.live = {};
  followChanges({
    changed: () => {
      reload().catch(report);
      refreshLatest();
      alerts.refresh().catch(report);
    },
    health: () => api.health(),
    status: debug.live,
  });
}

async function showIncident(id, lngLat) {
  state.selected = id;
  writeHash();
  const f = await api.incident(id);
  const popup = new maplibregl.Popup({ maxWidth: "340px" })
    .setLngLat(lngLat || f.geometry.coordinates)
    .setDOMContent(incidentPopup(f, state.layers, state.lang))
    .addTo(map);
  popup.on("close", () => {
    if (state.selected === id) {
      state.selected = null;
      writeHash();
    }
  });
}

// ---------------------------------------------------------------- actions

function toggleType(type, on) {
  if (on) state.hidden.delete(type);
  else state.hidden.add(type);
  refresh();
}

function setRadius(lat, lon) {
  state.radius = { lat, lon, km: radiusKm($("radius-km").value) };
  refresh();
}

function openListed(f) {
  map.flyTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 11) });
  showIncident(f.id, f.geometry.coordinates).catch(report);
}

function openClicked(e) {
  e.preventDefault();
  if (picking) return;
  const f = e.features[0];
  showIncident(f.properties.id, f.geometry.coordinates).catch(report);
}

// ---------------------------------------------------------------- review

/** What the next map click picks for the review's edit form, if it waits for one. */
let picking = null;
/** The incident the review shows, marked on the map. */
const reviewMarker = new maplibregl.Marker({ color: "#d4145a" });
// Only a sign: a click on it is a click on the map (moving the incident there).
reviewMarker.getElement().style.pointerEvents = "none";

/** A click's point, and the labelled place under it (within a few pixels) if there is one. */
function pickedAt(e) {
  const { x, y } = e.point;
  const r = 12;
  const near = map
    .queryRenderedFeatures([[x - r, y - r], [x + r, y + r]], { layers: ["labels"] })
    .filter((f) => f.properties.id)
    .map((f) => {
      const p = map.project(f.geometry.coordinates);
      return [Math.hypot(p.x - x, p.y - y), f];
    })
    .sort((a, b) => a[0] - b[0])[0]?.[1];
  if (!near) return { lat: e.lngLat.lat, lon: e.lngLat.lng, place: null };
  const [lon, lat] = near.geometry.coordinates;
  return { lat, lon, place: { ...near.properties } };
}

const review = initReview(
  {
    toggle: $("review-toggle"),
    count: $("queue-count"),
    section: $("review-section"),
    signIn: $("signin-form"),
    token: $("review-token"),
    who: $("review-who"),
    user: $("review-user"),
    signOut: $("sign-out"),
    body: $("review-body"),
    order: $("queue-order"),
    card: $("review-card"),
    verify: $("rv-verify"),
    reject: $("rv-reject"),
    next: $("rv-next"),
    undo: $("rv-undo"),
    merge: $("rv-merge"),
    mergePanel: $("merge-panel"),
    candidates: $("merge-candidates"),
    sources: $("review-sources"),
    rejectForm: $("reject-form"),
    rejectNote: $("reject-note"),
    rejectConfirm: $("reject-confirm"),
    editForm: $("edit-form"),
    editType: $("edit-type"),
    editDate: $("edit-date"),
    editDatePrecision: $("edit-date-precision"),
    editGeo: $("edit-geo"),
    editPlace: $("edit-place"),
    editSearch: $("edit-search"),
    editMove: $("edit-move"),
    editResults: $("edit-place-results"),
    editWhere: $("edit-where"),
    edit: {
      button: $("rv-edit"),
      killed: $("edit-killed"),
      injured: $("edit-injured"),
      arrested: $("edit-arrested"),
      killedQ: $("edit-killed-q"),
      injuredQ: $("edit-injured-q"),
      arrestedQ: $("edit-arrested-q"),
      actors: $("edit-actors"),
      targets: $("edit-targets"),
    },
    cancels: document.querySelectorAll("#review-section .cancel"),
    message: $("review-message"),
    article: $("review-article"),
    addToken: $("add-token"),
  },
  state,
  {
    show(f) {
      if (!f?.geometry) return reviewMarker.remove();
      reviewMarker.setLngLat(f.geometry.coordinates).addTo(map);
      map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 10) });
    },
    pick(onPicked) {
      picking = onPicked;
      map.getCanvas().style.cursor = "crosshair";
    },
    bounds() {
      const b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    },
    // Signed in or out: what the map shows may differ (`--public verified`),
    // and whose alerts are listed.
    signedIn: () => {
      reload().catch(report);
      alerts?.refresh().catch(report);
    },
    changed: () => reload().catch(report),
  },
);
debug.review = review;

/** The area of the alert shown on the map, if any (a GeoJSON Feature). */
function showAlertArea(feature) {
  const empty = { type: "FeatureCollection", features: [] };
  if (!map.getSource("alert-area")) {
    map.addSource("alert-area", { type: "geojson", data: empty });
    map.addLayer({ id: "alert-area-fill", type: "fill", source: "alert-area", paint: { "fill-color": "#c2410c", "fill-opacity": 0.08 } });
    map.addLayer({ id: "alert-area-line", type: "line", source: "alert-area", paint: { "line-color": "#c2410c", "line-width": 2, "line-dasharray": [2, 1] } });
  }
  map.getSource("alert-area").setData(feature || empty);
  if (!feature) return;
  // Every position of the geometry, however deeply nested.
  const pts = [feature.geometry.coordinates].flat(Infinity).reduce((acc, x, i) => {
    if (i % 2 === 0) acc.push([x]);
    else acc[acc.length - 1].push(x);
    return acc;
  }, []);
  if (pts.length) {
    const lons = pts.map((p) => p[0]);
    const lats = pts.map((p) => p[1]);
    map.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      { padding: 60, maxZoom: 12 },
    );
  }
}

const alerts = initAlerts(
  {
    toggle: $("alerts-toggle"),
    section: $("alerts-section"),
    signInFirst: $("alerts-signin"),
    form: $("alert-form"),
    name: $("alert-name"),
    kind: $("alert-kind"),
    placeRow: $("alert-place-row"),
    placeSearch: $("alert-place"),
    placeResults: $("alert-place-results"),
    km: $("alert-km"),
    types: $("alert-types"),
    minConfidence: $("alert-min-confidence"),
    webhook: $("alert-webhook"),
    created: $("alert-created"),
    message: $("alerts-message"),
    list: $("alert-list"),
  },
  state,
  {
    radius: () => state.radius,
    bounds() {
      const b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    },
    showArea: showAlertArea,
  },
);
debug.alerts = alerts;

// ---------------------------------------------------------------- wiring

window.addEventListener("error", (e) => debug.errors.push(String(e.message)));
for (const el of [timeEls.from, timeEls.to]) {
  el.addEventListener("input", () => {
    readSliders(timeEls, state);
    refresh();
  });
}
timeEls.play.addEventListener("click", () => togglePlay(state, refresh));
$("lang").addEventListener("click", () => setLanguage(state.lang === "ar" ? "en" : "ar"));
$("show").value = state.show;
$("show").addEventListener("change", () => {
  state.show = $("show").value;
  refresh();
});
initSearch($("search"), $("search-results"), state, (lat, lon) => {
  map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 10) });
  if (state.radiusOpen) setRadius(lat, lon);
});
$("radius-toggle").addEventListener("click", () => {
  state.radiusOpen = !state.radiusOpen;
  refresh();
});
$("radius-clear").addEventListener("click", () => {
  state.radius = null;
  refresh();
});
$("radius-km").addEventListener("change", () => state.radius && setRadius(state.radius.lat, state.radius.lon));
if (state.radius) $("radius-km").value = String(state.radius.km);
$("add-toggle").addEventListener("click", () => {
  $("add-section").hidden = !$("add-section").hidden;
});
const fields = { token: $("add-token"), url: $("add-url"), published: $("add-published"), text: $("add-text") };
initArticleForm($("add-form"), fields, $("add-result"), state, async (incidents) => {
  await reload();
  refreshLatest();
  const placed = incidents.find((f) => f.geometry);
  if (placed) map.flyTo({ center: placed.geometry.coordinates, zoom: 10 });
});

// A cluster opens two zoom levels closer, where the server cuts it finer.
map.on("click", "clusters", (e) => {
  if (picking) return;
  map.easeTo({ center: e.features[0].geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 14) });
});
map.on("click", "incident-icons", openClicked);
map.on("click", "incidents", openClicked);
map.on("click", (e) => {
  if (picking) {
    const done = picking;
    picking = null;
    map.getCanvas().style.cursor = "";
    done(pickedAt(e));
    return;
  }
  if (e.defaultPrevented || !state.radiusOpen) return;
  if (map.queryRenderedFeatures(e.point, { layers: ["incidents", "clusters"] }).length) return;
  setRadius(e.lngLat.lat, e.lngLat.lng);
});
for (const l of ["incidents", "incident-icons", "clusters"]) {
  map.on("mouseenter", l, () => (map.getCanvas().style.cursor = "pointer"));
  map.on("mouseleave", l, () => (map.getCanvas().style.cursor = ""));
}
map.on("moveend", writeHash);

// The type icons are drawn once the style is in, before the first tiles are laid out.
map.once("style.load", () => {
  drawIcons();
  refresh();
  if (state.selected) showIncident(state.selected).catch(() => {});
  refreshLatest();
  followStore();
  retryBoot();
  const whenLoaded = () =>
    map.loaded() && map.isSourceLoaded("incidents") && !pending ? (debug.ready = true) : setTimeout(whenLoaded, 50);
  whenLoaded();
});
map.on("load", async () => {
  // Web fonts must be ready before MapLibre draws labels with them.
  await fontReady;
  setLanguage(state.lang);
});
