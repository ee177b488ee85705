//! The OpenAPI 3.0 description of every route (`GET /api/v1/openapi.json`).

use axum::Json;
use serde_json::{json, Value};

fn q(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn path(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

fn filters() -> Vec<Value> {
    let types: Vec<&str> = marsad_model::EventType::ALL
        .iter()
        .map(|t| t.as_str())
        .collect();
    vec![
        q(
            "since",
            "Only incidents on or after this date (YYYY-MM-DD).",
            json!({"type": "string", "format": "date"}),
        ),
        q(
            "until",
            "Only incidents on or before this date (YYYY-MM-DD).",
            json!({"type": "string", "format": "date"}),
        ),
        q(
            "type",
            "Event types, comma-separated or repeated.",
            json!({"type": "array", "items": {"type": "string", "enum": types}}),
        ),
        q(
            "actor",
            "Actor or target ids (sdf, irgc, us_forces…), comma-separated or repeated.",
            json!({"type": "array", "items": {"type": "string"}}),
        ),
        q(
            "min_confidence",
            "Minimum confidence, 0–1.",
            json!({"type": "number", "minimum": 0, "maximum": 1}),
        ),
        q(
            "geo_precision",
            "Maximum ACLED geo precision, 1–3.",
            json!({"type": "integer", "minimum": 1, "maximum": 3}),
        ),
        q(
            "limit",
            "Page size, at most 10000.",
            json!({"type": "integer", "minimum": 0, "maximum": 10000}),
        ),
        q(
            "offset",
            "Items to skip.",
            json!({"type": "integer", "minimum": 0}),
        ),
        q(
            "sort",
            "distance, date (oldest first) or -date (newest first).",
            json!({"type": "string", "enum": ["distance", "date", "-date"]}),
        ),
        q(
            "properties",
            "all (default) or min: only id, type, date, place names and confidence.",
            json!({"type": "string", "enum": ["all", "min"]}),
        ),
    ]
}

fn area() -> Vec<Value> {
    vec![
        q(
            "bbox",
            "min_lon,min_lat,max_lon,max_lat (WGS84).",
            json!({"type": "string"}),
        ),
        q(
            "lat",
            "Centre latitude for a radius query.",
            json!({"type": "number", "minimum": -90, "maximum": 90}),
        ),
        q(
            "lon",
            "Centre longitude for a radius query.",
            json!({"type": "number", "minimum": -180, "maximum": 180}),
        ),
        q(
            "place",
            "Centre: a gazetteer place id or name («البوكمال», «Deir ez-Zor»).",
            json!({"type": "string"}),
        ),
        q(
            "radius_km",
            "Geodesic radius in km, (0, 20000].",
            json!({"type": "number", "exclusiveMinimum": 0, "maximum": 20000}),
        ),
    ]
}

fn geojson(description: &str) -> Value {
    json!({"200": {"description": description, "content": {"application/geo+json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Error"}})
}

fn op(summary: &str, params: Vec<Value>, responses: Value) -> Value {
    json!({"summary": summary, "parameters": params, "responses": responses})
}

/// The document.
pub fn spec() -> Value {
    let mut incident_params = filters();
    incident_params.extend(area());
    let ok_json = |d: &str| json!({"200": {"description": d, "content": {"application/json": {"schema": {"type": "object"}}}}});
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "Marsad API", "version": env!("CARGO_PKG_VERSION"), "description": "Incidents in eastern Syria extracted from Arabic news: GeoJSON, radius queries, downloads, OGC API - Features."},
        "servers": [{"url": "/"}],
        "paths": {
            "/healthz": {"get": op("Health check", vec![], ok_json("Status and counts"))},
            "/basemap/admin.geojson": {"get": op("Governorate and district boundaries for the offline basemap", vec![], geojson("Boundaries"))},
            "/api/v1/basemap/places.geojson": {"get": op("Label points for the basemap, with a rank", vec![], geojson("Places"))},
            "/api/v1/healthz": {"get": op("Health check", vec![], ok_json("Status and counts"))},
            "/api/v1/openapi.json": {"get": op("This document", vec![], ok_json("OpenAPI 3.0 document"))},
            "/api/v1/incidents": {"get": op("Incidents as a GeoJSON FeatureCollection (with numberMatched, numberReturned)", incident_params.clone(), geojson("Incidents"))},
            "/api/v1/incidents/near": {"get": op("Incidents within radius_km of lat,lon or a place, nearest first, with distance_km", incident_params.clone(), geojson("Incidents with distance_km"))},
            "/api/v1/incidents/{id}": {"get": op("One incident with all its sources and evidence", vec![path("id", "Incident id")], json!({"200": {"description": "A Feature", "content": {"application/geo+json": {}}}, "404": {"$ref": "#/components/responses/Error"}}))},
            "/api/v1/layers": {"get": op("Layers: one per event type, plus all and places, with titles, colours and counts", filters(), ok_json("Layers"))},
            "/api/v1/layers/{file}": {"get": op("A layer as a GeoJSON download: <id>.geojson", { let mut v = vec![path("file", "<layer id>.geojson")]; v.extend(incident_params.clone()); v }, geojson("The layer (Content-Disposition: attachment)"))},
            "/api/v1/export.csv": {"get": op("Incidents as ACLED-compatible CSV", incident_params.clone(), json!({"200": {"description": "CSV", "content": {"text/csv": {}}}, "400": {"$ref": "#/components/responses/Error"}}))},
            "/api/v1/export.geojson": {"get": op("Incidents as a GeoJSON download", incident_params.clone(), geojson("GeoJSON download"))},
            "/api/v1/places": {"get": op("Gazetteer search, Arabic or Latin, spelling-tolerant", vec![
                json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}, "description": "Name"}),
                q("near", "lat,lon: rank nearer places higher", json!({"type": "string"})),
                q("limit", "At most 100", json!({"type": "integer", "maximum": 100})),
            ], geojson("Places"))},
            "/api/v1/places/{id}": {"get": op("One gazetteer place", vec![path("id", "Place id (wof:…, gn:…, P-code, cur:…)")], geojson("A Feature"))},
            "/api/v1/articles": {"post": {
                "summary": "Submit an article: extracted, stored, indexed. Requires the bearer token.",
                "security": [{"bearer": []}],
                "parameters": [q("published", "Publication date (text/plain bodies, or to override)", json!({"type": "string", "format": "date"})), q("url", "Source address (text/plain)", json!({"type": "string"})), q("title", "Headline (text/plain)", json!({"type": "string"}))],
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"url": {"type": "string"}, "title": {"type": "string"}, "published": {"type": "string", "format": "date"}, "text": {"type": "string"}}}},
                    "text/plain": {"schema": {"type": "string"}}
                }},
                "responses": {"201": {"description": "Stored; the incidents extracted"}, "200": {"description": "Already stored; nothing changed"}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}
            }},
            "/ogc": {"get": op("OGC API - Features landing page", vec![], ok_json("Landing page"))},
            "/ogc/conformance": {"get": op("Conformance classes", vec![], ok_json("conformsTo"))},
            "/ogc/collections": {"get": op("Collections: incidents, places", vec![], ok_json("Collections"))},
            "/ogc/collections/{cid}": {"get": op("One collection", vec![path("cid", "incidents or places")], ok_json("Collection"))},
            "/ogc/collections/{cid}/items": {"get": op("Features of a collection", vec![
                path("cid", "incidents or places"),
                q("bbox", "min_lon,min_lat,max_lon,max_lat", json!({"type": "string"})),
                q("datetime", "Instant or interval (a/b, ../b, a/..)", json!({"type": "string"})),
                q("limit", "Page size, at most 10000", json!({"type": "integer", "maximum": 10000})),
                q("offset", "Items to skip", json!({"type": "integer"})),
            ], geojson("Features with links, numberMatched, numberReturned"))},
            "/ogc/collections/{cid}/items/{fid}": {"get": op("One feature", vec![path("cid", "incidents or places"), path("fid", "Feature id")], geojson("A Feature"))},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}}}}
        }
    });
    // Aggregates and tiles (one json! for the whole document would
    // exceed the macro recursion limit).
    doc["paths"]["/api/v1/stats/counts"] = json!({"get": op("How many incidents pass the filters in the area: in all, per type, undated", incident_params.clone(), ok_json("{total, undated, by_type}"))});
    doc["paths"]["/api/v1/stats/histogram"] = json!({"get": op("Dated incidents per day, week or month, each bin with counts per type", { let mut v = vec![q("bin", "day (default), week or month", json!({"type": "string", "enum": ["day", "week", "month"]}))]; v.extend(incident_params.clone()); v }, ok_json("{bin, bins: [{start, count, by_type}], undated}"))});
    doc["paths"]["/tiles/incidents.json"] = json!({"get": op("TileJSON 3.0 of the incident tiles; filters are carried into the tile URLs", filters(), ok_json("TileJSON"))});
    doc["paths"]["/tiles/incidents/{z}/{x}/{y}.mvt"] = json!({"get": op("A Mapbox Vector Tile of incidents (layers incidents and, below zoom 12, clusters), under the filters; ETag and If-None-Match", {
                let mut v = vec![path("z", "Zoom, 0–22"), path("x", "Column"), path("y", "Row")];
                v.extend(filters());
                v
            }, json!({"200": {"description": "The tile (empty when no incident falls in it)", "content": {"application/vnd.mapbox-vector-tile": {}}}, "304": {"description": "Not modified"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}))});
    doc
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(spec())
}
