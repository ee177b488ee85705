//! The area an alert watches, checked once and tested exactly.

use geo::{Closest, Distance, Haversine, HaversineClosestPoint, Point, Validation};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The widest radius or buffer an alert may have, km: beyond it an alert
/// watches a country, which the map and the API already show.
pub const MAX_RADIUS_KM: f64 = 500.0;

/// Mean Earth radius used by `geo`'s haversine, km.
const EARTH_KM: f64 = 6371.0088;

/// Where an alert looks. Coordinates are WGS 84 degrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Area {
    /// Within `radius_km` of a point.
    Circle {
        /// Latitude of the centre.
        lat: f64,
        /// Longitude of the centre.
        lon: f64,
        /// How far from it, km (0 < r ≤ 500).
        radius_km: f64,
    },
    /// Inside a box `[west, south, east, north]`.
    Bbox {
        /// West, south, east, north.
        bbox: [f64; 4],
    },
    /// Within `radius_km` of a gazetteer place (its point is filled in
    /// when the alert is stored, so a later gazetteer does not move it).
    Place {
        /// The gazetteer id (`GET /api/v1/places`).
        place_id: String,
        /// How far from it, km (0 < r ≤ 500).
        radius_km: f64,
        /// The place's latitude, as resolved.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lat: Option<f64>,
        /// The place's longitude, as resolved.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lon: Option<f64>,
        /// The place's name, as resolved (for people reading the alert).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Inside a polygon, or within `buffer_km` of a polygon, a line (a road
    /// a convoy takes) or a point: a GeoJSON geometry.
    Shape {
        /// A GeoJSON Polygon, MultiPolygon, LineString, MultiLineString or
        /// Point.
        geometry: geojson::Geometry,
        /// How far around it, km (0 ≤ b ≤ 500; more than 0 for a line or
        /// point).
        #[serde(default)]
        buffer_km: f64,
    },
}

/// An area ready to test points against: its shape and its envelope.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    test: Test,
    /// `[west, south]`, `[east, north]`.
    pub(crate) envelope: ([f64; 2], [f64; 2]),
}

#[derive(Debug, Clone)]
enum Test {
    Within { centre: Point, km: f64 },
    Inside([f64; 4]),
    Near { shape: geo::Geometry, km: f64 },
}

impl Area {
    /// Checks every value, naming the field that is wrong.
    pub fn check(&self) -> Result<()> {
        self.prepare().map(|_| ())
    }

    /// The area's centre to resolve, for a place: `Some(id)` while its
    /// point is not filled in.
    pub fn unresolved_place(&self) -> Option<&str> {
        match self {
            Area::Place {
                place_id,
                lat: None,
                ..
            }
            | Area::Place {
                place_id,
                lon: None,
                ..
            } => Some(place_id),
            _ => None,
        }
    }

    /// Fills in a place's point and name.
    pub fn resolve_place(&mut self, at_lat: f64, at_lon: f64, called: &str) {
        if let Area::Place { lat, lon, name, .. } = self {
            *lat = Some(at_lat);
            *lon = Some(at_lon);
            *name = Some(called.to_string());
        }
    }

    /// The area checked and made ready for tests.
    pub(crate) fn prepare(&self) -> Result<Prepared> {
        match self {
            Area::Circle {
                lat,
                lon,
                radius_km,
            } => circle(*lat, *lon, *radius_km),
            Area::Place {
                lat,
                lon,
                radius_km,
                ..
            } => {
                let (Some(lat), Some(lon)) = (lat, lon) else {
                    return Err(Error::invalid(
                        "area.place_id",
                        "the place was not resolved",
                    ));
                };
                circle(*lat, *lon, *radius_km)
            }
            Area::Bbox { bbox } => {
                let [w, s, e, n] = *bbox;
                lon_lat(s, w, "area.bbox")?;
                lon_lat(n, e, "area.bbox")?;
                if !(w < e && s < n) {
                    return Err(Error::unusable(
                        "area.bbox",
                        "must be [west, south, east, north] with west < east and south < north",
                    ));
                }
                Ok(Prepared {
                    test: Test::Inside(*bbox),
                    envelope: ([w, s], [e, n]),
                })
            }
            Area::Shape {
                geometry,
                buffer_km,
            } => shape(geometry, *buffer_km),
        }
    }
}

impl Prepared {
    /// Whether the point is in the area.
    pub(crate) fn holds(&self, lat: f64, lon: f64) -> bool {
        let p = Point::new(lon, lat);
        match &self.test {
            Test::Within { centre, km } => match roughly_within(*centre, p, *km) {
                Some(answer) => answer,
                None => Haversine.distance(*centre, p) / 1000.0 <= *km,
            },
            Test::Inside([w, s, e, n]) => lon >= *w && lon <= *e && lat >= *s && lat <= *n,
            Test::Near { shape, km } => match shape.haversine_closest_point(&p) {
                Closest::Intersection(_) => true,
                Closest::SinglePoint(q) => Haversine.distance(q, p) / 1000.0 <= *km,
                Closest::Indeterminate => false,
            },
        }
    }
}

/// Whether `p` is within `km` of `centre`, when a flat measure at their
/// mean latitude can tell (it is within 1.5 % of the haversine distance
/// there, away from the poles and under 600 km): most points are far
/// inside or outside, and need no trigonometry but one cosine.
fn roughly_within(centre: Point, p: Point, km: f64) -> Option<bool> {
    const KM_PER_DEGREE: f64 = EARTH_KM * std::f64::consts::PI / 180.0;
    let (dlat, mut dlon) = (p.y() - centre.y(), (p.x() - centre.x()).abs());
    if dlon > 180.0 {
        dlon = 360.0 - dlon;
    }
    let mean = (p.y() + centre.y()) / 2.0;
    if mean.abs() > 75.0 || dlat.abs() > 6.0 || dlon > 12.0 {
        return None;
    }
    let dx = dlon * mean.to_radians().cos();
    let d2 = (dlat * dlat + dx * dx) * KM_PER_DEGREE * KM_PER_DEGREE;
    if d2 <= (km * 0.985) * (km * 0.985) {
        Some(true)
    } else if d2 >= (km * 1.015) * (km * 1.015) {
        Some(false)
    } else {
        None
    }
}

fn lon_lat(lat: f64, lon: f64, field: &'static str) -> Result<()> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(Error::invalid(
            field,
            format!("({lat}, {lon}) is not a latitude in [-90, 90] and a longitude in [-180, 180]"),
        ));
    }
    Ok(())
}

fn distance(km: f64, field: &'static str, zero_ok: bool) -> Result<()> {
    let low_ok = if zero_ok { km >= 0.0 } else { km > 0.0 };
    if !(low_ok && km <= MAX_RADIUS_KM) {
        let low = if zero_ok { "0 ≤" } else { "0 <" };
        return Err(Error::invalid(
            field,
            format!("{km} km is out of range ({low} km ≤ {MAX_RADIUS_KM})"),
        ));
    }
    Ok(())
}

fn circle(lat: f64, lon: f64, radius_km: f64) -> Result<Prepared> {
    lon_lat(lat, lon, "area.lat")?;
    distance(radius_km, "area.radius_km", false)?;
    Ok(Prepared {
        test: Test::Within {
            centre: Point::new(lon, lat),
            km: radius_km,
        },
        envelope: widened(([lon, lat], [lon, lat]), radius_km),
    })
}

fn shape(geometry: &geojson::Geometry, buffer_km: f64) -> Result<Prepared> {
    use geojson::Value as V;
    const FIELD: &str = "area.geometry";
    distance(buffer_km, "area.buffer_km", true)?;
    let has_area = match &geometry.value {
        V::Polygon(_) | V::MultiPolygon(_) => true,
        V::LineString(_) | V::MultiLineString(_) | V::Point(_) => false,
        other => {
            return Err(Error::unusable(
                FIELD,
                format!(
                    "a {} cannot be watched: give a Polygon, MultiPolygon, LineString, MultiLineString or Point",
                    other.type_name()
                ),
            ))
        }
    };
    if !has_area && buffer_km <= 0.0 {
        return Err(Error::unusable(
            "area.buffer_km",
            "a line or a point needs a buffer greater than 0 km",
        ));
    }
    let shape: geo::Geometry = geo::Geometry::try_from(geometry.clone())
        .map_err(|e| Error::unusable(FIELD, e.to_string()))?;
    let mut bounds: Option<([f64; 2], [f64; 2])> = None;
    for c in geo::CoordsIter::coords_iter(&shape) {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(Error::invalid(FIELD, "coordinates must be numbers"));
        }
        lon_lat(c.y, c.x, FIELD)?;
        let b = bounds.get_or_insert(([c.x, c.y], [c.x, c.y]));
        b.0 = [b.0[0].min(c.x), b.0[1].min(c.y)];
        b.1 = [b.1[0].max(c.x), b.1[1].max(c.y)];
    }
    let Some(bounds) = bounds else {
        return Err(Error::unusable(FIELD, "the geometry has no coordinates"));
    };
    if let Err(e) = shape.check_validation() {
        return Err(Error::unusable(FIELD, format!("not a valid geometry: {e}")));
    }
    Ok(Prepared {
        test: Test::Near {
            shape,
            km: buffer_km,
        },
        envelope: widened(bounds, buffer_km),
    })
}

/// `b` grown by `km` on every side (never less than `km` anywhere inside
/// it), clamped to the globe's ranges.
fn widened(b: ([f64; 2], [f64; 2]), km: f64) -> ([f64; 2], [f64; 2]) {
    // A hair more than exact, for rounding.
    let dlat = (km / EARTH_KM).to_degrees() * 1.000_001 + 1e-9;
    let (south, north) = ((b.0[1] - dlat).max(-90.0), (b.1[1] + dlat).min(90.0));
    let widest = south.abs().max(north.abs());
    let dlon = if widest >= 89.999 {
        360.0
    } else {
        ((km / EARTH_KM).sin() / widest.to_radians().cos())
            .clamp(-1.0, 1.0)
            .asin()
            .to_degrees()
            * 1.000_001
            + 1e-9
    };
    // An area reaching across the antimeridian is kept whole in longitude:
    // rare in this field, and never missed that way.
    let (west, east) = (b.0[0] - dlon, b.1[0] + dlon);
    if west < -180.0 || east > 180.0 {
        return ([-180.0, south], [180.0, north]);
    }
    ([west, south], [east, north])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polygon(ring: &[[f64; 2]]) -> geojson::Geometry {
        geojson::Geometry::new(geojson::Value::Polygon(vec![ring
            .iter()
            .map(|c| c.to_vec())
            .collect()]))
    }

    #[test]
    fn a_circle_holds_what_is_within_its_radius() {
        // Al-Bukamal, 15 km: Al-Sukkariyah (about 6 km off) is in, Deir
        // ez-Zor city (about 120 km) is not.
        let a = Area::Circle {
            lat: 34.452,
            lon: 40.919,
            radius_km: 15.0,
        }
        .prepare()
        .unwrap();
        assert!(a.holds(34.472, 40.911 - 0.06));
        assert!(!a.holds(35.336, 40.141));
    }

    #[test]
    fn the_flat_measure_agrees_with_haversine() {
        let mut k = 0u64;
        for lat in [-70.0, -30.0, 0.0, 34.45, 60.0, 74.0] {
            for km in [1.0, 15.0, 120.0, 500.0] {
                let a = Area::Circle {
                    lat,
                    lon: 179.0,
                    radius_km: km,
                }
                .prepare()
                .unwrap();
                for i in 0..400 {
                    // A deterministic scatter around the circle's edge.
                    k = k
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let bearing = (k >> 11) as f64 / (1u64 << 53) as f64 * 360.0;
                    let r = km * (0.9 + 0.2 * f64::from(i) / 400.0) * 1000.0;
                    use geo::Destination;
                    let p = Haversine.destination(Point::new(179.0, lat), bearing, r);
                    let exact = Haversine.distance(Point::new(179.0, lat), p) / 1000.0 <= km;
                    assert_eq!(a.holds(p.y(), p.x()), exact, "{lat} {km} {bearing} {r}");
                }
            }
        }
    }

    #[test]
    fn radius_limits_are_named() {
        for r in [0.0, -1.0, 500.01, f64::NAN, f64::INFINITY] {
            let e = Area::Circle {
                lat: 35.0,
                lon: 40.0,
                radius_km: r,
            }
            .check()
            .unwrap_err();
            assert!(e.to_string().starts_with("area.radius_km:"), "{e}");
        }
        let ok = Area::Circle {
            lat: 35.0,
            lon: 40.0,
            radius_km: MAX_RADIUS_KM,
        };
        assert!(ok.check().is_ok());
        let e = Area::Circle {
            lat: 91.0,
            lon: 40.0,
            radius_km: 1.0,
        }
        .check()
        .unwrap_err();
        assert!(e.to_string().starts_with("area.lat:"), "{e}");
    }

    #[test]
    fn a_self_intersecting_polygon_is_refused() {
        // A bow tie.
        let g = polygon(&[
            [40.0, 34.0],
            [41.0, 35.0],
            [41.0, 34.0],
            [40.0, 35.0],
            [40.0, 34.0],
        ]);
        let e = Area::Shape {
            geometry: g,
            buffer_km: 0.0,
        }
        .check()
        .unwrap_err();
        assert!(e.to_string().starts_with("area.geometry:"), "{e}");
    }

    #[test]
    fn a_road_buffered_holds_what_is_near_it() {
        // A road east along latitude 35 from 40.0 to 40.5, 2 km either side.
        let road = geojson::Geometry::new(geojson::Value::LineString(vec![
            vec![40.0, 35.0],
            vec![40.5, 35.0],
        ]));
        let a = Area::Shape {
            geometry: road.clone(),
            buffer_km: 2.0,
        }
        .prepare()
        .unwrap();
        // 1.1 km north of the road, 3.3 km north, beyond its end.
        assert!(a.holds(35.01, 40.2));
        assert!(!a.holds(35.03, 40.2));
        assert!(!a.holds(35.0, 40.6));
        // No buffer: a line holds nothing, so it is refused.
        let e = Area::Shape {
            geometry: road,
            buffer_km: 0.0,
        }
        .check()
        .unwrap_err();
        assert!(e.to_string().starts_with("area.buffer_km:"), "{e}");
    }

    #[test]
    fn a_polygon_holds_its_inside_and_its_buffer() {
        let g = polygon(&[
            [40.0, 34.0],
            [41.0, 34.0],
            [41.0, 35.0],
            [40.0, 35.0],
            [40.0, 34.0],
        ]);
        let a = Area::Shape {
            geometry: g.clone(),
            buffer_km: 0.0,
        }
        .prepare()
        .unwrap();
        assert!(a.holds(34.5, 40.5));
        assert!(!a.holds(34.5, 41.05));
        let b = Area::Shape {
            geometry: g,
            buffer_km: 10.0,
        }
        .prepare()
        .unwrap();
        assert!(b.holds(34.5, 41.05));
    }

    #[test]
    fn a_box_must_be_ordered() {
        let e = Area::Bbox {
            bbox: [41.0, 34.0, 40.0, 35.0],
        }
        .check()
        .unwrap_err();
        assert!(e.to_string().starts_with("area.bbox:"), "{e}");
        let a = Area::Bbox {
            bbox: [40.0, 34.0, 41.0, 35.0],
        }
        .prepare()
        .unwrap();
        assert!(a.holds(34.0, 40.0) && a.holds(35.0, 41.0) && !a.holds(35.01, 40.5));
    }

    #[test]
    fn envelopes_hold_the_whole_circle_at_the_limits() {
        for (lat, lon) in [(0.0, 0.0), (89.9, 10.0), (-60.0, 179.9), (34.45, 40.92)] {
            let a = Area::Circle {
                lat,
                lon,
                radius_km: MAX_RADIUS_KM,
            }
            .prepare()
            .unwrap();
            let ([w, s], [e, n]) = a.envelope;
            for bearing in (0..360).step_by(15) {
                use geo::Destination;
                let p = Haversine.destination(Point::new(lon, lat), f64::from(bearing), 499_999.0);
                assert!(a.holds(p.y(), p.x()));
                assert!(
                    p.x() >= w && p.x() <= e && p.y() >= s && p.y() <= n,
                    "{lat},{lon} bearing {bearing}: {p:?} outside {:?}",
                    a.envelope
                );
            }
        }
    }
}
