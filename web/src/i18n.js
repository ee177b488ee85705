// The interface in Arabic and English: its strings, names in the chosen
// language (falling back to the other), and the page's direction.
export const STRINGS = {
  ar: {
    title: "مرصد",
    search: "ابحث عن مكان: البوكمال، Deir ez-Zor…",
    radius: "بحث ضمن نطاق",
    radiusHelp: "انقر على الخريطة أو اختر مكاناً من البحث لتحديد المركز.",
    radiusKm: "نصف القطر (كم)",
    clear: "مسح",
    add: "إضافة مقال",
    layers: "الطبقات",
    time: "الزمن",
    play: "تشغيل ▶",
    pause: "إيقاف ❚❚",
    download: "تنزيل ما هو معروض",
    token: "رمز الكتابة",
    url: "الرابط",
    published: "تاريخ النشر",
    text: "نص المقال",
    submit: "استخراج وحفظ",
    incidents: "حادثة",
    date: "التاريخ",
    place: "المكان",
    actors: "الفاعلون",
    targets: "المستهدفون",
    killed: "قتلى",
    injured: "جرحى",
    arrested: "معتقلون",
    sources: "المصادر",
    precision: "الدقة",
    noResults: "لا نتائج",
    km: "كم",
    saved: "حُفظ المقال؛ الحوادث المستخرجة:",
    unchanged: "المقال محفوظ من قبل؛ لم يتغير شيء.",
    failed: "تعذّر الحفظ:",
    all: "الكل",
    latest: "آخر المقالات",
    date_day: "باليوم",
    date_week: "بالأسبوع",
    date_month: "بالشهر",
    date_unknown: "تاريخ غير معروف",
  },
  en: {
    title: "Marsad",
    search: "Search a place: البوكمال, Deir ez-Zor…",
    radius: "Radius search",
    radiusHelp: "Click the map, or pick a place from the search, to set the centre.",
    radiusKm: "Radius (km)",
    clear: "Clear",
    add: "Add an article",
    layers: "Layers",
    time: "Time",
    play: "Play ▶",
    pause: "Pause ❚❚",
    download: "Download what is shown",
    token: "Write token",
    url: "URL",
    published: "Published",
    text: "Article text",
    submit: "Extract and store",
    incidents: "incidents",
    date: "Date",
    place: "Place",
    actors: "Actors",
    targets: "Targets",
    killed: "killed",
    injured: "injured",
    arrested: "arrested",
    sources: "Sources",
    precision: "precision",
    noResults: "No results",
    km: "km",
    saved: "Stored; incidents extracted:",
    unchanged: "Already stored; nothing changed.",
    failed: "Could not store:",
    all: "All",
    latest: "Latest articles",
    date_day: "to the day",
    date_week: "to the week",
    date_month: "to the month",
    date_unknown: "date unknown",
  },
};

/** The interface string `key` in `lang` (the key itself if missing). */
export function translate(lang, key) {
  return STRINGS[lang]?.[key] ?? key;
}

/** A layer's title in `lang`. */
export function title(layer, lang) {
  return lang === "ar" ? layer.title_ar : layer.title_en;
}

/**
 * A name in `lang` from `{<field>_ar, <field>_en}` (`place` for incidents,
 * `name` for places and actors), the other language when it is missing.
 */
export function named(obj, lang, field = "name") {
  const [first, second] = lang === "ar" ? ["_ar", "_en"] : ["_en", "_ar"];
  return obj[field + first] || obj[field + second] || "";
}

/** Sets the page's language, direction and every `data-i18n` text. */
export function applyLanguage(doc, lang) {
  doc.documentElement.lang = lang;
  doc.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  for (const el of doc.querySelectorAll("[data-i18n]")) el.textContent = translate(lang, el.dataset.i18n);
  for (const el of doc.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = translate(lang, el.dataset.i18nPlaceholder);
}
