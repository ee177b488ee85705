use marsad_model::IncidentQuery;

use crate::IncidentPoint;

/// Does a point pass the query's filters?
pub(crate) fn accepts(q: &IncidentQuery, p: &IncidentPoint) -> bool {
    q.admits(
        p.event_type,
        p.date,
        p.confidence,
        p.geo_precision,
        p.actors.iter().map(|a| &**a),
    )
}
