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

/// Largest offset a client may ask for (far beyond any store).
pub const MAX_OFFSET: usize = u32::MAX as usize;

/// Longest place name searched for, characters.
pub const MAX_PLACE_QUERY: usize = 200;

/// Most articles a list of the latest holds.
pub const MAX_ARTICLES: usize = 100;

/// Most places a search returns.
pub const MAX_PLACES: usize = 100;

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

    /// Every name and value, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of a parameter. An empty value is a value (which
    /// its parser refuses), not an absent one: the contract says so.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a parameter, which must not be empty.
    pub fn text(&self, name: &str) -> Result<Option<&str>, AppError> {
        match self.get(name) {
            Some("") => Err(AppError::param(name, "is empty")),
            v => Ok(v),
        }
    }

    /// Every value of a parameter, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter parsed into its type; the error names the parameter.
    pub fn typed<T>(&self, name: &str) -> Result<Option<T>, AppError>
    where
        T: FromStr<Err = marsad_model::Error>,
    {
        self.text(name)?
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
        let n: usize = v
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| v.parse().ok())
            .flatten()
            .ok_or_else(|| {
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
        Ok(IncidentQuery::from_pairs(self.pairs())?)
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
            .map(|v| coordinate(v, "lat", 90.0))
            .transpose()?;
        let lon = p
            .get("lon")
            .map(|v| coordinate(v, "lon", 180.0))
            .transpose()?;
        // Checked even when lat and lon make it unused: a request the
        // description calls invalid is refused whatever else it holds.
        let place = p.text("place")?.map(place_name).transpose()?;
        let centre = match (lat, lon, place) {
            (Some(lat), Some(lon), _) => Some(LatLon { lat, lon }),
            (Some(_), None, _) => {
                return Err(AppError::unprocessable(
                    "invalid_combination",
                    "lon",
                    "is required with lat",
                ))
            }
            (None, Some(_), _) => {
                return Err(AppError::unprocessable(
                    "invalid_combination",
                    "lat",
                    "is required with lon",
                ))
            }
            (None, None, Some(name)) => Some(place_centre(state, name)?),
            (None, None, None) => None,
        };
        let radius = p
            .get("radius_km")
            .map(|v| {
                let km = marsad_model::json_number(v).map_err(|e| e.for_param("radius_km"))?;
                RadiusKm::new(km).map_err(|e| AppError::from(e.for_param("radius_km")))
            })
            .transpose()?;
        let bbox = p.get("bbox").map(|v| bbox(v, false)).transpose()?;
        let query = p.filters()?;
        let limit = p.count("limit", MAX_LIMIT)?;
        let offset = p.count("offset", MAX_OFFSET)?.unwrap_or(0);
        let sort = p.get("sort").map(sort).transpose()?;
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
            (Some(_), None) if required => Err(AppError::unprocessable(
                "invalid_combination",
                "radius_km",
                "is required",
            )),
            (Some(centre), None) => Ok(Area::Radius {
                centre,
                radius: RadiusKm::new(DEFAULT_RADIUS_KM)?,
            }),
            (None, Some(_)) => Err(AppError::unprocessable(
                "invalid_combination",
                "lat",
                "lat and lon, or place, are required with radius_km",
            )),
            (None, None) if required => Err(AppError::unprocessable(
                "invalid_combination",
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

/// A latitude or longitude as the contract writes it: a JSON number
/// within ±`limit`.
fn coordinate(v: &str, name: &str, limit: f64) -> Result<f64, AppError> {
    marsad_model::json_number(v)
        .and_then(|x| marsad_model::in_range(x, -limit, limit))
        .map_err(|e| e.for_param(name).into())
}

/// A place name no longer than a search takes.
fn place_name(name: &str) -> Result<&str, AppError> {
    if name.chars().count() > MAX_PLACE_QUERY {
        return Err(AppError::param(
            "place",
            format!("is longer than {MAX_PLACE_QUERY} characters"),
        ));
    }
    Ok(name)
}

/// The centre of a named place.
fn place_centre(state: &AppState, name: &str) -> Result<LatLon, AppError> {
    let i = state.gaz.lookup_name(name).ok_or_else(|| {
        AppError::unprocessable(
            "unknown_place",
            "place",
            format!("no place called {name:?} in the gazetteer (see /api/v1/places?q=)"),
        )
    })?;
    let pl = state.gaz.place(i);
    Ok(LatLon {
        lat: pl.lat,
        lon: pl.lon,
    })
}

/// An order: `distance`, `date` or `-date`.
fn sort(v: &str) -> Result<Sort, AppError> {
    v.parse()
        .map_err(|e: marsad_model::Error| e.for_param("sort").into())
}

/// `min_lon,min_lat,max_lon,max_lat` (with `three_d`, OGC's six numbers
/// too: the heights are ignored). Malformed or out of range is a 400; a
/// box whose south is above its north is well-formed but empty of
/// meaning, a 422.
pub(crate) fn bbox(v: &str, three_d: bool) -> Result<BBox, AppError> {
    let parts: Vec<&str> = v.split(',').collect();
    let (w, s, e, n) = match (parts.as_slice(), three_d) {
        ([w, s, e, n], _) => (*w, *s, *e, *n),
        ([w, s, _, e, n, _], true) => (*w, *s, *e, *n),
        _ => {
            return Err(AppError::param(
                "bbox",
                "expected four numbers min_lon,min_lat,max_lon,max_lat",
            ))
        }
    };
    let box_ = BBox {
        min_lon: coordinate(w, "bbox", 180.0)?,
        min_lat: coordinate(s, "bbox", 90.0)?,
        max_lon: coordinate(e, "bbox", 180.0)?,
        max_lat: coordinate(n, "bbox", 90.0)?,
    };
    if box_.min_lat > box_.max_lat {
        return Err(AppError::unprocessable(
            "invalid_combination",
            "bbox",
            format!("min_lat {} is above max_lat {}", box_.min_lat, box_.max_lat),
        ));
    }
    Ok(box_)
}

impl FromRequestParts<AppState> for Selection {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Selection::parse(state, &Params::parse(parts.uri.query()))
    }
}
