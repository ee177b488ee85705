//! Standing alerts: signed-in users' own areas to watch, their matches,
//! and each alert's Atom feed.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_alerts::{Alert, Area, Filters, Webhook};
use marsad_model::{Action, Role};
use marsad_store::{AlertMatch, AlertRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{require, Caller};
use crate::openapi::{
    AlertErrors, AlertListParams, AlertMatchParams, FeedKeyParams, SignedInErrors,
};
use crate::query::Params;
use crate::{AppError, AppState};

/// Matches listed at most.
pub const MAX_MATCHES: usize = 1000;

/// Where an alert looks (the schema of `marsad_alerts::Area`).
#[derive(ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(dead_code)] // a schema only: bodies are read as `marsad_alerts::Area`
pub enum AreaSchema {
    /// Within `radius_km` of a point.
    Circle {
        /// Latitude of the centre.
        #[schema(minimum = -90, maximum = 90)]
        lat: f64,
        /// Longitude of the centre.
        #[schema(minimum = -180, maximum = 180)]
        lon: f64,
        /// How far, km.
        #[schema(exclusive_minimum = 0, maximum = 500)]
        radius_km: f64,
    },
    /// Inside a box; west < east and south < north, else 422.
    Bbox {
        /// `[west, south, east, north]`.
        #[schema(schema_with = crate::openapi::bbox_field)]
        bbox: [f64; 4],
    },
    /// Within `radius_km` of a gazetteer place (422 if it has none of that id).
    Place {
        /// The place's id.
        #[schema(min_length = 1, max_length = 200, pattern = r"^[^\x00]*$")]
        place_id: String,
        /// How far, km.
        #[schema(exclusive_minimum = 0, maximum = 500)]
        radius_km: f64,
    },
    /// Inside, or within `buffer_km` of, a GeoJSON Polygon, MultiPolygon,
    /// LineString, MultiLineString or Point (a line or point needs a
    /// buffer; a geometry that is not valid is 422).
    Shape {
        /// The GeoJSON geometry.
        #[schema(value_type = Object)]
        geometry: serde_json::Value,
        /// How far around it, km (default 0).
        #[schema(minimum = 0, maximum = 500)]
        buffer_km: Option<f64>,
    },
}

/// Which incidents an alert counts (the schema of `marsad_alerts::Filters`).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct FiltersSchema {
    /// Only these types.
    #[schema(schema_with = crate::openapi::event_types_field)]
    types: Option<Vec<String>>,
    /// Only incidents at least this likely.
    #[schema(minimum = 0, maximum = 1)]
    min_confidence: Option<f64>,
    /// Only these review states (default: any but rejected).
    #[schema(schema_with = crate::openapi::review_states_field)]
    status: Option<Vec<String>>,
    /// Only incidents with at least this many killed.
    #[schema(minimum = 0, maximum = 100000)]
    min_killed: Option<u32>,
}

/// A new alert.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertBody {
    /// What to call it (1–200 characters, not only spaces).
    #[schema(example = "Al-Mayadin office", min_length = 1, max_length = 200)]
    pub name: String,
    /// Where to look: `{"kind": "circle", "lat", "lon", "radius_km"}`,
    /// `{"kind": "bbox", "bbox": [w, s, e, n]}`, `{"kind": "place",
    /// "place_id", "radius_km"}` or `{"kind": "shape", "geometry": GeoJSON
    /// Polygon | MultiPolygon | LineString | MultiLineString | Point,
    /// "buffer_km"}`. Radii and buffers up to 500 km.
    #[schema(value_type = AreaSchema, example = json!({"kind": "circle", "lat": 35.0167, "lon": 40.4525, "radius_km": 15}))]
    pub area: serde_json::Value,
    /// Which incidents count: `types`, `min_confidence`, `status`
    /// (review states; default any but rejected), `min_killed`.
    #[serde(default)]
    #[schema(value_type = Option<FiltersSchema>, example = json!({"types": ["airstrike", "drone_strike"], "min_confidence": 0.8}))]
    pub filters: Option<serde_json::Value>,
    /// Where to post matches (http or https; signed, see the README).
    #[serde(default)]
    pub webhook_url: Option<String>,
}

/// Changes to an alert: the fields given replace the alert's;
/// `"webhook_url": null` removes its webhook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertPatch {
    /// A new name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// A new area (as in `AlertBody`).
    #[serde(default)]
    #[schema(value_type = Option<AreaSchema>)]
    pub area: Option<serde_json::Value>,
    /// New filters (as in `AlertBody`).
    #[serde(default)]
    #[schema(value_type = Option<FiltersSchema>)]
    pub filters: Option<serde_json::Value>,
    /// A new webhook address, or `null` for none.
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>)]
    pub webhook_url: Option<Option<String>>,
}

/// A field that is present (`null` included) is `Some`.
fn some_or_null<'de, D>(d: D) -> Result<Option<Option<String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Option::<String>::deserialize(d).map(Some)
}

/// An alert as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertView {
    /// Its id.
    pub id: String,
    /// Its owner.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// Its area (a place's point filled in).
    #[schema(value_type = Object)]
    pub area: Area,
    /// Its filters.
    #[schema(value_type = Object)]
    pub filters: Filters,
    /// Its webhook's address.
    pub webhook_url: Option<String>,
    /// The webhook's signing secret: only in the answer that sets a new
    /// webhook address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
    /// Its Atom feed's address (with its key: keep it private).
    pub feed_url: String,
    /// When it was made.
    pub created_at: String,
    /// When it was last changed.
    pub updated_at: String,
}

/// A match of an alert and where its delivery stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchView {
    /// The incident.
    pub incident_id: String,
    /// Its version when it matched.
    pub version: i64,
    /// `new`, `updated` or `verified`.
    pub event: String,
    /// When it matched.
    pub matched_at: String,
    /// `none` (no webhook), `pending`, `delivered` or `failed`.
    pub delivery: String,
    /// Tries so far.
    pub attempts: u32,
    /// When it is tried next, while pending.
    pub next_attempt: Option<String>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// When the receiver accepted it.
    pub delivered_at: Option<String>,
}

impl From<AlertMatch> for MatchView {
    fn from(m: AlertMatch) -> Self {
        MatchView {
            incident_id: m.incident_id,
            version: m.version,
            event: m.event,
            matched_at: m.matched_at,
            delivery: m.delivery,
            attempts: m.attempts,
            next_attempt: m.next_attempt,
            last_error: m.last_error,
            delivered_at: m.delivered_at,
        }
    }
}

fn view(r: &AlertRecord, show_secret: bool) -> Result<AlertView, AppError> {
    let a = Alert::from_record(r).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(AlertView {
        feed_url: format!("/alerts/{}/feed.atom?key={}", r.id, r.feed_key),
        id: a.id,
        owner: a.owner,
        name: a.name,
        area: a.area,
        filters: a.filters,
        webhook_url: r.webhook_url.clone(),
        webhook_secret: r.webhook_secret.clone().filter(|_| show_secret),
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    })
}

/// Makes a new alert on an area; its matches start with the next incident
/// stored or changed.
#[utoipa::path(
    post,
    path = "/api/v1/alerts",
    operation_id = "createAlert",
    tag = "alerts",
    request_body(content = AlertBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Made; Location names it. The webhook secret is shown this once", body = AlertView),
        AlertErrors,
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, AppError> {
    let caller = require(&state, &headers, Action::Read).await?;
    let body: AlertBody = read_body(body)?;
    let mut alert = Alert::new(
        &marsad_alerts::new_id(),
        &caller.user,
        &body.name,
        area(&state, body.area)?,
    );
    if let Some(f) = body.filters {
        alert.filters = filters(f)?;
    }
    if let Some(url) = body.webhook_url {
        alert.webhook = Some(webhook(&state, url).await?);
    }
    alert.check()?;
    let record = alert.to_record();
    let id = alert.id.clone();
    let stored = state
        .pipeline_write(move |s| {
            s.add_alert(&record)?;
            s.alert(&id)
        })
        .await?
        .ok_or_else(|| AppError::Internal("the alert just stored is not there".into()))?;
    let location = format!("/api/v1/alerts/{}", stored.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view(&stored, true)?),
    )
        .into_response())
}

/// The caller's alerts (an admin may ask for another user's with
/// `owner=NAME`, or everyone's with `owner=*`).
#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    operation_id = "listAlerts",
    tag = "alerts",
    params(AlertListParams),
    responses(
        (status = 200, description = "The alerts, oldest first", body = Vec<AlertView>),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Json<Vec<AlertView>>, AppError> {
    let caller = require(&state, &headers, Action::Read).await?;
    let asked = params.text("owner")?.map(str::to_string);
    if asked
        .as_deref()
        .is_some_and(|o| o.contains('\0') || o.chars().count() > 200)
    {
        return Err(AppError::param(
            "owner",
            "is no user name (1–200 characters, no NUL)",
        ));
    }
    let owner = match asked {
        Some(o) if o != caller.user && caller.role != Role::Admin => {
            return Err(AppError::Forbidden(format!(
                "{} may list only their own alerts (an admin may list others')",
                caller.user
            )))
        }
        Some(o) if o == "*" => None,
        Some(o) => Some(o),
        None => Some(caller.user.clone()),
    };
    let rows = state.read(move |s| s.alerts(owner.as_deref())).await?;
    rows.iter()
        .map(|r| view(r, false))
        .collect::<Result<_, _>>()
        .map(Json)
}

/// One alert (its owner's or an admin's).
#[utoipa::path(
    get,
    path = "/api/v1/alerts/{id}",
    operation_id = "getAlert",
    tag = "alerts",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The alert", body = AlertView),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<AlertView>, AppError> {
    let caller = require(&state, &headers, Action::Read).await?;
    let r = owned(&state, &caller, id).await?;
    Ok(Json(view(&r, false)?))
}

/// Changes an alert's name, area, filters or webhook.
#[utoipa::path(
    patch,
    path = "/api/v1/alerts/{id}",
    operation_id = "updateAlert",
    tag = "alerts",
    params(("id" = String, Path, description = "The alert's id")),
    request_body(content = AlertPatch, content_type = "application/json"),
    responses(
        (status = 200, description = "The alert as it is now (a new webhook's secret shown this once)", body = AlertView),
        AlertErrors,
    ),
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<AlertView>, AppError> {
    let caller = require(&state, &headers, Action::Read).await?;
    let patch: AlertPatch = read_body(body)?;
    let r = owned(&state, &caller, id).await?;
    let mut alert = Alert::from_record(&r).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(name) = patch.name {
        alert.name = name;
    }
    if let Some(a) = patch.area {
        alert.area = area(&state, a)?;
    }
    if let Some(f) = patch.filters {
        alert.filters = filters(f)?;
    }
    let mut new_secret = false;
    match patch.webhook_url {
        Some(Some(url)) if Some(&url) != r.webhook_url.as_ref() => {
            alert.webhook = Some(webhook(&state, url).await?);
            new_secret = true;
        }
        Some(None) => alert.webhook = None,
        _ => {}
    }
    alert.check()?;
    let record = alert.to_record();
    let id = alert.id.clone();
    let stored = state
        .pipeline_write(move |s| {
            s.update_alert(&record)?;
            s.alert(&id)
        })
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no alert {:?}", alert.id)))?;
    Ok(Json(view(&stored, new_secret)?))
}

/// Removes an alert and its matches; deliveries not made are dropped.
#[utoipa::path(
    delete,
    path = "/api/v1/alerts/{id}",
    operation_id = "deleteAlert",
    tag = "alerts",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 204, description = "Removed"),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let caller = require(&state, &headers, Action::Read).await?;
    let r = owned(&state, &caller, id).await?;
    state.pipeline_write(move |s| s.remove_alert(&r.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An alert's latest matches and where each delivery stands.
#[utoipa::path(
    get,
    path = "/api/v1/alerts/{id}/matches",
    operation_id = "alertMatches",
    tag = "alerts",
    params(("id" = String, Path, description = "The alert's id"), AlertMatchParams),
    responses(
        (status = 200, description = "Matches, newest first", body = Vec<MatchView>),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn matches(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Vec<MatchView>>, AppError> {
    let caller = require(&state, &headers, Action::Read).await?;
    let limit = params.count("limit", MAX_MATCHES)?.unwrap_or(100);
    if limit == 0 {
        return Err(AppError::param("limit", "must be at least 1"));
    }
    let r = owned(&state, &caller, id).await?;
    let rows = state.read(move |s| s.alert_matches(&r.id, limit)).await?;
    Ok(Json(rows.into_iter().map(MatchView::from).collect()))
}

/// An alert's latest 50 matches as an Atom feed with GeoRSS points, for a
/// feed reader: the key in the address stands for the token.
#[utoipa::path(
    get,
    path = "/alerts/{id}/feed.atom",
    operation_id = "alertFeed",
    tag = "alerts",
    params(("id" = String, Path, description = "The alert's id"), FeedKeyParams),
    responses(
        (status = 200, description = "The feed", content_type = "application/atom+xml", body = String),
        (status = 404, description = "No such alert, or not its key", body = crate::ErrorBody),
    )
)]
pub async fn feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let key = params
        .text("key")?
        .ok_or_else(|| AppError::param("key", "is required: the alert's feed key"))?
        .to_string();
    let lookup = id.clone();
    let found = state
        .read(move |s| {
            let Some(a) = s.alert(&lookup)? else {
                return Ok::<_, marsad_store::Error>(None);
            };
            let m = s.alert_matches(&a.id, 50)?;
            Ok(Some((a, m)))
        })
        .await?;
    // In constant time, and the same 404 for a wrong key as for no alert.
    let (alert, matches) = found
        .filter(|(a, _)| {
            bool::from(subtle::ConstantTimeEq::ct_eq(
                a.feed_key.as_bytes(),
                key.as_bytes(),
            ))
        })
        .ok_or_else(|| AppError::NotFound(format!("no alert {id:?} with that key")))?;
    let base = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(String::new, |h| format!("http://{h}"));
    let self_url = format!(
        "{base}/alerts/{}/feed.atom?key={}",
        alert.id, alert.feed_key
    );
    let xml = marsad_alerts::atom::feed(&alert, &matches, &self_url, &base);
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        xml,
    )
        .into_response())
}

/// The alert `id`, if the caller owns it or is an admin: 404 if there is
/// none, 403 if it is someone else's.
async fn owned(state: &AppState, caller: &Caller, id: String) -> Result<AlertRecord, AppError> {
    let lookup = id.clone();
    let r = state
        .read(move |s| s.alert(&lookup))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no alert {id:?}")))?;
    if r.owner != caller.user && caller.role != Role::Admin {
        return Err(AppError::Forbidden(format!(
            "alert {id:?} is another user's (an admin may see and change it)"
        )));
    }
    Ok(r)
}

/// The body, which must be a JSON object of `T`'s fields.
fn read_body<T: serde::de::DeserializeOwned>(
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<T, AppError> {
    let invalid = |message: String| AppError::BadRequest {
        code: "invalid_body",
        message,
    };
    let Json(v) = body.map_err(|e| invalid(e.body_text()))?;
    if !v.is_object() {
        return Err(invalid("the body must be a JSON object".into()));
    }
    serde_json::from_value(v).map_err(|e| invalid(e.to_string()))
}

/// The area given, with a place's point filled in from the gazetteer.
fn area(state: &AppState, v: serde_json::Value) -> Result<Area, AppError> {
    // A well-formed area the alerts crate cannot read (a GeoJSON geometry
    // of the wrong shape): 422, as the schema cannot say it.
    let mut area: Area = serde_json::from_value(v)
        .map_err(|e| AppError::unprocessable("unusable_value", "area", e))?;
    if let Some(id) = area.unresolved_place() {
        let place = state
            .gaz
            .by_id(id)
            .map(|i| state.gaz.place(i))
            .ok_or_else(|| {
                AppError::unprocessable(
                    "unknown_place",
                    "area.place_id",
                    format!("the gazetteer has no place {id:?} (see GET /api/v1/places?q=)"),
                )
            })?;
        let (lat, lon, name) = (place.lat, place.lon, place.name_ar.clone());
        area.resolve_place(lat, lon, &name);
    }
    area.check()?;
    Ok(area)
}

fn filters(v: serde_json::Value) -> Result<Filters, AppError> {
    // serde reads a struct from an array too (its fields in order): the
    // contract says an object.
    if !v.is_object() {
        return Err(AppError::param("filters", "must be an object"));
    }
    let f: Filters = serde_json::from_value(v).map_err(|e| AppError::param("filters", e))?;
    f.check()?;
    Ok(f)
}

/// A webhook to `url`, checked against the operator's policy (after
/// resolving its host), with a new secret.
async fn webhook(state: &AppState, url: String) -> Result<Webhook, AppError> {
    let policy = state.config.webhooks.policy.clone();
    let checked = url.clone();
    tokio::task::spawn_blocking(move || policy.check(&checked)).await??;
    Ok(Webhook {
        url,
        secret: marsad_alerts::secret(),
    })
}
