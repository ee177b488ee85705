// The latest articles panel: what the feeds (or people) brought last, with
// how many incidents each gave. Titles are set as text; links only http(s).
import { translate } from "./i18n.js";

/** Fills `list` with `articles` (from `/api/v1/articles`). */
export function renderLatest(list, articles, lang) {
  const t = (k) => translate(lang, k);
  list.replaceChildren(
    ...articles.map((a) => {
      const li = document.createElement("li");
      li.dataset.article = a.id;
      const title = a.title || a.url || a.id;
      if (a.url && /^https?:\/\//i.test(a.url)) {
        const link = document.createElement("a");
        link.href = a.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.textContent = title;
        li.append(link);
      } else {
        li.append(document.createTextNode(title));
      }
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = [a.outlet, a.published, `${a.incidents} ${t("incidents")}`].filter(Boolean).join(" · ");
      li.append(meta);
      return li;
    }),
  );
  if (!articles.length) {
    const li = document.createElement("li");
    li.textContent = t("noResults");
    list.append(li);
  }
}
