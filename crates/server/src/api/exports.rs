//! Downloads of a selection: GeoJSON, ACLED-compatible CSV and GeoParquet
//! of any size, streamed (see [`crate::download`]); FlatGeobuf, whose index
//! comes first, built whole into a file and served with byte ranges (see
//! [`crate::fgb`]).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use marsad_formats::{AcledWriter, IncidentCollectionWriter, IncidentFeature, ParquetWriter};
use serde_json::{json, Map};

use crate::download::{stream, Download};
use crate::openapi::{AreaParams, FilterParams, IncidentFile, PageParams, QueryErrors};
use crate::query::{Area, Selection};
use crate::{AppError, AppState};

/// Every incident the query selects, as a GeoJSON download: streamed,
/// of any size (`limit` and `offset` page it if given).
#[utoipa::path(
    get,
    path = "/api/v1/export.geojson",
    operation_id = "exportGeojson",
    tag = "incidents",
    params(FilterParams, AreaParams, PageParams),
    responses(
        (status = 200, description = "The incidents, as an attachment", content((IncidentFile = "application/geo+json")),
            headers(("Content-Disposition" = String, description = "attachment; filename=…"))),
        QueryErrors,
    )
)]
pub async fn geojson(State(state): State<AppState>, sel: Selection) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    geojson_download(&state, &sel, area, "marsad-incidents.geojson").await
}

/// Every incident `sel` selects in `area`, as a GeoJSON file called `name`.
pub(crate) async fn geojson_download(
    state: &AppState,
    sel: &Selection,
    area: Area,
    name: &str,
) -> Result<Response, AppError> {
    let download = Download::open(state, sel, area).await?;
    let mut members = Map::new();
    members.insert("numberMatched".into(), json!(download.matched()));
    members.insert("numberReturned".into(), json!(download.len()));
    let minimal = sel.minimal;
    let body = stream(move |out| {
        let mut w = IncidentCollectionWriter::start(out, &members)?;
        download.for_each_chunk(|_, records| {
            for (r, d) in &records {
                w.write(&IncidentFeature::new(r, *d).minimal(minimal))?;
            }
            Ok(())
        })?;
        w.finish()?;
        Ok(())
    });
    Ok(attachment("application/geo+json", name, body))
}

/// Every incident the query selects as CSV in ACLED's columns, with each
/// incident's first source: streamed, of any size.
#[utoipa::path(
    get,
    path = "/api/v1/export.csv",
    operation_id = "exportCsv",
    tag = "incidents",
    params(FilterParams, AreaParams, PageParams),
    responses(
        (status = 200, description = "The incidents, as an attachment", content((String = "text/csv")),
            headers(("Content-Disposition" = String, description = "attachment; filename=…"))),
        QueryErrors,
    )
)]
pub async fn csv(State(state): State<AppState>, sel: Selection) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    let download = Download::open(&state, &sel, area).await?;
    let body = stream(move |out| {
        let mut w = AcledWriter::start(out)?;
        download.for_each_with_sources(|r, source| Ok(w.write(r, source)?))?;
        w.finish()?;
        Ok(())
    });
    Ok(attachment(
        "text/csv; charset=utf-8",
        "marsad-incidents.csv",
        body,
    ))
}

/// Every incident the query selects as GeoParquet 1.1 (WKB points, typed
/// columns, zstd), with each incident's first source: streamed a row
/// group at a time, of any size.
#[utoipa::path(
    get,
    path = "/api/v1/export.parquet",
    operation_id = "exportParquet",
    tag = "incidents",
    params(FilterParams, AreaParams, PageParams),
    responses(
        (status = 200, description = "The incidents, as an attachment", content((Vec<u8> = "application/vnd.apache.parquet")),
            headers(("Content-Disposition" = String, description = "attachment; filename=…"))),
        QueryErrors,
    )
)]
pub async fn parquet(State(state): State<AppState>, sel: Selection) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    let download = Download::open(&state, &sel, area).await?;
    let body = stream(move |out| {
        let mut w = ParquetWriter::start(out)?;
        download.for_each_with_sources(|r, source| Ok(w.write(r, source)?))?;
        w.finish()?;
        Ok(())
    });
    Ok(attachment(
        "application/vnd.apache.parquet",
        "marsad-incidents.parquet",
        body,
    ))
}

/// Every incident the query selects as FlatGeobuf, with its spatial
/// index: built whole (the index comes first), kept a while, and served
/// with byte ranges, so `ogrinfo /vsicurl/…` and QGIS read a box of it
/// without downloading the rest.
#[utoipa::path(
    get,
    path = "/api/v1/export.fgb",
    operation_id = "exportFlatgeobuf",
    tag = "incidents",
    params(FilterParams, AreaParams, PageParams),
    responses(
        (status = 200, description = "The incidents, as an attachment", content((Vec<u8> = "application/flatgeobuf")),
            headers(("Content-Disposition" = String, description = "attachment; filename=…"),
                    ("Accept-Ranges" = String, description = "bytes"))),
        (status = 206, description = "The bytes asked for with `Range`", content((Vec<u8> = "application/flatgeobuf"))),
        (status = 416, description = "A `Range` outside the file"),
        QueryErrors,
    )
)]
pub async fn fgb(
    State(state): State<AppState>,
    sel: Selection,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    crate::fgb::serve(&state, &sel, area, request).await
}

/// A download response: the media type, the file name, the body.
pub(crate) fn attachment(ctype: &'static str, name: &str, body: axum::body::Body) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
