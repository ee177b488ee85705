// An incident's popup: type, date, place, parties, toll and every source
// with its evidence sentence. Article text is set as text, never as HTML.
import { named, title, translate } from "./i18n.js";

/** The popup's content for a full incident feature (from `/api/v1/incidents/{id}`). */
export function incidentPopup(f, layers, lang) {
  const t = (k) => translate(lang, k);
  const p = f.properties;
  const layer = layers.find((l) => l.id === p.type);
  const el = document.createElement("div");
  el.className = "popup";
  el.dataset.incident = f.id;
  const h = document.createElement("h3");
  h.textContent = layer ? title(layer, lang) : p.type;
  el.append(h);
  const precision = t(`date_${p.date_precision}`);
  row(el, t("date"), p.date ? `${p.date} (${precision})` : precision);
  row(el, t("place"), `${named(p, lang, "place")} · ${t("precision")} ${p.geo_precision}`);
  row(el, t("actors"), p.actors.map((a) => named(a, lang)).join("، "));
  row(el, t("targets"), p.targets.map((a) => named(a, lang)).join("، "));
  row(el, "", toll(p, t));
  el.append(sources(p, t));
  return el;
}

/** «4 killed · 2 injured», the figures the reports give. */
function toll(p, t) {
  return ["killed", "injured", "arrested"]
    .filter((k) => p[k] != null)
    .map((k) => `${p[k]} ${t(k)}`)
    .join(" · ");
}

function sources(p, t) {
  const div = document.createElement("div");
  const b = document.createElement("b");
  b.textContent = `${t("sources")} (${p.source_count}):`;
  div.append(b);
  for (const s of p.sources || []) {
    const q = document.createElement("blockquote");
    q.dir = "rtl";
    q.textContent = s.evidence;
    div.append(q);
    // Only web links: a stored URL is untrusted input.
    if (s.url && /^https?:\/\//.test(s.url)) {
      const a = document.createElement("a");
      a.href = s.url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      a.textContent = s.outlet || s.url;
      div.append(a);
    }
  }
  return div;
}

function row(parent, label, value) {
  if (value === null || value === undefined || value === "") return;
  const div = document.createElement("div");
  const b = document.createElement("b");
  b.textContent = `${label}: `;
  div.append(b, document.createTextNode(String(value)));
  parent.append(div);
}
