// The radius tool: the circle on the map and the incidents inside it,
// nearest first, from the API (so the list honours the same filters).
import turfCircle from "@turf/circle";
import { near } from "./api.js";
import { filterQuery } from "./filters.js";
import { named, title, translate } from "./i18n.js";
import { EMPTY } from "./style.js";

const MIN_KM = 1;
const MAX_KM = 500;
const DEFAULT_KM = 25;
const LISTED = 200;

/** A radius in km from user input, within what the tool offers. */
export function radiusKm(value) {
  return Math.min(MAX_KM, Math.max(MIN_KM, Number(value) || DEFAULT_KM));
}

let latest = 0;
let drawn = ""; // the circle on the map (the style starts with none)

/**
 * Draws the circle and lists what is inside; `onOpen(feature)` opens a
 * listed incident. Returns the listed ids. A slower, older answer never
 * overwrites a newer one.
 */
export async function renderRadius(map, list, state, onOpen) {
  const r = state.radius;
  // A new circle only when it moved: each one is sent to a map worker and laid out again.
  const key = r ? `${r.lat},${r.lon},${r.km}` : "";
  const source = map.getSource("radius");
  if (source && key !== drawn) {
    drawn = key;
    source.setData(r ? turfCircle([r.lon, r.lat], r.km, { units: "kilometers", steps: 96 }) : EMPTY);
  }
  if (!r) {
    list.replaceChildren();
    return [];
  }
  const seq = ++latest;
  const params = filterQuery(state);
  params.set("limit", String(LISTED));
  const fc = await near(params);
  if (seq !== latest) return null;
  list.replaceChildren(...fc.features.map((f) => item(f, state, onOpen)));
  return fc.features.map((f) => f.id);
}

function item(f, state, onOpen) {
  const p = f.properties;
  const layer = state.layers.find((l) => l.id === p.type);
  const a = document.createElement("a");
  a.href = "#";
  a.dataset.incident = f.id;
  const kind = layer ? title(layer, state.lang) : p.type;
  a.textContent = `${p.distance_km.toFixed(1)} ${translate(state.lang, "km")} · ${named(p, state.lang, "place")} · ${p.date || "?"} · ${kind}`;
  a.addEventListener("click", (e) => {
    e.preventDefault();
    onOpen(f);
  });
  const li = document.createElement("li");
  li.append(a);
  return li;
}
