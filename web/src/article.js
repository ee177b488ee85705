// The article form: paste a text, with its link, date and the write token;
// the server extracts, stores and indexes it and answers with the incidents.
import { postArticle } from "./api.js";
import { named, translate } from "./i18n.js";

/**
 * Wires the form; `onStored(incidents)` runs after a successful submit
 * (to reload the map and show them).
 */
export function initArticleForm(form, fields, out, state, onStored) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const t = (k) => translate(state.lang, k);
    const article = { text: fields.text.value, url: fields.url.value || null, published: fields.published.value || null };
    try {
      const v = await postArticle(article, fields.token.value);
      out.append(paragraph(v.new_article ? t("saved") : t("unchanged")), incidentList(v.incidents.features, state.lang));
      await onStored(v.incidents.features);
    } catch (err) {
      out.append(paragraph(`${t("failed")} ${err.message}`, "error"));
    }
  });
}

function paragraph(text, className) {
  const p = document.createElement("p");
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

function incidentList(features, lang) {
  const ul = document.createElement("ul");
  for (const f of features) {
    const li = document.createElement("li");
    li.dataset.incident = f.id;
    const p = f.properties;
    li.textContent = `${p.type} · ${named(p, lang, "place")} · ${p.date || "?"}`;
    ul.append(li);
  }
  return ul;
}
