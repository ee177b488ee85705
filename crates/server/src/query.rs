//! Query strings, parsed once into the model's typed inputs: [`Params`]
//! for any endpoint, and [`Selection`], the one extractor every incident
//! endpoint takes (filters, area, page, order).

use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use marsad_index::Page;
use marsad_model::{BBox, IncidentQuery, LatLon, RadiusKm, Sort};

use crate::{AppError, AppState};

/// Largest page a client may ask for.
pub const MAX_LIMIT: usize = 10_000;

/// The raw query string, parsed (repeated keys allowed).
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a query string.
    pub fn parse(q: Option<&str>) -> Self {
        Params(
            form_urlencoded::parse(q.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first value of a parameter (empty values count as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of a parameter, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// A parameter parsed into its type; the error names the parameter.
    pub fn typed<T>(&self, name: &str) -> Result<Option<T>, AppError>
    where
        T: FromStr<Err = marsad_model::Error>,
    {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|e: marsad_model::Error| e.for_param(name))
            })
            .transpose()
            .map_err(AppError::from)
    }

    /// A count (limit, offset) with a maximum.
    pub fn count(&self, name: &str, max: usize) -> Result<Option<usize>, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        let n: usize = v.trim().parse().map_err(|_| {
            AppError::param(name, format!("{v:?} is not a non-negative whole number"))
        })?;
        if n > max {
            return Err(AppError::param(
                name,
                format!("{n} is more than the maximum {max}"),
            ));
        }
        Ok(Some(n))
    }

    /// The filters every incident query shares.
    pub fn filters(&self) -> Result<IncidentQuery, AppError> {
        Ok(IncidentQuery::from_pairs(
            self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )?)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Params::parse(parts.uri.query()))
    }
}

/// What part of the map a query covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Area {
    /// Within a radius of a point.
    Radius {
        /// The centre.
        centre: LatLon,
        /// The radius.
        radius: RadiusKm,
    },
    /// Inside a box.
    Bbox(BBox),
    /// Everywhere.
    All,
}

impl Area {
    /// The index's name for it.
    pub fn region(self) -> marsad_index::Region {
        match self {
            Area::Radius { centre, radius } => marsad_index::Region::Radius {
                lat: centre.lat,
                lon: centre.lon,
                km: radius.km(),
            },
            Area::Bbox(b) => marsad_index::Region::Bbox(b.to_array()),
            Area::All => marsad_index::Region::All,
        }
    }
}

/// An incident query as the API takes it: `since`, `until`, `type`,
/// `actor`, `min_confidence`, `geo_precision`; `lat`+`lon` or `place`,
/// `radius_km`, `bbox`; `limit`, `offset`, `sort`; `properties`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The filters.
    pub query: IncidentQuery,
    /// A centre for a radius query.
    pub centre: Option<LatLon>,
    /// The radius.
    pub radius: Option<RadiusKm>,
    /// A box.
    pub bbox: Option<BBox>,
    /// Page size asked for (at most [`MAX_LIMIT`]).
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: usize,
    /// Order asked for.
    pub sort: Option<Sort>,
    /// `properties=min`: only what a map needs to draw and filter.
    pub minimal: bool,
}

/// Radius when a centre is given without one, km.
const DEFAULT_RADIUS_KM: f64 = 25.0;

impl Selection {
    /// Parses a query string; `place=` is looked up in the gazetteer.
    pub fn parse(state: &AppState, p: &Params) -> Result<Self, AppError> {
        let lat = p
            .get("lat")
            .map(|v| LatLon::latitude(v).map_err(|e| e.for_param("lat")));
        let lon = p
            .get("lon")
            .map(|v| LatLon::longitude(v).map_err(|e| e.for_param("lon")));
        let centre = match (lat.transpose()?, lon.transpose()?, p.get("place")) {
            (Some(lat), Some(lon), _) => Some(LatLon { lat, lon }),
            (Some(_), None, _) => return Err(AppError::param("lon", "is required with lat")),
            (None, Some(_), _) => return Err(AppError::param("lat", "is required with lon")),
            (None, None, Some(name)) => {
                let i = state.gaz.lookup_name(name).ok_or_else(|| {
                    AppError::param(
                        "place",
                        format!(
                            "no place called {name:?} in the gazetteer (see /api/v1/places?q=)"
                        ),
                    )
                })?;
                let pl = state.gaz.place(i);
                Some(LatLon {
                    lat: pl.lat,
                    lon: pl.lon,
                })
            }
            (None, None, None) => None,
        };
        let radius = p.typed::<RadiusKm>("radius_km")?;
        let bbox = p.typed::<BBox>("bbox")?;
        let query = p.filters()?;
        let limit = p.count("limit", MAX_LIMIT)?;
        let offset = p.count("offset", usize::MAX)?.unwrap_or(0);
        let sort = p.typed::<Sort>("sort")?;
        let minimal = match p.get("properties") {
            None | Some("all") => false,
            Some("min") => true,
            Some(other) => {
                return Err(AppError::param(
                    "properties",
                    format!("{other:?} is not one of all, min"),
                ))
            }
        };
        Ok(Selection {
            query,
            centre,
            radius,
            bbox,
            limit,
            offset,
            sort,
            minimal,
        })
    }

    /// The area: a radius around the centre (25 km unless given; with
    /// `required`, both must be given), else the box, else everywhere.
    pub fn area(&self, required: bool) -> Result<Area, AppError> {
        match (self.centre, self.radius) {
            (Some(centre), Some(radius)) => Ok(Area::Radius { centre, radius }),
            (Some(_), None) if required => Err(AppError::param("radius_km", "is required")),
            (Some(centre), None) => Ok(Area::Radius {
                centre,
                radius: RadiusKm::new(DEFAULT_RADIUS_KM)?,
            }),
            (None, Some(_)) => Err(AppError::param(
                "lat",
                "lat and lon, or place, are required with radius_km",
            )),
            (None, None) if required => Err(AppError::param(
                "lat",
                "lat and lon, or place, are required",
            )),
            (None, None) => Ok(self.bbox.map_or(Area::All, Area::Bbox)),
        }
    }

    /// Calls `f` for every incident the filters admit in `area`, from the
    /// index, in no particular order (for aggregates).
    pub fn for_each<'a>(
        &self,
        ix: &'a marsad_index::SpatialIndex,
        area: Area,
        f: impl FnMut(marsad_index::Found<'a>),
    ) {
        match area {
            Area::Radius { centre, radius } => {
                ix.for_each_near(centre.lat, centre.lon, radius.km(), &self.query, f)
            }
            Area::Bbox(b) => ix.for_each(Some(b.to_array()), &self.query, f),
            Area::All => ix.for_each(None, &self.query, f),
        }
    }

    /// The order asked for, else nearest first around a centre and newest
    /// first elsewhere.
    pub fn sort_for(&self, area: Area) -> Sort {
        self.sort.unwrap_or(match area {
            Area::Radius { .. } => Sort::Distance,
            Area::Bbox(_) | Area::All => Sort::DateDesc,
        })
    }

    /// Runs the query on the index: one page, and the page size used.
    pub fn run(&self, state: &AppState, area: Area, default_limit: usize) -> (Page, usize) {
        let limit = self.limit.unwrap_or(default_limit);
        let ix = state.index.read().unwrap_or_else(|e| e.into_inner());
        let page = ix.query(
            area.region(),
            &self.query,
            self.sort_for(area),
            limit,
            self.offset,
        );
        (page, limit)
    }
}

impl FromRequestParts<AppState> for Selection {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Selection::parse(state, &Params::parse(parts.uri.query()))
    }
}
