import { test } from "node:test";
import assert from "node:assert/strict";
import { STRINGS, named, title, translate } from "../src/i18n.js";

test("both languages have the same strings", () => {
  assert.deepEqual(Object.keys(STRINGS.ar).sort(), Object.keys(STRINGS.en).sort());
});

test("names fall back to the other language", () => {
  assert.equal(named({ name_ar: "البوكمال", name_en: "Abu Kamal" }, "en"), "Abu Kamal");
  assert.equal(named({ name_ar: "الجلاء", name_en: null }, "en"), "الجلاء");
  assert.equal(named({ place_ar: "هجين", place_en: "Hajin" }, "ar", "place"), "هجين");
  assert.equal(named({}, "ar"), "");
});

test("titles and strings in the chosen language", () => {
  assert.equal(title({ title_ar: "غارات جوية", title_en: "Airstrikes" }, "en"), "Airstrikes");
  assert.equal(translate("ar", "km"), "كم");
  assert.equal(translate("en", "no_such_key"), "no_such_key");
});

test("every date precision the API writes has its words", () => {
  for (const lang of ["ar", "en"]) {
    for (const p of ["day", "week", "month", "unknown"]) {
      assert.notEqual(translate(lang, `date_${p}`), `date_${p}`, `${lang} ${p}`);
    }
  }
});
