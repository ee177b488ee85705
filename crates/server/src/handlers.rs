//! Thin handlers: parse, call the library crates, shape the response.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_extract::Article;
use marsad_index::{Page, Sort};
use marsad_store::IncidentRecord;
use serde_json::{json, Map, Value};

use crate::features::{collection, incident_feature, place_feature, LAYERS};
use crate::params::{Params, MAX_LIMIT, MAX_RADIUS_KM};
use crate::{AppError, AppState};

/// What part of the map a query covers.
pub(crate) enum Area {
    Radius { lat: f64, lon: f64, km: f64 },
    Bbox([f64; 4]),
    All,
}

/// Reads `lat`/`lon` or `place`, `radius_km`, or `bbox`.
pub(crate) fn area(state: &AppState, p: &Params, radius_required: bool) -> Result<Area, AppError> {
    let lat = p.f64_in("lat", -90.0, 90.0)?;
    let lon = p.f64_in("lon", -180.0, 180.0)?;
    let centre = match (lat, lon, p.get("place")) {
        (Some(lat), Some(lon), _) => Some((lat, lon)),
        (Some(_), None, _) => return Err(AppError::param("lon", "is required with lat")),
        (None, Some(_), _) => return Err(AppError::param("lat", "is required with lon")),
        (None, None, Some(name)) => {
            let i = state.gaz.lookup_name(name).ok_or_else(|| {
                AppError::param(
                    "place",
                    format!("no place called {name:?} in the gazetteer (see /api/v1/places?q=)"),
                )
            })?;
            let pl = state.gaz.place(i);
            Some((pl.lat, pl.lon))
        }
        (None, None, None) => None,
    };
    let radius = match p.get("radius_km") {
        Some(v) => {
            let r: f64 = v
                .trim()
                .parse()
                .map_err(|_| AppError::param("radius_km", format!("{v:?} is not a number")))?;
            if !r.is_finite() || r <= 0.0 || r > MAX_RADIUS_KM {
                return Err(AppError::param(
                    "radius_km",
                    format!("{r} is out of range (0, {MAX_RADIUS_KM}]"),
                ));
            }
            Some(r)
        }
        None => None,
    };
    match (centre, radius) {
        (Some((lat, lon)), Some(km)) => Ok(Area::Radius { lat, lon, km }),
        (Some((lat, lon)), None) if !radius_required => Ok(Area::Radius { lat, lon, km: 25.0 }),
        (Some(_), None) => Err(AppError::param("radius_km", "is required")),
        (None, Some(_)) => Err(AppError::param(
            "lat",
            "lat and lon, or place, are required with radius_km",
        )),
        (None, None) if radius_required => Err(AppError::param(
            "lat",
            "lat and lon, or place, are required",
        )),
        (None, None) => Ok(p.bbox("bbox")?.map(Area::Bbox).unwrap_or(Area::All)),
    }
}

/// Runs a query on the index.
pub(crate) fn select(
    state: &AppState,
    p: &Params,
    area: &Area,
    default_limit: usize,
) -> Result<(Page, usize, usize), AppError> {
    let filter = p.filter()?;
    let limit = p.usize_max("limit", default_limit, MAX_LIMIT)?;
    let offset = p.usize_max("offset", 0, usize::MAX)?;
    let ix = state.index.read().unwrap_or_else(|e| e.into_inner());
    let page = match *area {
        Area::Radius { lat, lon, km } => ix.radius(
            lat,
            lon,
            km,
            &filter,
            p.sort(Sort::Distance)?,
            limit,
            offset,
        ),
        Area::Bbox(b) => ix.bbox(b, &filter, p.sort(Sort::DateDesc)?, limit, offset),
        Area::All => ix.all(&filter, p.sort(Sort::DateDesc)?, limit, offset),
    };
    Ok((page, limit, offset))
}

/// The records of a page, in page order, on a blocking thread.
pub(crate) async fn records(
    state: &AppState,
    page: &Page,
) -> Result<Vec<(IncidentRecord, Option<f64>)>, AppError> {
    let ids: Vec<String> = page.hits.iter().map(|h| h.id.clone()).collect();
    let dist: Vec<Option<f64>> = page.hits.iter().map(|h| h.distance_km).collect();
    let reader = state.reader.clone();
    let recs = tokio::task::spawn_blocking(move || {
        reader
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .incidents(&ids)
    })
    .await??;
    Ok(recs.into_iter().zip(dist).collect())
}

fn geojson_response(body: String, download: Option<&str>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/geo+json"),
    );
    if let Some(name) = download {
        if let Ok(v) = header::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    (StatusCode::OK, headers, body).into_response()
}

async fn feature_collection(
    state: &AppState,
    p: &Params,
    area: Area,
    default_limit: usize,
) -> Result<String, AppError> {
    let (page, limit, offset) = select(state, p, &area, default_limit)?;
    let recs = records(state, &page).await?;
    // `properties=min`: only what a map needs to draw and filter (the popup
    // fetches the rest), a fraction of the bytes for large layers.
    let min = match p.get("properties") {
        None | Some("all") => false,
        Some("min") => true,
        Some(other) => {
            return Err(AppError::param(
                "properties",
                format!("{other:?} is not one of all, min"),
            ))
        }
    };
    let mut features = recs
        .iter()
        .map(|(r, d)| incident_feature(r, *d))
        .collect::<Vec<_>>();
    if min {
        for f in &mut features {
            if let Some(props) = f.properties.as_mut() {
                props.retain(|k, _| {
                    matches!(
                        k.as_str(),
                        "id" | "type"
                            | "date"
                            | "place_ar"
                            | "place_en"
                            | "distance_km"
                            | "confidence"
                    )
                });
            }
        }
    }
    let mut m = Map::new();
    m.insert("numberMatched".into(), json!(page.total));
    m.insert("numberReturned".into(), json!(features.len()));
    m.insert("limit".into(), json!(limit));
    m.insert("offset".into(), json!(offset));
    Ok(collection(features, m).to_string())
}

/// `GET /healthz`.
pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let n = state.index.read().map(|i| i.len()).unwrap_or(0);
    Json(json!({ "status": "ok", "incidents": n, "places": state.gaz.len() }))
}

/// Unknown paths: a JSON 404.
pub async fn not_found() -> AppError {
    AppError::NotFound("no such endpoint; see /api/v1/openapi.json".into())
}

/// `GET /api/v1/incidents?bbox&since&until&type&actor&min_confidence&geo_precision&limit&offset&sort`.
pub async fn incidents(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let p = Params::parse(q.as_deref());
    let area = area(&state, &p, false)?;
    Ok(geojson_response(
        feature_collection(&state, &p, area, 1000).await?,
        None,
    ))
}

/// `GET /api/v1/incidents/near?lat&lon|place&radius_km` + filters, nearest first.
pub async fn near(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let p = Params::parse(q.as_deref());
    let area = area(&state, &p, true)?;
    Ok(geojson_response(
        feature_collection(&state, &p, area, 1000).await?,
        None,
    ))
}

/// `GET /api/v1/incidents/{id}`: one incident with its sources.
pub async fn incident(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let reader = state.reader.clone();
    let lookup = id.clone();
    let rec = tokio::task::spawn_blocking(move || {
        reader
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .incident(&lookup)
    })
    .await??;
    let rec = rec.ok_or_else(|| AppError::NotFound(format!("no incident {id:?}")))?;
    Ok(geojson_response(
        serde_json::to_string(&incident_feature(&rec, None)).unwrap_or_default(),
        None,
    ))
}

/// `GET /api/v1/layers`: one layer per event type, plus «all» and «places».
pub async fn layers(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let p = Params::parse(q.as_deref());
    let filter = p.filter()?;
    let ix = state.index.read().unwrap_or_else(|e| e.into_inner());
    let counts = ix.counts_by_type(&filter);
    let total: usize = counts.values().sum();
    let mut out = vec![
        json!({"id": "all", "title_ar": "كل الأحداث", "title_en": "All incidents", "colour": "#444444", "count": total, "url": "/api/v1/layers/all.geojson"}),
    ];
    for (id, ar, en, colour) in LAYERS {
        out.push(json!({"id": id, "title_ar": ar, "title_en": en, "colour": colour, "count": counts.get(*id).copied().unwrap_or(0), "url": format!("/api/v1/layers/{id}.geojson")}));
    }
    let places: std::collections::HashSet<String> = ix
        .all(&filter, Sort::DateDesc, usize::MAX, 0)
        .hits
        .into_iter()
        .filter_map(|h| {
            ix.get(&h.id)
                .map(|pt| format!("{:.5},{:.5}", pt.lat, pt.lon))
        })
        .collect();
    out.push(json!({"id": "places", "title_ar": "الأماكن", "title_en": "Places with incidents", "colour": "#1a1a1a", "count": places.len(), "url": "/api/v1/layers/places.geojson"}));
    Ok(Json(json!({ "layers": out })))
}

/// `GET /api/v1/layers/{id}.geojson`: a layer as a download, honouring the filters.
pub async fn layer_download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let id = file.strip_suffix(".geojson").ok_or_else(|| {
        AppError::NotFound(format!(
            "no layer file {file:?}; layers are /api/v1/layers/<id>.geojson"
        ))
    })?;
    let known = id == "all" || id == "places" || LAYERS.iter().any(|l| l.0 == id);
    if !known {
        return Err(AppError::NotFound(format!(
            "no layer {id:?}; see /api/v1/layers"
        )));
    }
    let mut p = Params::parse(q.as_deref());
    if id == "places" {
        return places_layer(&state, &p)
            .await
            .map(|b| geojson_response(b, Some("marsad-places.geojson")));
    }
    if id != "all" {
        p = Params::parse(Some(&format!("{}&type={id}", q.unwrap_or_default())));
    }
    let area = area(&state, &p, false)?;
    let body = feature_collection(&state, &p, area, MAX_LIMIT).await?;
    Ok(geojson_response(
        body,
        Some(&format!("marsad-{id}.geojson")),
    ))
}

/// The places that have incidents (within the filters), with counts.
async fn places_layer(state: &AppState, p: &Params) -> Result<String, AppError> {
    let area = area(state, p, false)?;
    let (page, _, _) = select(state, p, &area, MAX_LIMIT)?;
    let recs = records(state, &page).await?;
    let mut by_place: std::collections::BTreeMap<
        String,
        (usize, Option<marsad_gazetteer::PlaceIdx>),
    > = Default::default();
    for (r, _) in &recs {
        if let Some(pid) = &r.place_id {
            let e = by_place
                .entry(pid.clone())
                .or_insert((0, state.gaz.by_id(pid)));
            e.0 += 1;
        }
    }
    let features = by_place
        .into_iter()
        .filter_map(|(_, (n, idx))| {
            let mut f = place_feature(state.gaz.place(idx?), None);
            if let Some(props) = f.properties.as_mut() {
                props.insert("incident_count".into(), json!(n));
            }
            Some(f)
        })
        .collect();
    Ok(collection(features, Map::new()).to_string())
}

/// `GET /api/v1/export.geojson`: the selection as a download.
pub async fn export_geojson(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let p = Params::parse(q.as_deref());
    let area = area(&state, &p, false)?;
    Ok(geojson_response(
        feature_collection(&state, &p, area, MAX_LIMIT).await?,
        Some("marsad-incidents.geojson"),
    ))
}

/// `GET /api/v1/export.csv`: ACLED-compatible columns, honouring the filters.
pub async fn export_csv(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let p = Params::parse(q.as_deref());
    let area = area(&state, &p, false)?;
    let (page, _, _) = select(&state, &p, &area, MAX_LIMIT)?;
    let recs = records(&state, &page).await?;
    let reader = state.reader.clone();
    let sources = tokio::task::spawn_blocking(move || {
        reader
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .first_sources()
    })
    .await??;
    let plain: Vec<IncidentRecord> = recs.into_iter().map(|(r, _)| r).collect();
    let bytes = crate::features::acled_csv(&plain, &sources)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"marsad-incidents.csv\"",
        ),
    ];
    Ok((StatusCode::OK, headers, bytes).into_response())
}

/// `GET /api/v1/places?q=&near=lat,lon&limit=`: gazetteer search.
pub async fn places(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let p = Params::parse(q.as_deref());
    let query = p.get("q").ok_or_else(|| {
        AppError::param("q", "is required: a place name in Arabic or Latin script")
    })?;
    if query.chars().count() > 200 {
        return Err(AppError::param("q", "is longer than 200 characters"));
    }
    let limit = p.usize_max("limit", 10, 100)?;
    let near = match p.get("near") {
        Some(v) => {
            let (a, b) = v
                .split_once(',')
                .ok_or_else(|| AppError::param("near", "expected lat,lon"))?;
            let lat: f64 = a
                .trim()
                .parse()
                .map_err(|_| AppError::param("near", format!("{a:?} is not a latitude")))?;
            let lon: f64 = b
                .trim()
                .parse()
                .map_err(|_| AppError::param("near", format!("{b:?} is not a longitude")))?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(AppError::param(
                    "near",
                    format!("{lat},{lon} is out of range"),
                ));
            }
            Some((lat, lon))
        }
        None => None,
    };
    let hits = state.gaz.search(query, near, limit);
    let features = hits
        .iter()
        .map(|h| place_feature(state.gaz.place(h.place), Some(h.score)))
        .collect();
    Ok(geojson_response(
        collection(features, Map::new()).to_string(),
        None,
    ))
}

/// `GET /api/v1/places/{id}`.
pub async fn place(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let i = state
        .gaz
        .by_id(&id)
        .ok_or_else(|| AppError::NotFound(format!("no place {id:?}")))?;
    Ok(geojson_response(
        serde_json::to_string(&place_feature(state.gaz.place(i), None)).unwrap_or_default(),
        None,
    ))
}

fn check_token(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(expected) = state.config.token.as_deref() else {
        return Err(AppError::WritesDisabled);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            AppError::Unauthorized("an Authorization: Bearer <token> header is required".into())
        })?;
    // Compare in constant time.
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(AppError::Unauthorized("the bearer token is wrong".into()))
    }
}

/// `POST /api/v1/articles`: JSON `{url,title,published,text}` or `text/plain`
/// (with `?published=&url=&title=`); extracts, stores and indexes.
pub async fn post_article(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    check_token(&state, &headers)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(state.config.max_body_bytes)
        } else {
            AppError::BadRequest {
                code: "invalid_body",
                message: e.body_text(),
            }
        }
    })?;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let p = Params::parse(q.as_deref());
    let mut article = if ctype.starts_with("application/json") {
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(AppError::BadRequest {
                code: "empty_body",
                message: "the body is empty".into(),
            });
        }
        Article::from_bytes(&body, "body").map_err(|e| match e {
            marsad_extract::Error::NotUtf8 { offset, .. } => AppError::BadRequest {
                code: "invalid_utf8",
                message: format!("the body is not valid UTF-8 (invalid byte at offset {offset})"),
            },
            other => AppError::BadRequest {
                code: "invalid_article",
                message: other.to_string(),
            },
        })?
    } else if ctype.starts_with("text/plain") || ctype.is_empty() {
        let text = std::str::from_utf8(&body).map_err(|e| AppError::BadRequest {
            code: "invalid_utf8",
            message: format!(
                "the body is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        })?;
        let mut a = Article::from_text(text, p.date("published")?);
        a.url = p.get("url").map(str::to_string);
        if let Some(t) = p.get("title") {
            a.title = Some(t.to_string());
        }
        a
    } else {
        return Err(AppError::UnsupportedMediaType(format!(
            "content type {ctype:?}: send application/json or text/plain"
        )));
    };
    if article.text.trim().is_empty() {
        return Err(AppError::BadRequest {
            code: "empty_body",
            message: "the article text is empty".into(),
        });
    }
    if let Some(d) = p.date("published")? {
        article.published = Some(d);
    }
    let st = state.clone();
    let (report, stored) = tokio::task::spawn_blocking(move || -> Result<_, AppError> {
        let x = st.extractor.extract(&article);
        let mut w = st.writer.lock().unwrap_or_else(|e| e.into_inner());
        let report = w.ingest_extraction(&article, &x.incidents, st.gaz)?;
        let touched: Vec<String> = report
            .incidents_new
            .iter()
            .chain(&report.incidents_merged)
            .cloned()
            .collect();
        let stored = w.incidents(&touched)?;
        Ok((report, stored))
    })
    .await??;
    state.reindex(&stored);
    let features: Vec<_> = stored.iter().map(|r| incident_feature(r, None)).collect();
    let status = if report.new_article {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = json!({
        "article_id": report.article_id,
        "new_article": report.new_article,
        "incidents_new": report.incidents_new,
        "incidents_merged": report.incidents_merged,
        "incidents": collection(features, Map::new()),
    });
    Ok((status, Json(body)).into_response())
}
