// The legend: one checkbox per event type, with its symbol, title and the
// number of incidents shown.
import { drawIcon } from "./icons.js";
import { eventTypes } from "./filters.js";
import { title } from "./i18n.js";

/**
 * Draws the legend into `ul`. It is built once (and again on a language
 * change); later only the ticks and counts change, so the checkbox a user
 * is clicking stays in place. `onToggle(type, on)` reports a click.
 */
export function renderLegend(ul, state, counts, onToggle) {
  const types = eventTypes(state.layers);
  if (ul.dataset.lang !== state.lang || ul.children.length !== types.length) {
    ul.replaceChildren(...types.map((l) => item(l, state.lang, onToggle)));
    ul.dataset.lang = state.lang;
  }
  for (const box of ul.querySelectorAll("input[data-layer]")) box.checked = !state.hidden.has(box.dataset.layer);
  for (const n of ul.querySelectorAll("[data-count]")) n.textContent = String(counts[n.dataset.count] || 0);
}

function item(layer, lang, onToggle) {
  const box = document.createElement("input");
  box.type = "checkbox";
  box.dataset.layer = layer.id;
  box.addEventListener("change", () => onToggle(layer.id, box.checked));
  const swatch = drawIcon(layer, 32);
  swatch.className = "swatch";
  const count = document.createElement("span");
  count.className = "count";
  count.dataset.count = layer.id;
  const label = document.createElement("label");
  label.append(box, swatch, document.createTextNode(` ${title(layer, lang)} `), count);
  const li = document.createElement("li");
  li.append(label);
  return li;
}
