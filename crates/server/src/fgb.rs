//! FlatGeobuf downloads. The file's spatial index comes before its
//! features, so it cannot be streamed as it is read: the selection is
//! written whole into a temporary file, kept for the index generation it
//! was made from, and served from there with byte ranges (`Accept-Ranges`,
//! 206), so `ogrinfo /vsicurl/…` and QGIS read a box of it with a few
//! range requests, each of which finds the file made.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use marsad_formats::FgbFile;
use tower::ServiceExt;

use crate::download::Download;
use crate::query::{Area, Selection};
use crate::{AppError, AppState};

/// A FlatGeobuf file made for one query, deleted when no longer kept
/// (a download still sending it holds it open).
#[derive(Debug)]
pub struct Made(tempfile::TempPath);

impl crate::cache::Weigh for Arc<Made> {
    /// On disk, not in memory: counts as one entry.
    fn weight(&self) -> usize {
        0
    }
}

/// The file for `sel` in `area`, made unless kept, served as `request`
/// asks (whole, a range, or its headers).
pub(crate) async fn serve(
    state: &AppState,
    sel: &Selection,
    area: Area,
    request: Request,
) -> Result<Response, AppError> {
    let key = request.uri().to_string();
    let file = match state.fgb_files.get(state.generation(), &key) {
        Some(file) => file,
        None => {
            let _making = state.fgb_files.making(&key).await;
            let generation = state.generation();
            match state.fgb_files.get(generation, &key) {
                Some(file) => file,
                None => {
                    let file = Arc::new(make(state, sel, area).await?);
                    state.fgb_files.put(generation, key, file.clone());
                    file
                }
            }
        }
    };
    let served = tower_http::services::ServeFile::new_with_mime(
        &file.0,
        &"application/flatgeobuf".parse().expect("a media type"),
    )
    .oneshot(request)
    .await
    .map_err(|e| AppError::Internal(format!("serving the FlatGeobuf file: {e}")))?;
    let mut response = served.into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_static("attachment; filename=\"marsad-incidents.fgb\""),
    );
    Ok(response)
}

/// Writes the selection into a new temporary file.
async fn make(state: &AppState, sel: &Selection, area: Area) -> Result<Made, AppError> {
    let download = Download::open(state, sel, area).await?;
    tokio::task::spawn_blocking(move || {
        let mut fgb = FgbFile::new()?;
        download.for_each_chunk(|_, records| {
            for (r, _) in &records {
                fgb.add(r)?;
            }
            Ok(())
        })?;
        let file = tempfile::NamedTempFile::new()
            .map_err(|e| AppError::Internal(format!("making a FlatGeobuf file: {e}")))?;
        let mut out = std::io::BufWriter::new(file.as_file());
        fgb.write(&mut out)?;
        out.into_inner()
            .map_err(|e| AppError::Internal(format!("writing a FlatGeobuf file: {e}")))?;
        Ok(Made(file.into_temp_path()))
    })
    .await?
}
