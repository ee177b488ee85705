//! OGC API - Features, Part 1: Core, under `/ogc`, so QGIS and GDAL open
//! the server directly (`OAPIF:http://host/ogc`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use geojson::Feature;
use marsad_formats::{collection as feature_collection, incident_feature, place_feature};
use marsad_model::{BBox, DateRange, IncidentQuery};
use serde_json::{json, Map, Value};

use crate::api::records;
use crate::query::{Area, Params, Selection, MAX_LIMIT};
use crate::response::base;
use crate::response::json_as;
use crate::{AppError, AppState};

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

fn link(href: String, rel: &str, ty: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": ty, "title": title})
}

/// `GET /ogc`: the landing page.
pub async fn landing(headers: HeaderMap) -> Response {
    let b = base(&headers);
    json_as(
        &json!({
            "title": "Marsad incidents",
            "description": "Incidents in eastern Syria extracted from Arabic news, and the gazetteer of places.",
            "links": [
                link(format!("{b}/ogc"), "self", "application/json", "This document"),
                link(format!("{b}/api/v1/openapi.json"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition"),
                link(format!("{b}/ogc/conformance"), "conformance", "application/json", "Conformance classes"),
                link(format!("{b}/ogc/collections"), "data", "application/json", "Collections"),
            ]
        }),
        "application/json",
    )
}

/// `GET /ogc/conformance`.
pub async fn conformance() -> Response {
    json_as(
        &json!({"conformsTo": [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
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

/// `GET /ogc/collections`.
pub async fn collections(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let b = base(&headers);
    let cols: Vec<Value> = ["incidents", "places"]
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

/// `GET /ogc/collections/{cid}`.
pub async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
) -> Result<Response, AppError> {
    collection_meta(&state, &headers, &cid).await
}

/// `GET /ogc/collections/{cid}/items?bbox&datetime&limit&offset`.
pub async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
    p: Params,
) -> Result<Response, AppError> {
    let limit = p.count("limit", MAX_LIMIT)?.unwrap_or(100);
    let offset = p.count("offset", usize::MAX)?.unwrap_or(0);
    let bbox = p.typed::<BBox>("bbox")?;
    let (features, matched) = match cid.as_str() {
        "incidents" => {
            let dates = p.typed::<DateRange>("datetime")?.unwrap_or_default();
            incidents_page(&state, bbox, dates, limit, offset).await?
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
    dates: DateRange,
    limit: usize,
    offset: usize,
) -> Result<(Vec<Feature>, usize), AppError> {
    let sel = Selection {
        query: IncidentQuery {
            dates,
            ..IncidentQuery::default()
        },
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
    ["bbox", "datetime"]
        .iter()
        .filter_map(|k| {
            p.get(k).map(|v| {
                format!(
                    "&{k}={}",
                    form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
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

/// `GET /ogc/collections/{cid}/items/{fid}`.
pub async fn item(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((cid, fid)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let b = base(&headers);
    let mut f = match cid.as_str() {
        "incidents" => {
            let id = fid.clone();
            let rec = state.read(move |s| s.incident(&id)).await?;
            incident_feature(
                &rec.ok_or_else(|| AppError::NotFound(format!("no incident {fid:?}")))?,
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
