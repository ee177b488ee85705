// Validates GeoJSON files against RFC 7946 with an independent checker
// (@placemarkio/check-geojson). Usage: node tools/check-geojson.mjs FILE...
// Exits 1 and prints the issues when a file is not valid.
import { readFileSync } from "node:fs";
import { check } from "@placemarkio/check-geojson";

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    check(readFileSync(file, "utf8"));
    console.log(`${file}: valid RFC 7946 GeoJSON`);
  } catch (e) {
    failed = true;
    const issues = e.issues ? JSON.stringify(e.issues.slice(0, 5)) : String(e);
    console.error(`${file}: ${issues}`);
  }
}
process.exit(failed ? 1 : 0);
