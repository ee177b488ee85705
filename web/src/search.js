// Place search: gazetteer matches as the user types; picking one flies
// there (and sets the radius centre when the radius tool is on).
import { places } from "./api.js";
import { named, translate } from "./i18n.js";

const DEBOUNCE_MS = 200;

/** Wires the search box; `onPick(lat, lon)` receives the chosen place. */
export function initSearch(input, list, state, onPick) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input, list, state, onPick).catch(() => {}), DEBOUNCE_MS);
  });
}

async function search(input, list, state, onPick) {
  const q = input.value;
  if (!q.trim()) {
    list.hidden = true;
    return;
  }
  const fc = await places(q);
  list.replaceChildren();
  for (const f of fc.features) {
    const li = document.createElement("li");
    li.textContent = `${named(f.properties, state.lang)} — ${f.properties.admin1 || f.properties.country}`;
    li.tabIndex = 0;
    const pick = () => {
      list.hidden = true;
      input.value = li.textContent;
      const [lon, lat] = f.geometry.coordinates;
      onPick(lat, lon);
    };
    li.addEventListener("click", pick);
    li.addEventListener("keydown", (e) => e.key === "Enter" && pick());
    list.append(li);
  }
  if (!fc.features.length) {
    const li = document.createElement("li");
    li.textContent = translate(state.lang, "noResults");
    list.append(li);
  }
  list.hidden = false;
}
