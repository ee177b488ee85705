//! OGC API - Features, Part 1: Core, under `/ogc`, so QGIS and GDAL open
//! the server directly (`OAPIF:http://host/ogc`).

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use marsad_index::Filter;
use serde_json::{json, Map, Value};

use crate::features::{collection as feature_collection, incident_feature, place_feature};
use crate::handlers::{records, select, Area};
use crate::params::{parse_date, Params, MAX_LIMIT};
use crate::{AppError, AppState};

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// Base URL of the request («http://127.0.0.1:8080»), from the Host header.
fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{proto}://{host}")
}

fn json_response(v: Value, ctype: &'static str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, ctype)],
        v.to_string(),
    )
        .into_response()
}

fn link(href: String, rel: &str, ty: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": ty, "title": title})
}

/// `GET /ogc`: the landing page.
pub async fn landing(headers: HeaderMap) -> Response {
    let b = base(&headers);
    json_response(
        json!({
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
    json_response(
        json!({"conformsTo": [
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
            let ix = state.index.read().unwrap_or_else(|e| e.into_inner());
            let all = ix.all(&Filter::default(), marsad_index::Sort::DateAsc, usize::MAX, 0);
            let pts: Vec<_> = all.hits.iter().filter_map(|h| ix.get(&h.id)).collect();
            let bbox = if pts.is_empty() {
                vec![35.5, 32.0, 42.5, 37.5]
            } else {
                let f = |g: fn(&marsad_index::IncidentPoint) -> f64, min: bool| pts.iter().map(|p| g(p)).fold(if min { f64::MAX } else { f64::MIN }, if min { f64::min } else { f64::max });
                vec![f(|p| p.lon, true), f(|p| p.lat, true), f(|p| p.lon, false), f(|p| p.lat, false)]
            };
            let dates: Vec<NaiveDate> = pts.iter().filter_map(|p| p.date).collect();
            let interval = json!([[dates.iter().min().map(|d| format!("{d}T00:00:00Z")), dates.iter().max().map(|d| format!("{d}T23:59:59Z"))]]);
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
    json_response(
        json!({"links": [link(format!("{b}/ogc/collections"), "self", "application/json", "Collections")], "collections": cols}),
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
        .map(|v| json_response(v, "application/json"))
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

/// OGC `datetime`: an instant, or an interval `a/b` with open ends `..`.
fn datetime(p: &Params) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
    let Some(v) = p.get("datetime") else {
        return Ok((None, None));
    };
    let one = |s: &str| -> Result<Option<NaiveDate>, AppError> {
        match s.trim() {
            "" | ".." => Ok(None),
            x => parse_date(x).map(Some).ok_or_else(|| {
                AppError::param(
                    "datetime",
                    format!("{x:?} is not an RFC 3339 date or date-time"),
                )
            }),
        }
    };
    match v.split_once('/') {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            if let (Some(x), Some(y)) = (a, b) {
                if x > y {
                    return Err(AppError::param(
                        "datetime",
                        "the interval ends before it starts",
                    ));
                }
            }
            Ok((a, b))
        }
        None => {
            let d = one(v)?;
            Ok((d, d))
        }
    }
}

/// `GET /ogc/collections/{cid}/items?bbox&datetime&limit&offset`.
pub async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(cid): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let p = Params::parse(q.as_deref());
    let b = base(&headers);
    let limit = p.usize_max("limit", 100, MAX_LIMIT)?;
    let offset = p.usize_max("offset", 0, usize::MAX)?;
    let bbox = p.bbox("bbox")?;
    let (features, matched) = match cid.as_str() {
        "incidents" => {
            let (since, until) = datetime(&p)?;
            let mut query = format!("limit={limit}&offset={offset}");
            if let Some(s) = since {
                query.push_str(&format!("&since={s}"));
            }
            if let Some(u) = until {
                query.push_str(&format!("&until={u}"));
            }
            let qp = Params::parse(Some(&query));
            let area = bbox.map(Area::Bbox).unwrap_or(Area::All);
            let (page, _, _) = select(&state, &qp, &area, limit)?;
            let recs = records(&state, &page).await?;
            (
                recs.iter()
                    .map(|(r, _)| incident_feature(r, None))
                    .collect::<Vec<_>>(),
                page.total,
            )
        }
        "places" => {
            let inside = |pl: &marsad_gazetteer::Place| {
                bbox.is_none_or(|[w, s, e, n]| {
                    pl.lat >= s
                        && pl.lat <= n
                        && if w <= e {
                            pl.lon >= w && pl.lon <= e
                        } else {
                            pl.lon >= w || pl.lon <= e
                        }
                })
            };
            let all: Vec<&marsad_gazetteer::Place> =
                state.gaz.places().iter().filter(|pl| inside(pl)).collect();
            (
                all.iter()
                    .skip(offset)
                    .take(limit)
                    .map(|pl| place_feature(pl, None))
                    .collect(),
                all.len(),
            )
        }
        _ => {
            return Err(AppError::NotFound(format!(
                "no collection {cid:?}; see /ogc/collections"
            )))
        }
    };
    let returned = features.len();
    let keep: Vec<String> = ["bbox", "datetime"]
        .iter()
        .filter_map(|k| {
            p.get(k).map(|v| {
                format!(
                    "&{k}={}",
                    form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
        })
        .collect();
    let extra = keep.concat();
    let mut links = vec![link(
        format!("{b}/ogc/collections/{cid}/items?limit={limit}&offset={offset}{extra}"),
        "self",
        "application/geo+json",
        "This page",
    )];
    if offset + returned < matched {
        links.push(link(
            format!(
                "{b}/ogc/collections/{cid}/items?limit={limit}&offset={}{extra}",
                offset + returned
            ),
            "next",
            "application/geo+json",
            "Next page",
        ));
    }
    if offset > 0 {
        links.push(link(
            format!(
                "{b}/ogc/collections/{cid}/items?limit={limit}&offset={}{extra}",
                offset.saturating_sub(limit)
            ),
            "prev",
            "application/geo+json",
            "Previous page",
        ));
    }
    let mut m = Map::new();
    m.insert("numberMatched".into(), json!(matched));
    m.insert("numberReturned".into(), json!(returned));
    m.insert(
        "timeStamp".into(),
        json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
    m.insert("links".into(), Value::Array(links));
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/geo+json")],
        feature_collection(features, m).to_string(),
    )
        .into_response())
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
            let reader = state.reader.clone();
            let id = fid.clone();
            let rec = tokio::task::spawn_blocking(move || {
                reader
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .incident(&id)
            })
            .await??;
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
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/geo+json")],
        serde_json::to_string(&f).unwrap_or_default(),
    )
        .into_response())
}
