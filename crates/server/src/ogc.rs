//! OGC API - Features, Part 1: Core, under `/ogc`, so QGIS and GDAL open
//! the server directly (`OAPIF:http://host/ogc`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use geojson::Feature;
use marsad_formats::{collection as feature_collection, incident_feature, place_feature};
use marsad_model::{BBox, DateRange, IncidentQuery, ReviewStatus};
use serde_json::{json, Map, Value};

use crate::api::records;
use crate::openapi::{
    CollectionParam, Conformance, ItemErrors, ItemQueryErrors, OgcCollections, OgcDocument,
    OgcFeature, OgcFormatParam, OgcItems, OgcItemsParams, Unavailable,
};
use crate::query::{bbox, Area, Params, Selection, MAX_LIMIT, MAX_OFFSET};
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
                link(format!("{b}/api/v1/openapi.json"), "service-desc", "application/vnd.oai.openapi+json;version=3.1", "The API definition"),
                link(format!("{b}/ogc/conformance"), "conformance", "application/json", "Conformance classes"),
                link(format!("{b}/ogc/collections"), "data", "application/json", "Collections"),
            ]
        }),
        "application/json",
    )
}

/// The OGC conformance classes this API meets (its OpenAPI document is
/// 3.1, so it does not claim OGC's `oas30` class).
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
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
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
    let _ = state;
    Some(json!({
        "id": id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}, "temporal": {"interval": interval, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}},
        "links": [
            link(format!("{b}/ogc/collections/{id}"), "self", "application/json", title),
            link(format!("{b}/ogc/collections/{id}/items"), "items", "application/geo+json", "Items"),
        ]
    }))
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
    // Checked for every collection; places have no time or review and
    // ignore them.
    let dates = p.text("datetime")?.map(datetime).transpose()?;
    let statuses = p.filters()?.statuses;
    let (features, matched) = match cid.as_str() {
        "incidents" => {
            let query = IncidentQuery {
                dates: dates.unwrap_or_default(),
                statuses,
                ..IncidentQuery::default()
            };
            incidents_page(&state, bbox, query, limit, offset).await?
        }
        "places" => places_page(&state, bbox, limit, offset),
        _ => {
            return Err(AppError::NotFound(format!(
                "no collection {cid:?}; see /ogc/collections"
            )))
        }
    };
    let returned = features.len();
    let mut m = Map::new();
    m.insert("numberMatched".into(), json!(matched));
    m.insert("numberReturned".into(), json!(returned));
    m.insert(
        "timeStamp".into(),
        json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
    let page = PageLinks {
        base: format!("{}/ogc/collections/{cid}/items", base(&headers)),
        keep: kept_params(&p),
        limit,
        offset,
        returned,
        matched,
    };
    m.insert("links".into(), Value::Array(page.links()));
    Ok(json_as(
        &feature_collection(features, m),
        "application/geo+json",
    ))
}

async fn incidents_page(
    state: &AppState,
    bbox: Option<BBox>,
    query: IncidentQuery,
    limit: usize,
    offset: usize,
) -> Result<(Vec<Feature>, usize), AppError> {
    let sel = Selection {
        query,
        limit: Some(limit),
        offset,
        ..Selection::default()
    };
    let (page, _) = sel.run(state, bbox.map_or(Area::All, Area::Bbox), limit);
    let features = records(state, &page)
        .await?
        .iter()
        .map(|(r, _)| incident_feature(r, None))
        .collect();
    Ok((features, page.total))
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

/// `&bbox=…&datetime=…` as asked, for the paging links.
fn kept_params(p: &Params) -> String {
    ["bbox", "datetime", "status"]
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
}

impl PageLinks {
    fn links(&self) -> Vec<Value> {
        let at = |offset: usize, rel: &str, title: &str| {
            link(
                format!(
                    "{}?limit={}&offset={offset}{}",
                    self.base, self.limit, self.keep
                ),
                rel,
                "application/geo+json",
                title,
            )
        };
        let mut links = vec![at(self.offset, "self", "This page")];
        if self.offset + self.returned < self.matched {
            links.push(at(self.offset + self.returned, "next", "Next page"));
        }
        if self.offset > 0 {
            links.push(at(
                self.offset.saturating_sub(self.limit),
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
