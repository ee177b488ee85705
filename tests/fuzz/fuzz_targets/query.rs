//! Query strings: every parameter parser answers a value or an error that
//! names what was wrong, never a panic; the values it accepts are in range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marsad_model::{BBox, DateRange, IncidentQuery, LatLon, RadiusKm, Sort};

fuzz_target!(|data: &[u8]| {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(data).into_owned().collect();
    let _ = IncidentQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for (_, v) in &pairs {
        if let Ok(p) = v.parse::<LatLon>() {
            assert!((-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon));
        }
        if let Ok(b) = v.parse::<BBox>() {
            let [w, s, e, n] = b.to_array();
            assert!(s <= n && [w, e].iter().all(|x| (-180.0..=180.0).contains(x)));
        }
        if let Ok(r) = v.parse::<RadiusKm>() {
            assert!(r.km() > 0.0 && r.km().is_finite());
        }
        let _ = v.parse::<DateRange>();
        let _ = v.parse::<Sort>();
        let _ = marsad_model::parse_date(v);
        let _ = LatLon::latitude(v);
        let _ = LatLon::longitude(v);
    }
});
