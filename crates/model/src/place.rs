//! Where an incident happened, as the store keeps it: the place's facts
//! copied from the gazetteer, so that nothing downstream needs it.

use serde::{Deserialize, Serialize};

/// The place of an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Gazetteer id, or `unlisted:NAME@ID` for a place the gazetteer lacks,
    /// located by gazetteer place ID.
    pub id: String,
    /// Arabic name.
    pub name_ar: String,
    /// English name, when the gazetteer has one.
    pub name_en: Option<String>,
    /// Governorate.
    pub admin1: Option<String>,
    /// District.
    pub admin2: Option<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// ACLED's geo precision: how well the point stands for where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GeoPrecision(u8);

impl GeoPrecision {
    /// 1: the place itself.
    pub const PLACE: GeoPrecision = GeoPrecision(1);
    /// 2: near it, its countryside, part of a region.
    pub const NEAR: GeoPrecision = GeoPrecision(2);
    /// 3: only a governorate or a large region.
    pub const REGION: GeoPrecision = GeoPrecision(3);

    /// From ACLED's code; out-of-range codes are clamped to 1–3.
    pub fn new(code: u8) -> Self {
        GeoPrecision(code.clamp(1, 3))
    }

    /// ACLED's code, 1–3.
    pub fn code(self) -> u8 {
        self.0
    }
}

impl Default for GeoPrecision {
    fn default() -> Self {
        GeoPrecision::PLACE
    }
}

impl std::fmt::Display for GeoPrecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
