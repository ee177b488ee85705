use serde::{Deserialize, Serialize};

/// What kind of place a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum PlaceKind {
    Country,
    Governorate,
    District,
    Subdistrict,
    City,
    Town,
    Village,
    Neighbourhood,
    Camp,
    Base,
    Airport,
    OilField,
    GasField,
    Crossing,
    Facility,
    River,
    Region,
    Landmark,
}

impl PlaceKind {
    /// The kind's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        use PlaceKind::*;
        match self {
            Country => "country",
            Governorate => "governorate",
            District => "district",
            Subdistrict => "subdistrict",
            City => "city",
            Town => "town",
            Village => "village",
            Neighbourhood => "neighbourhood",
            Camp => "camp",
            Base => "base",
            Airport => "airport",
            OilField => "oil_field",
            GasField => "gas_field",
            Crossing => "crossing",
            Facility => "facility",
            River => "river",
            Region => "region",
            Landmark => "landmark",
        }
    }

    /// Populated places: cities, towns, villages, neighbourhoods, camps.
    pub fn is_settlement(self) -> bool {
        use PlaceKind::*;
        matches!(self, City | Town | Village | Neighbourhood | Camp)
    }

    /// Administrative units.
    pub fn is_admin(self) -> bool {
        use PlaceKind::*;
        matches!(self, Country | Governorate | District | Subdistrict)
    }

    /// Sites that are not settlements: fields, bases, crossings, airports…
    pub fn is_facility(self) -> bool {
        use PlaceKind::*;
        matches!(
            self,
            Base | Airport | OilField | GasField | Crossing | Facility | Landmark
        )
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Stable id, the source's own: `wof:…`, `gn:…`, an OCHA P-code, `cur:…`,
    /// `iso:…` for countries, `marsad:…` for the project's own additions.
    pub id: String,
    /// Ids of the same place in other sources, merged into this record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub xref: Vec<String>,
    /// Preferred Arabic name.
    pub name_ar: String,
    /// Preferred English (Latin) name.
    pub name_en: String,
    /// Other Arabic names and spellings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names_ar: Vec<String>,
    /// Other Latin names and spellings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names_en: Vec<String>,
    /// Kind of place.
    pub kind: PlaceKind,
    /// True for a national capital.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub capital: bool,
    /// Latitude, WGS84.
    pub lat: f64,
    /// Longitude, WGS84.
    pub lon: f64,
    /// `[min_lon, min_lat, max_lon, max_lat]` where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Governorate / first-level unit (English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<String>,
    /// District / second-level unit (English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin2: Option<String>,
    /// Population where a source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Honest radius of doubt around the point, in km.
    pub precision_km: f32,
    /// Which source(s) the record comes from.
    pub source: String,
}

impl Place {
    /// Every Arabic name, preferred first.
    pub fn all_names_ar(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name_ar.as_str())
            .chain(self.names_ar.iter().map(String::as_str))
            .filter(|s| !s.is_empty())
    }

    /// Every Latin name, preferred first.
    pub fn all_names_en(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name_en.as_str())
            .chain(self.names_en.iter().map(String::as_str))
            .filter(|s| !s.is_empty())
    }

    /// Adds a name in the right list unless already present.
    pub fn add_name(&mut self, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let letters = || name.chars().filter(|c| c.is_alphabetic());
        if letters().all(marsad_arabic::is_arabic) && letters().next().is_some() {
            if self.name_ar.is_empty() {
                self.name_ar = name.to_string();
            } else if self.name_ar != name && !self.names_ar.iter().any(|n| n == name) {
                self.names_ar.push(name.to_string());
            }
        } else if name.chars().all(|c| !c.is_alphabetic() || is_latin(c)) {
            if self.name_en.is_empty() {
                self.name_en = name.to_string();
            } else if self.name_en != name && !self.names_en.iter().any(|n| n == name) {
                self.names_en.push(name.to_string());
            }
        }
    }

    /// Removes an Arabic or Latin name everywhere it appears.
    pub fn remove_name(&mut self, name: &str) {
        self.names_ar.retain(|n| n != name);
        self.names_en.retain(|n| n != name);
        if self.name_ar == name {
            self.name_ar = if self.names_ar.is_empty() {
                String::new()
            } else {
                self.names_ar.remove(0)
            };
        }
    }
}

/// Latin script including its accented letters.
pub(crate) fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}
