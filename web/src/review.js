// The review mode: sign in with a token, then a queue of the incidents no
// person has looked at (least confident first, newest first, or in the
// current view), one at a time, with its evidence highlighted in its
// article. Keyboard first: V verify, R reject (1–4 pick the reason), E edit,
// M merge into a nearby incident (1–9 pick it), N next, U undo, Esc closes
// a form. Editors split a source off, and correct type, date, place (a
// gazetteer search, or a click on the map), geo precision, tolls and how
// exact they are, actors and targets.
// Article text and names are set as text, never as HTML.
import * as api from "./api.js";
import { correctionOf, evidenceIn, isShortcut, QUALIFIERS, TOLLS, undoOf } from "./correction.js";
import { named, title, translate } from "./i18n.js";

const TOKEN_KEY = "marsad-token";
const REASONS = ["not_an_event", "duplicate", "wrong_article", "other"];
const MAY_REVIEW = ["reviewer", "editor", "admin"];
const MAY_EDIT = ["editor", "admin"];

/**
 * Wires the review panel. `els` holds its elements (see index.html);
 * `map` is what it needs of the map: `show(feature)` (fly to and mark
 * the incident; null: unmark), `pick(onPicked)` (the next click on the map, as
 * `{lat, lon, place}`), `bounds()` (the view as a bbox), `signedIn()`
 * (the map's data again, as the user now sees it) and `changed()` (after
 * a decision: the map, counts and queue again).
 */
export function initReview(els, state, map) {
  const r = {
    me: null,
    queue: [],
    at: 0,
    current: null, // {feature, review}
    undo: [], // [{id, kind: "decision"|"correction", fields, before}]
    actors: [], // the lexicon's, for the edit form
  };
  const t = (k) => translate(state.lang, k);
  const say = (text, error = false) => {
    els.message.textContent = text;
    els.message.className = error ? "error" : "";
  };
  const fail = (err) => say(`${t(r.me ? "actionFailed" : "signInFailed")} ${err.message}`, true);

  // ------------------------------------------------------------ signing in

  async function signIn(token) {
    // The token is tried alone first: a wrong one never reaches the map's requests.
    try {
      r.me = await api.me(token);
    } catch (err) {
      sessionStorage.removeItem(TOKEN_KEY);
      r.me = null;
      render();
      throw err;
    }
    api.useToken(token);
    sessionStorage.setItem(TOKEN_KEY, token);
    if (!r.actors.length) r.actors = await api.actors().catch(() => []);
    if (els.addToken && !els.addToken.value) els.addToken.value = token;
    render();
    map.signedIn();
    await loadQueue();
  }

  function signOut() {
    api.useToken(null);
    sessionStorage.removeItem(TOKEN_KEY);
    Object.assign(r, { me: null, queue: [], at: 0, current: null, undo: [] });
    closeForms();
    render();
    map.show(null);
    map.signedIn();
  }

  // ------------------------------------------------------------ the queue

  /** The queue again, in the order chosen; shows its first incident. */
  async function loadQueue() {
    if (!r.me) return;
    const order = els.order.value;
    const sort = order === "newest" ? "-date" : "confidence";
    const page = await api.queue(sort, order === "view" ? map.bounds() : null);
    r.queue = page.features.map((f) => f.id);
    r.at = 0;
    await refreshCount();
    await showAt(0);
  }

  async function refreshCount() {
    if (!r.me) return;
    const n = await api.unreviewedCount();
    // Signed out meanwhile: no count to show.
    if (!r.me) return;
    els.count.textContent = String(n);
    els.count.hidden = false;
    els.count.title = t("queueCount");
  }

  /** Shows the queue's incident at `i` (the queue again when it ran out). */
  async function showAt(i) {
    closeForms();
    if (i >= r.queue.length) {
      r.current = null;
      renderCard();
      return;
    }
    r.at = i;
    await show(r.queue[i]);
  }

  /** Shows one incident: its card, its article with the evidence marked, the map on it. */
  async function show(id) {
    const [feature, review] = await Promise.all([api.incident(id), api.review(id)]);
    r.current = { feature, review };
    renderCard();
    renderSources();
    map.show(feature);
    const source = feature.properties.sources?.[0];
    await showArticle(source);
  }

  /** The sources, each to read in its article and, when there are several, to split off. */
  function renderSources() {
    const sources = r.current?.feature.properties.sources || [];
    els.sources.replaceChildren(
      ...sources.map((s) => {
        const li = document.createElement("li");
        li.dataset.article = s.article_id;
        li.append(document.createTextNode([s.outlet || s.article_id, s.published].filter(Boolean).join(" · ") + " "));
        const read = document.createElement("button");
        read.type = "button";
        read.textContent = t("showArticle");
        read.addEventListener("click", run(() => showArticle(s)));
        li.append(read);
        if (sources.length > 1 && r.me && MAY_EDIT.includes(r.me.role)) {
          const off = document.createElement("button");
          off.type = "button";
          off.className = "split";
          off.textContent = t("splitOff");
          off.addEventListener("click", run(() => splitOff(s)));
          li.append(" ", off);
        }
        return li;
      }),
    );
  }

  async function showArticle(source) {
    els.article.replaceChildren();
    if (!source) return;
    const a = await api.article(source.article_id).catch(() => null);
    const [before, evidence, after] = evidenceIn(a?.text ?? source.evidence, source);
    const mark = document.createElement("mark");
    mark.textContent = evidence;
    els.article.append(document.createTextNode(before), mark, document.createTextNode(after));
    mark.scrollIntoView?.({ block: "center" });
  }

  /** After a decision on the incident shown: off the queue, the next one shown. */
  async function advance() {
    const id = r.current?.feature.id;
    r.queue = r.queue.filter((q) => q !== id);
    map.changed();
    await refreshCount();
    await showAt(Math.min(r.at, r.queue.length));
    if (!r.queue.length) await loadQueue();
  }

  // ------------------------------------------------------------ decisions

  async function decide(decision, reason, note) {
    if (!r.current || !may(MAY_REVIEW)) return;
    const { feature, review } = r.current;
    const body = { decision };
    if (reason) body.reason = reason;
    if (note) body.note = note;
    const after = await api.decide(feature.id, body, review.version);
    r.undo.push({ id: feature.id, kind: "decision", before: review.status });
    say(`${t(decision === "verify" ? "verified" : "rejected")} · v${after.version}`);
    await advance();
  }

  async function save() {
    if (!r.current || !may(MAY_EDIT)) return;
    const { feature, review } = r.current;
    const fields = correctionOf(feature.properties, readEdit());
    if (!Object.keys(fields).length) {
      say(t("nothingChanged"));
      return;
    }
    await api.correct(feature.id, fields, review.version);
    r.undo.push({ id: feature.id, kind: "correction", fields, before: feature, status: review.status });
    say(t("corrected"));
    map.changed();
    await refreshCount();
    // The corrected incident stays shown: the editor sees what is stored now.
    await show(feature.id);
  }

  /** Nearby incidents of the same week that may tell the same event, to merge into. */
  async function openMerge() {
    if (!r.current || !may(MAY_EDIT)) return;
    closeForms();
    const f = r.current.feature;
    els.mergePanel.hidden = false;
    els.candidates.replaceChildren();
    const c = f.geometry?.coordinates;
    if (!c) return els.candidates.append(line(t("noCandidates")));
    const p = new URLSearchParams({ lat: String(c[1]), lon: String(c[0]), radius_km: "40", limit: "9" });
    p.set("status", "unreviewed,verified");
    if (f.properties.date) {
      const day = (d, n) => new Date(Date.parse(d) + n * 86400000).toISOString().slice(0, 10);
      p.set("since", day(f.properties.date, -7));
      p.set("until", day(f.properties.date, 7));
    }
    const near = (await api.near(p)).features.filter((n) => n.id !== f.id);
    r.candidates = near;
    if (!near.length) return els.candidates.append(line(t("noCandidates")));
    near.forEach((n, i) => {
      const li = document.createElement("li");
      li.dataset.incident = n.id;
      const q = n.properties;
      const layer = state.layers.find((l) => l.id === q.type);
      const km = q.distance_km != null ? ` · ${q.distance_km.toFixed(1)} ${t("km")}` : "";
      li.append(kbd(String(i + 1)), ` ${layer ? title(layer, state.lang) : q.type} · ${named(q, state.lang, "place")} · ${q.date || "?"}${km}`);
      li.tabIndex = 0;
      li.addEventListener("click", run(() => mergeInto(n.id)));
      els.candidates.append(li);
    });
  }

  function kbd(text) {
    const k = document.createElement("kbd");
    k.textContent = text;
    return k;
  }

  async function mergeInto(into) {
    if (!r.current || !may(MAY_EDIT)) return;
    const { feature, review } = r.current;
    await api.merge(feature.id, into, review.version);
    r.undo.push({ id: feature.id, kind: "merge", before: review.status });
    say(t("merged"));
    await advance();
  }

  async function splitOff(source) {
    if (!r.current || !may(MAY_EDIT)) return;
    const { feature, review } = r.current;
    const child = await api.split(feature.id, { article_id: source.article_id, start: source.start }, review.version);
    say(t("splitDone"));
    map.changed();
    // The new incident is next in the queue: it needs a person too.
    r.queue.splice(r.at + 1, 0, child.id);
    await show(feature.id);
  }

  /** Takes back the last decision or correction: a reopen, or a correction that puts back what was. */
  async function undo() {
    const last = r.undo.pop();
    if (!last) return say(t("nothingToUndo"));
    if (last.kind === "correction") {
      const back = undoOf(last.before.properties, last.before.geometry?.coordinates ?? null, last.fields);
      await api.correct(last.id, back, (await api.review(last.id)).version);
    }
    const now = await api.review(last.id);
    const wasOpen = (last.kind === "correction" ? last.status : last.before) === "unreviewed";
    if (wasOpen && now.status !== "unreviewed") await api.decide(last.id, { decision: "reopen" }, now.version);
    if (!r.queue.includes(last.id)) r.queue.splice(r.at, 0, last.id);
    say(t("undone"));
    map.changed();
    await refreshCount();
    await showAt(r.queue.indexOf(last.id));
  }

  function may(roles) {
    if (r.me && roles.includes(r.me.role)) return true;
    say(t("notAllowed"), true);
    return false;
  }

  // ------------------------------------------------------------ forms

  function closeForms() {
    els.mergePanel.hidden = true;
    els.rejectForm.hidden = true;
    els.editForm.hidden = true;
    els.editResults.replaceChildren();
  }

  function openReject() {
    if (!r.current || !may(MAY_REVIEW)) return;
    closeForms();
    els.rejectForm.hidden = false;
    els.rejectConfirm.focus();
  }

  /** The place or point picked in the edit form. */
  let picked = null;

  function openEdit() {
    if (!r.current || !may(MAY_EDIT)) return;
    closeForms();
    const p = r.current.feature.properties;
    fillTypes(p.type);
    els.editDate.value = p.date || "";
    els.editDatePrecision.value = p.date_precision;
    els.editGeo.value = String(p.geo_precision);
    for (const k of TOLLS) {
      els.edit[k].value = p[k] ?? "";
      fill(els.edit[`${k}Q`], QUALIFIERS.map((q) => [q, t(`q_${q}`)]), [p.count_qualifiers?.[k] || "exact"]);
    }
    const actorOptions = r.actors.map((a) => [a.id, named(a, state.lang)]);
    fill(els.edit.actors, actorOptions, p.actors.map((a) => a.id));
    fill(els.edit.targets, actorOptions, p.targets.map((a) => a.id));
    els.editPlace.value = "";
    picked = null;
    renderWhere();
    els.editForm.hidden = false;
    els.editDate.focus();
  }

  /** A select's options (`[value, label]`), those in `chosen` selected. */
  function fill(select, options, chosen) {
    select.replaceChildren(
      ...options.map(([value, label]) => {
        const o = document.createElement("option");
        o.value = value;
        o.textContent = label;
        o.selected = chosen.includes(value);
        return o;
      }),
    );
  }

  function fillTypes(current) {
    els.editType.replaceChildren(
      ...state.layers
        .filter((l) => l.id !== "all" && l.id !== "places")
        .map((l) => {
          const o = document.createElement("option");
          o.value = l.id;
          o.textContent = title(l, state.lang);
          o.selected = l.id === current;
          return o;
        }),
    );
  }

  function readEdit() {
    const values = {
      type: els.editType.value,
      date: els.editDate.value,
      date_precision: els.editDatePrecision.value,
      geo_precision: els.editGeo.value,
    };
    if (picked?.place) values.place_id = picked.place.id;
    else if (picked) values.point = { lat: picked.lat, lon: picked.lon };
    values.qualifiers = {};
    for (const k of TOLLS) {
      values[k] = els.edit[k].value;
      values.qualifiers[k] = els.edit[`${k}Q`].value;
    }
    const chosen = (select) => [...select.selectedOptions].map((o) => o.value);
    values.actors = chosen(els.edit.actors);
    values.targets = chosen(els.edit.targets);
    return values;
  }

  function renderWhere() {
    const p = r.current?.feature.properties;
    let text = p ? named(p, state.lang, "place") : "";
    if (picked?.place) text = `→ ${named(picked.place, state.lang)}`;
    else if (picked) text = `→ ${picked.lat.toFixed(5)}, ${picked.lon.toFixed(5)}`;
    els.editWhere.textContent = text;
    els.editWhere.dataset.picked = picked?.place?.id ?? (picked ? "point" : "");
  }

  async function searchPlace() {
    const q = els.editPlace.value.trim();
    els.editResults.replaceChildren();
    if (!q) return;
    const c = r.current?.feature.geometry?.coordinates;
    const near = c ? `&near=${c[1].toFixed(4)},${c[0].toFixed(4)}` : "";
    const found = await api.getJson(`/api/v1/places?q=${encodeURIComponent(q)}&limit=6${near}`);
    for (const f of found.features) {
      const li = document.createElement("li");
      li.tabIndex = 0;
      li.dataset.place = f.id;
      const pr = f.properties;
      li.textContent = [named(pr, state.lang), pr.admin2 || pr.admin1].filter(Boolean).join(" · ");
      const choose = () => {
        picked = { lat: f.geometry.coordinates[1], lon: f.geometry.coordinates[0], place: { id: f.id, ...pr } };
        els.editResults.replaceChildren();
        renderWhere();
      };
      li.addEventListener("click", choose);
      li.addEventListener("keydown", (e) => e.key === "Enter" && choose());
      els.editResults.append(li);
    }
  }

  // ------------------------------------------------------------ drawing

  function render() {
    const signed = r.me !== null;
    els.signIn.hidden = signed;
    els.who.hidden = !signed;
    els.body.hidden = !signed;
    els.count.hidden = !signed;
    els.user.textContent = signed ? `${r.me.user} · ${t(`role_${r.me.role}`)}` : "";
    els.edit.button.disabled = !signed || !MAY_EDIT.includes(r.me.role);
    els.merge.disabled = els.edit.button.disabled;
    for (const b of [els.verify, els.reject]) b.disabled = !signed || !MAY_REVIEW.includes(r.me.role);
    renderCard();
  }

  function renderCard() {
    const card = els.card;
    card.replaceChildren();
    if (!r.current) {
      delete card.dataset.incident;
      els.article.replaceChildren();
      if (r.me) card.append(line(t("queueEmpty")));
      return;
    }
    const { feature: f, review } = r.current;
    const p = f.properties;
    card.dataset.incident = f.id;
    card.dataset.status = review.status;
    const layer = state.layers.find((l) => l.id === p.type);
    const h = document.createElement("h3");
    h.textContent = layer ? title(layer, state.lang) : p.type;
    card.append(h);
    card.append(line(`${named(p, state.lang, "place")} · ${p.date || t("date_unknown")}`));
    const tolls = TOLLS.filter((k) => p[k] != null).map((k) => `${p[k]} ${t(k)}`);
    if (tolls.length) card.append(line(tolls.join(" · "), "tolls"));
    card.append(line(`${t("confidence")} ${Number(p.confidence).toFixed(2)} · ${t(`status_${review.status}`)} · v${review.version}`));
    card.append(line(`${t("sources")}: ${(p.sources || []).map((s) => s.outlet || s.article_id).join("، ")}`));
    if (r.queue.length) card.append(line(`${r.at + 1} / ${r.queue.length}`, "meta"));
  }

  function line(text, className) {
    const div = document.createElement("div");
    div.textContent = text;
    if (className) div.className = className;
    return div;
  }

  // ------------------------------------------------------------ wiring

  const run = (f) => (...args) => Promise.resolve(f(...args)).catch(fail);
  els.toggle.addEventListener("click", () => {
    els.section.hidden = !els.section.hidden;
    if (!els.section.hidden && !r.me) els.token.focus();
  });
  els.signIn.addEventListener(
    "submit",
    run(async (e) => {
      e.preventDefault();
      await signIn(els.token.value.trim());
      els.token.value = "";
      say("");
    }),
  );
  els.signOut.addEventListener("click", signOut);
  els.order.addEventListener("change", run(loadQueue));
  els.verify.addEventListener("click", run(() => decide("verify")));
  els.reject.addEventListener("click", run(openReject));
  els.edit.button.addEventListener("click", run(openEdit));
  els.next.addEventListener("click", run(() => showAt(r.at + 1 < r.queue.length ? r.at + 1 : 0)));
  els.undo.addEventListener("click", run(undo));
  els.merge.addEventListener("click", run(openMerge));
  els.rejectForm.addEventListener(
    "submit",
    run((e) => {
      e.preventDefault();
      const reason = els.rejectForm.elements.reason.value;
      return decide("reject", reason, els.rejectNote.value.trim() || null);
    }),
  );
  els.editForm.addEventListener(
    "submit",
    run((e) => {
      e.preventDefault();
      return save();
    }),
  );
  for (const cancel of els.cancels) cancel.addEventListener("click", closeForms);
  els.editPlace.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      run(searchPlace)();
    }
  });
  els.editSearch.addEventListener("click", run(searchPlace));
  els.editMove.addEventListener("click", () => {
    say(t("clickMap"));
    map.pick((where) => {
      picked = where;
      say("");
      renderWhere();
    });
  });

  document.addEventListener("keydown", (e) => {
    if (!r.me || els.section.hidden) return;
    if (e.key === "Escape") return closeForms();
    if (!els.mergePanel.hidden && /^Digit[1-9]$/.test(e.code)) {
      const pick = r.candidates?.[Number(e.code.slice(5)) - 1];
      if (pick) {
        e.preventDefault();
        run(() => mergeInto(pick.id))();
      }
      return;
    }
    if (!els.rejectForm.hidden && /^Digit[1-4]$/.test(e.code)) {
      e.preventDefault();
      const reason = REASONS[Number(e.code.slice(5)) - 1];
      els.rejectForm.elements.reason.value = reason;
      if (reason === "other") return els.rejectNote.focus();
      return run(() => decide("reject", reason, els.rejectNote.value.trim() || null))();
    }
    // Letters typed into a field are text, not commands.
    if (e.target.closest?.("input, textarea, select")) return;
    const keys = { V: () => decide("verify"), R: openReject, E: openEdit, M: openMerge, N: () => els.next.click(), U: undo };
    for (const [key, act] of Object.entries(keys)) {
      if (isShortcut(e, key)) {
        e.preventDefault();
        run(act)();
        return;
      }
    }
  });

  render();
  const kept = sessionStorage.getItem(TOKEN_KEY);
  if (kept) run(() => signIn(kept))();

  return {
    /** The queue count again (the data changed). */
    refreshCount: () => refreshCount().catch(() => {}),
    /** The card in the interface language. */
    render,
    /** Whether someone is signed in. */
    signedIn: () => r.me !== null,
  };
}
