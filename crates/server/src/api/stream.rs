//! The live stream: incidents stored or changed, as they reach this
//! server's index (from any writer), as Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use marsad_model::{BBox, EventType, IncidentPoint, ReviewStatus};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use crate::openapi::StreamParams;
use crate::query::Params;
use crate::{AppError, AppState};

/// Incidents as they are stored or changed, by any writer, within a
/// second: each an `incident` event whose data is a GeoJSON Feature (id,
/// point, type, date, confidence, review status). A `reload` event means
/// the client fell behind and should read the layer again. Comments keep
/// the connection open every 15 s.
#[utoipa::path(
    get,
    path = "/api/v1/stream",
    operation_id = "stream",
    tag = "alerts",
    params(StreamParams),
    responses(
        (status = 200, description = "An endless text/event-stream", content_type = "text/event-stream", body = String),
        (status = 400, description = "A malformed bbox or type", body = crate::ErrorBody),
        (status = 422, description = "A bbox whose min_lat is above its max_lat", body = crate::ErrorBody),
    )
)]
pub async fn stream(
    State(state): State<AppState>,
    params: Params,
    public: Option<axum::Extension<crate::contract::PublicOnly>>,
) -> Result<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>, AppError> {
    let bbox = params
        .text("bbox")?
        .map(|b| crate::query::bbox(b, false))
        .transpose()?;
    let types: Vec<EventType> = params.filters()?.types;
    let types = (!types.is_empty()).then_some(types);
    let filter = Filter {
        bbox,
        types,
        verified_only: public.is_some(),
    };
    let rx = state.changes.subscribe();
    let events = futures_util::stream::unfold((rx, filter), |(mut rx, filter)| async move {
        loop {
            match rx.recv().await {
                Ok(p) if filter.admits(&p) => {
                    let e = Event::default()
                        .event("incident")
                        .id(&*p.id)
                        .data(feature(&p).to_string());
                    return Some((Ok(e), (rx, filter)));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => {
                    let e = Event::default().event("reload").data("{}");
                    return Some((Ok(e), (rx, filter)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

struct Filter {
    bbox: Option<BBox>,
    types: Option<Vec<EventType>>,
    verified_only: bool,
}

impl Filter {
    fn admits(&self, p: &IncidentPoint) -> bool {
        self.bbox.is_none_or(|b| b.contains(p.lat, p.lon))
            && self
                .types
                .as_ref()
                .is_none_or(|t| t.contains(&p.event_type))
            && (!self.verified_only || p.status == ReviewStatus::Verified)
    }
}

fn feature(p: &IncidentPoint) -> serde_json::Value {
    json!({
        "type": "Feature",
        "id": &*p.id,
        "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
        "properties": {
            "id": &*p.id,
            "type": p.event_type.as_str(),
            "date": p.date,
            // As stored: to the thousandth, not f32's tail.
            "confidence": (f64::from(p.confidence) * 1000.0).round() / 1000.0,
            "status": p.status.as_str(),
        }
    })
}
