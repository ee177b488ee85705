//! OGC API - Features, Part 1: Core, under `/ogc`, so QGIS and GDAL open
//! the server directly (`OAPIF:http://host/ogc`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use geojson::Feature;
use marsad_formats::{collection as feature_collection, incident_feature, place_feature};
use marsad_index::After;
use marsad_model::{BBox, DateRange, IncidentQuery, ReviewStatus};
use serde_json::{json, Map, Value};

use crate::api::records;
use crate::openapi::{
    CollectionParam, Conformance, ItemErrors, ItemQueryErrors, OgcApiDefinition, OgcCollections,
    OgcDocument, OgcFeature, OgcFormatParam, OgcItems, OgcItemsParams, Queryables, Unavailable,
};
use crate::query::{bbox, Area, Params, MAX_LIMIT, MAX_OFFSET};
use crate::response::base;
use crate::response::json_as;
use crate::{AppError, AppState};

/// A day, or a day and an RFC 3339 time.
macro_rules! instant {
    () => {
        concat!(
            "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
            "(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?"
        )
    };
}

/// What `datetime` takes: a day or an RFC 3339 date-time, or an interval
/// of two, either end open (`..` or nothing). The contract states this
/// pattern and the server checks it, so the two cannot differ.
pub(crate) const DATETIME_PATTERN: &str = concat!(
    "^(",
    instant!(),
    "|(\\.\\.|",
    instant!(),
    ")?/(\\.\\.|",
    instant!(),
    ")?)$"
);

/// A `datetime` value: malformed is a 400; shaped right but naming a day
/// that does not exist (`2024-02-30`) a 422.
fn datetime(v: &str) -> Result<DateRange, AppError> {
    static SHAPE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    // A JSON Schema pattern's `$` also matches before a final newline.
    let v = v.strip_suffix('\n').unwrap_or(v);
    let shaped = SHAPE
        .get_or_init(|| regex::Regex::new(DATETIME_PATTERN).expect("the pattern compiles"))
        .is_match(v);
    if !shaped {
        return Err(AppError::param(
            "datetime",
            format!("{v:?} is not a day, an RFC 3339 date-time, or an interval of them"),
        ));
    }
    v.parse()
        .map_err(|e: marsad_model::Error| AppError::unprocessable("invalid_date", "datetime", e))
}

/// The collections served.
pub(crate) const COLLECTIONS: [&str; 2] = ["incidents", "places"];

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

fn link(href: String, rel: &str, ty: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": ty, "title": title})
}

/// The OGC API - Features landing page.
#[utoipa::path(
    get,
    params(OgcFormatParam),
    path = "/ogc",
    operation_id = "getOgcLanding",
    tag = "ogc",
    responses((status = 200, description = "The landing page", body = OgcDocument), Unavailable)
)]
pub async fn landing(headers: HeaderMap) -> Response {
    let b = base(&headers);
    json_as(
        &json!({
            "title": "Marsad incidents",
            "description": "Incidents in eastern Syria extracted from Arabic news, and the gazetteer of places.",
            "links": [
                link(format!("{b}/ogc"), "self", "application/json", "This document"),
                link(format!("{b}/ogc/api"), "service-desc", OAS30, "This service's definition (OpenAPI 3.0, as GDAL and QGIS read it)"),
                link(format!("{b}/api/v1/openapi.json"), "service-desc", "application/vnd.oai.openapi+json;version=3.1", "The whole API's definition"),
                link(format!("{b}/ogc/conformance"), "conformance", "application/json", "Conformance classes"),
                link(format!("{b}/ogc/collections"), "data", "application/json", "Collections"),
            ]
        }),
        "application/json",
    )
}

/// The OGC conformance classes this API meets: Part 1 with its OpenAPI
/// 3.0 definition (`/ogc/api`), and Part 3's filters in CQL2-text. The
/// spatial class is named twice, as CQL2 1.0 names it and as QGIS, which
/// reads the draft's name, looks for it.
#[utoipa::path(
    get,
    params(OgcFormatParam),
    path = "/ogc/conformance",
    operation_id = "getOgcConformance",
    tag = "ogc",
    responses((status = 200, description = "The classes", body = Conformance), Unavailable)
)]
pub async fn conformance() -> Response {
    json_as(
        &json!({"conformsTo": [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
            "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
            "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-operators"
        ]}),
        "application/json",
    )
}

fn collection_doc(state: &AppState, b: &str, id: &str) -> Option<Value> {
    let (title, description, bbox, interval) = match id {
        "incidents" => {
            let extent = state.index.read().unwrap_or_else(|e| e.into_inner()).extent();
            let bbox = extent.map_or(vec![35.5, 32.0, 42.5, 37.5], |x| x.bbox.to_vec());
            let dates = extent.and_then(|x| x.dates);
            let interval = json!([[dates.map(|(d, _)| format!("{d}T00:00:00Z")), dates.map(|(_, d)| format!("{d}T23:59:59Z"))]]);
            ("Incidents", "Incidents extracted from Arabic news articles, one point per incident.", bbox, interval)
        }
        "places" => ("Places", "The gazetteer: settlements, admin units, fields, crossings, bases, rivers and regions.", vec![-180.0, -90.0, 180.0, 90.0], json!([[null, null]])),
        _ => return None,
    };
    let mut links = vec![
        link(
            format!("{b}/ogc/collections/{id}"),
            "self",
            "application/json",
            title,
        ),
        link(
            format!("{b}/ogc/collections/{id}/items"),
            "items",
            "application/geo+json",
            "Items",
        ),
    ];
    if id == "incidents" {
        let queryables = format!("{b}/ogc/collections/{id}/queryables");
        links.push(link(
            queryables.clone(),
            "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            "application/schema+json",
            "What a filter may ask",
        ));
        // GDAL before 3.13 looks for this name.
        links.push(link(
            queryables,
            "queryables",
            "application/json",
            "What a filter may ask",
        ));
        for (ext, ty, what) in DOWNLOADS {
            links.push(link(
                format!("{b}/api/v1/export.{ext}"),
                "enclosure",
                ty,
                what,
            ));
        }
    }
    Some(json!({
        "id": id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}, "temporal": {"interval": interval, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}},
        "links": links,
    }))
}

/// The whole incidents collection as files (each takes the API's filters).
const DOWNLOADS: [(&str, &str, &str); 4] = [
    ("geojson", "application/geo+json", "Every incident, GeoJSON"),
    (
        "parquet",
        "application/vnd.apache.parquet",
        "Every incident, GeoParquet",
    ),
    (
        "fgb",
        "application/flatgeobuf",
        "Every incident, FlatGeobuf (with its spatial index; byte ranges)",
    ),
    ("csv", "text/csv", "Every incident, ACLED-style CSV"),
];

/// OpenAPI 3.0's media type, as GDAL asks for it.
const OAS30: &str = "application/vnd.oai.openapi+json;version=3.0";

/// What a filter on incidents may ask: the attributes the index holds.
/// As a JSON Schema (Part 3), and as the `queryables` list GDAL before
/// 3.13 reads; `application/schema+json` when the client asks for it
/// (QGIS), `application/json` otherwise (GDAL refuses other types).
#[utoipa::path(
    get,
    path = "/ogc/collections/{cid}/queryables",
    operation_id = "getOgcQueryables",
    tag = "ogc",
    params(OgcFormatParam, CollectionParam),
    responses(
        (status = 200, description = "The queryables, as a JSON Schema", content(
            (Queryables = "application/schema+json"),
            (Queryables = "application/json"),
        )),
        ItemErrors,
    )
)]
pub async fn queryables(headers: HeaderMap, Path(cid): Path<String>) -> Result<Response, AppError> {
    let b = base(&headers);
    let properties = match cid.as_str() {
        "incidents" => {
            let types: Vec<&str> = marsad_model::EventType::ALL
                .iter()
                .map(|t| t.as_str())
                .collect();
            let statuses: Vec<&str> = ReviewStatus::ALL.iter().map(|s| s.as_str()).collect();
            json!({
                "geometry": {"title": "Where", "format": "geometry-point", "x-ogc-role": "primary-geometry"},
                "type": {"title": "Event type", "type": "string", "enum": types},
                "date": {"title": "Day it happened (absent: undated)", "type": "string", "format": "date"},
                "confidence": {"title": "Confidence", "type": "number", "minimum": 0, "maximum": 1},
                "geo_precision": {"title": "ACLED geo precision", "type": "integer", "enum": [1, 2, 3]},
                "status": {"title": "Review status", "type": "string", "enum": statuses},
            })
        }
        "places" => json!({}),
        _ => {
            return Err(AppError::NotFound(format!(
                "no collection {cid:?}; see /ogc/collections"
            )))
        }
    };
    let list: Vec<Value> = properties
        .as_object()
        .map(|m| m.keys().map(|k| json!({"id": k})).collect())
        .unwrap_or_default();
    let doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{b}/ogc/collections/{cid}/queryables"),
        "type": "object",
        "title": cid,
        "properties": properties,
        "additionalProperties": false,
        "queryables": list,
    });
    let schema = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/schema+json"));
    Ok(json_as(
        &doc,
        if schema {
            "application/schema+json"
        } else {
            "application/json"
        },
    ))
}

/// This service's definition in OpenAPI 3.0, relative to `/ogc`: what
/// GDAL's and QGIS's readers look for to choose a page size (the `limit`
/// parameter, by reference, with its default and maximum) and to send
/// filters (`filter-lang` offering `cql-text`, GDAL's name).
#[utoipa::path(
    get,
    path = "/ogc/api",
    operation_id = "getOgcApi",
    tag = "ogc",
    params(OgcFormatParam),
    responses((status = 200, description = "The definition (served as `;version=3.0` of this type)", body = OgcApiDefinition,
        content_type = "application/vnd.oai.openapi+json"), Unavailable)
)]
pub async fn api(headers: HeaderMap) -> Response {
    let b = base(&headers);
    let param = |name: &str| json!({"$ref": format!("#/components/parameters/{name}")});
    let items = |names: &[&str], summary: &str| {
        let parameters: Vec<Value> = names.iter().map(|n| param(n)).collect();
        json!({"get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "A page of features", "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                "400": {"description": "A malformed parameter or filter"},
            }
        }})
    };
    let incident_params = [
        "limit",
        "offset",
        "bbox",
        "datetime",
        "status",
        "filter",
        "filter-lang",
        "cursor",
    ];
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "Marsad: OGC API - Features", "version": env!("CARGO_PKG_VERSION")},
        "servers": [{"url": format!("{b}/ogc")}],
        "paths": {
            "/": {"get": {"summary": "Landing page", "responses": {"200": {"description": "The landing page"}}}},
            "/conformance": {"get": {"summary": "Conformance classes", "responses": {"200": {"description": "The classes"}}}},
            "/collections": {"get": {"summary": "Collections", "responses": {"200": {"description": "The collections"}}}},
            "/collections/incidents/items": items(&incident_params, "Incidents"),
            "/collections/places/items": items(&["limit", "offset", "bbox"], "Gazetteer places"),
            "/collections/incidents/queryables": {"get": {"summary": "What a filter may ask", "responses": {"200": {"description": "A JSON Schema"}}}},
        },
        "components": {"parameters": {
            "limit": {"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
                "description": "Page size; the page's next link asks twice it, up to 1,000",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": 100}},
            "offset": {"name": "offset", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}},
            "bbox": {"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}},
            "datetime": {"name": "datetime", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "string"}},
            "status": {"name": "status", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "string", "enum": ["unreviewed", "verified", "rejected"]}},
            "filter": {"name": "filter", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "string"}},
            "filter-lang": {"name": "filter-lang", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "string", "enum": ["cql2-text", "cql-text"], "default": "cql2-text"}},
            "cursor": {"name": "cursor", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "string"}},
        }},
    });
    json_as(&doc, OAS30)
}

/// The collections: incidents and places.
#[utoipa::path(
    get,
    params(OgcFormatParam),
    path = "/ogc/collections",
    operation_id = "getOgcCollections",
    tag = "ogc",
    responses((status = 200, description = "The collections", body = OgcCollections), Unavailable)
)]
pub async fn collections(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let b = base(&headers);
    let cols: Vec<Value> = COLLECTIONS
        .iter()
        .filter_map(|id| collection_doc(&state, &b, id))
        .collect();
    json_as(
        &json!({"links": [link(format!("{b}/ogc/collections"), "self", "application/json", "Collections")], "collections": cols}),
        "application/json",
    )
}

async fn collection_meta(
    state: &AppState,
    headers: &HeaderMap,
    cid: &str,
) -> Result<Response, AppError> {
    let b = base(headers);
    collection_doc(state, &b, cid)
        .map(|v| json_as(&v, "application/json"))
        .ok_or_else(|| AppError::NotFound(format!("no collection {cid:?}; see /ogc/collections")))
}

/// One collection: its extent and links.
#[utoipa::path(
    get,
    path = "/ogc/collections/{cid}",
    operation_id = "getOgcCollection",
    tag = "ogc",
    params(OgcFormatParam, CollectionParam),
    responses((status = 200, description = "The collection", body = OgcDocument), ItemErrors)
)]
pub async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
) -> Result<Response, AppError> {
    collection_meta(&state, &headers, &cid).await
}

/// A page of a collection's features, in a box and (incidents) a time
/// interval, with `next` and `prev` links.
#[utoipa::path(
    get,
    path = "/ogc/collections/{cid}/items",
    operation_id = "getOgcItems",
    tag = "ogc",
    params(OgcFormatParam, CollectionParam, OgcItemsParams),
    responses(
        (status = 200, description = "The features", body = OgcItems, content_type = "application/geo+json"),
        ItemQueryErrors,
    )
)]
pub async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
    p: Params,
) -> Result<Response, AppError> {
    let limit = p.count("limit", MAX_LIMIT)?.unwrap_or(100);
    let offset = p.count("offset", MAX_OFFSET)?.unwrap_or(0);
    let bbox = p.get("bbox").map(|v| bbox(v, true)).transpose()?;
    // Checked for every collection; places have no time, review or
    // queryables and ignore the first two.
    let dates = p.text("datetime")?.map(datetime).transpose()?;
    let statuses = p.filters()?.statuses;
    let condition = filter(&p)?;
    let cursor = p.text("cursor")?.map(Cursor::parse).transpose()?;
    let base = format!("{}/ogc/collections/{cid}/items", base(&headers));
    let page = match cid.as_str() {
        "incidents" => {
            let query = IncidentQuery {
                dates: dates.unwrap_or_default(),
                statuses,
                condition: condition.map(std::sync::Arc::new),
                ..IncidentQuery::default()
            };
            let start = match &cursor {
                Some(c) => Start::After(c.0.clone()),
                None => Start::Offset(offset),
            };
            incidents_page(&state, bbox, query, start, limit).await?
        }
        "places" => {
            if condition.is_some() || cursor.is_some() {
                return Err(AppError::param(
                    if cursor.is_some() { "cursor" } else { "filter" },
                    "places take neither filters nor cursors; see /ogc/collections/places/queryables",
                ));
            }
            let (features, matched) = places_page(&state, bbox, limit, offset);
            ItemsPage {
                features,
                matched,
                offset,
                next: None,
            }
        }
        _ => {
            return Err(AppError::NotFound(format!(
                "no collection {cid:?}; see /ogc/collections"
            )))
        }
    };
    let links = PageLinks {
        base,
        keep: kept_params(&p),
        limit,
        offset: page.offset,
        returned: page.features.len(),
        matched: page.matched,
        next: page.next,
        keyset: cursor.is_some(),
    }
    .links();
    let (features, matched) = (page.features, page.matched);
    let mut m = Map::new();
    m.insert("numberMatched".into(), json!(matched));
    m.insert("numberReturned".into(), json!(features.len()));
    m.insert(
        "timeStamp".into(),
        json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
    m.insert("links".into(), Value::Array(links));
    Ok(json_as(
        &feature_collection(features, m),
        "application/geo+json",
    ))
}

/// The longest `filter` taken, in characters: percent-encoded, the longest
/// is about 48 KB, within what the HTTP server takes as a request line.
pub(crate) const MAX_FILTER: usize = 4096;

/// The `filter` of a request, in the language `filter-lang` names:
/// CQL2-text (`cql-text`, as GDAL names it, is read as CQL2-text). A
/// filter that does not parse is a 400 that says where.
fn filter(p: &Params) -> Result<Option<marsad_model::Condition>, AppError> {
    match p.text("filter-lang")? {
        None | Some("cql2-text" | "cql-text") => {}
        Some(other) => {
            return Err(AppError::param(
                "filter-lang",
                format!("{other:?} is not one this server reads (cql2-text)"),
            ))
        }
    }
    let Some(text) = p.text("filter")? else {
        return Ok(None);
    };
    if text.chars().count() > MAX_FILTER {
        return Err(AppError::param(
            "filter",
            format!("is longer than {MAX_FILTER} characters"),
        ));
    }
    marsad_filter::parse(text)
        .map(Some)
        .map_err(|e| AppError::param("filter", e))
}

/// Where a page starts in the selection.
enum Start {
    /// After the incident a `next` link named.
    After(After),
    /// At an offset.
    Offset(usize),
}

/// What a `cursor` looks like.
pub(crate) const CURSOR_PATTERN: &str = "^(none|[0-9]{4}-[0-9]{2}-[0-9]{2})~.+$";

/// A `cursor`: where the previous page ended, as `DAY~ID` (`none` for an
/// undated incident).
struct Cursor(After);

impl Cursor {
    fn parse(v: &str) -> Result<Self, AppError> {
        let bad = || AppError::param("cursor", format!("{v:?} is not a cursor from a next link"));
        let (day, id) = v.split_once('~').ok_or_else(bad)?;
        let date = match day {
            "none" => None,
            d => Some(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?),
        };
        if id.is_empty() {
            return Err(bad());
        }
        Ok(Cursor(After {
            date,
            id: id.to_string(),
        }))
    }

    fn write(after: &After) -> String {
        let day = after.date.map_or("none".to_string(), |d| d.to_string());
        format!("{day}~{}", after.id)
    }
}

/// A page of items: the features, how many matched, its offset in the
/// selection and where the next starts (incidents only).
struct ItemsPage {
    features: Vec<Feature>,
    matched: usize,
    offset: usize,
    next: Option<After>,
}

/// A page of the incidents `query` selects in `bbox`, newest first. The
/// selection (4 bytes an incident) is kept for the index generation, so
/// a client walking every page (GDAL, QGIS) pays for it once; each page
/// then costs a binary search for its start and the reads of its own
/// records, however deep it is.
async fn incidents_page(
    state: &AppState,
    bbox: Option<BBox>,
    query: IncidentQuery,
    start: Start,
    limit: usize,
) -> Result<ItemsPage, AppError> {
    let area = bbox.map_or(Area::All, Area::Bbox);
    let key = format!("{area:?} {query:?}");
    let (_, selected) = state
        .cached(&state.selections, key, move |ix| {
            Ok(std::sync::Arc::new(ix.select(
                area.region(),
                &query,
                marsad_model::Sort::DateDesc,
            )))
        })
        .await?;
    let st = state.clone();
    let (hits, offset, next) = tokio::task::spawn_blocking(move || {
        let ix = st.index.read().unwrap_or_else(|e| e.into_inner());
        let from = match &start {
            Start::After(after) => selected.position_after(&ix, after),
            Start::Offset(n) => Some((*n).min(selected.len())),
        }
        .ok_or_else(rebuilt)?;
        let end = from.saturating_add(limit).min(selected.len());
        let hits = selected.hits(&ix, from..end).ok_or_else(rebuilt)?;
        let next = (end < selected.len() && end > from)
            .then(|| selected.after_at(&ix, end - 1))
            .flatten();
        Ok::<_, AppError>((
            marsad_index::Page {
                total: selected.len(),
                hits,
            },
            from,
            next,
        ))
    })
    .await??;
    let features = records(state, &hits)
        .await?
        .iter()
        .map(|(r, _)| incident_feature(r, None))
        .collect();
    Ok(ItemsPage {
        features,
        matched: hits.total,
        offset,
        next,
    })
}

/// The index was rebuilt between keeping a selection and reading it (the
/// database was lost and found again): rare, and the next request works.
fn rebuilt() -> AppError {
    AppError::Internal("the index was rebuilt during the request".into())
}

fn places_page(
    state: &AppState,
    bbox: Option<BBox>,
    limit: usize,
    offset: usize,
) -> (Vec<Feature>, usize) {
    let inside: Vec<&marsad_gazetteer::Place> = state
        .gaz
        .places()
        .iter()
        .filter(|pl| bbox.is_none_or(|b| b.contains(pl.lat, pl.lon)))
        .collect();
    let features = inside
        .iter()
        .skip(offset)
        .take(limit)
        .map(|pl| place_feature(pl, None))
        .collect();
    (features, inside.len())
}

/// `&bbox=…&datetime=…&filter=…` as asked, for the paging links.
fn kept_params(p: &Params) -> String {
    ["bbox", "datetime", "status", "filter", "filter-lang"]
        .iter()
        .flat_map(|k| p.all(k).map(move |v| (k, v)))
        .map(|(k, v)| {
            format!(
                "&{k}={}",
                form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect()
}

/// Where a page of items sits: its `self`, `next` and `prev` links.
struct PageLinks {
    base: String,
    keep: String,
    limit: usize,
    offset: usize,
    returned: usize,
    matched: usize,
    /// Where the next page starts, in a keyset (incidents).
    next: Option<After>,
    /// Whether this page was asked for with a cursor (it has no offset to
    /// go back from).
    keyset: bool,
}

/// The page size a walk grows to along its `next` links.
pub(crate) const WALK_PAGE: usize = 1000;

/// The page size of the `next` link after a page of `limit`: twice it, up
/// to [`WALK_PAGE`], never less than it. A client that walks a collection
/// by its `next` links (GDAL, QGIS, a script) wants the whole of it, and
/// GDAL 3.6 asks 10 a page whatever the service says: at 10 a page its
/// own cost per page makes a million take 99,177 requests. Pages grow as
/// the walk goes on, so a short look stays short; OGC API - Features
/// bounds each response by its own `limit`, which the link carries. A
/// client that wants fixed pages asks for them with `limit` and `cursor`
/// (or `offset`), as `self` and `prev` keep the size asked.
fn walk_limit(limit: usize) -> usize {
    limit.saturating_mul(2).min(WALK_PAGE).max(limit)
}

impl PageLinks {
    fn links(&self) -> Vec<Value> {
        let sized = |limit: usize, place: String, rel: &str, title: &str| {
            link(
                format!("{}?limit={limit}{place}{}", self.base, self.keep),
                rel,
                "application/geo+json",
                title,
            )
        };
        let at = |place: String, rel: &str, title: &str| sized(self.limit, place, rel, title);
        let next = |place: String| sized(walk_limit(self.limit), place, "next", "Next page");
        let offset = |n: usize| format!("&offset={n}");
        let mut links = vec![at(
            if self.keyset {
                String::new()
            } else {
                offset(self.offset)
            },
            "self",
            "This page",
        )];
        if let Some(after) = &self.next {
            let cursor = form_urlencoded::byte_serialize(Cursor::write(after).as_bytes())
                .collect::<String>();
            links.push(next(format!("&cursor={cursor}")));
        } else if self.offset + self.returned < self.matched && !self.keyset {
            links.push(next(offset(self.offset + self.returned)));
        }
        if self.offset > 0 && !self.keyset {
            links.push(at(
                offset(self.offset.saturating_sub(self.limit)),
                "prev",
                "Previous page",
            ));
        }
        links
    }
}

/// One feature of a collection, with its links.
#[utoipa::path(
    get,
    path = "/ogc/collections/{cid}/items/{fid}",
    operation_id = "getOgcItem",
    tag = "ogc",
    params(
        OgcFormatParam,
        CollectionParam,
        ("fid" = String, Path, description = "The feature's id"),
    ),
    responses((status = 200, description = "The feature", body = OgcFeature, content_type = "application/geo+json"), ItemErrors)
)]
pub async fn item(
    State(state): State<AppState>,
    headers: HeaderMap,
    public: Option<axum::Extension<crate::contract::PublicOnly>>,
    Path((cid, fid)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let b = base(&headers);
    let mut f = match cid.as_str() {
        "incidents" => {
            let id = fid.clone();
            let rec = state.read(move |s| s.incident(&id)).await?;
            let shown = rec.filter(|r| public.is_none() || r.status == ReviewStatus::Verified);
            incident_feature(
                &shown.ok_or_else(|| AppError::NotFound(format!("no incident {fid:?}")))?,
                None,
            )
        }
        "places" => place_feature(
            state.gaz.place(
                state
                    .gaz
                    .by_id(&fid)
                    .ok_or_else(|| AppError::NotFound(format!("no place {fid:?}")))?,
            ),
            None,
        ),
        _ => return Err(AppError::NotFound(format!("no collection {cid:?}"))),
    };
    let mut m = Map::new();
    m.insert(
        "links".into(),
        json!([
            link(
                format!("{b}/ogc/collections/{cid}/items/{fid}"),
                "self",
                "application/geo+json",
                "This feature"
            ),
            link(
                format!("{b}/ogc/collections/{cid}"),
                "collection",
                "application/json",
                "The collection"
            ),
        ]),
    );
    f.foreign_members = Some(m);
    Ok(json_as(&f, "application/geo+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_doubles_its_pages_up_to_the_walk_page_and_never_shrinks_one() {
        let sizes: Vec<usize> = [0, 1, 3, 10, 499, 500, 600, WALK_PAGE, 5000, MAX_LIMIT]
            .into_iter()
            .map(walk_limit)
            .collect();
        assert_eq!(sizes, [0, 2, 6, 20, 998, 1000, 1000, 1000, 5000, MAX_LIMIT]);
    }
}
