//! An alert's matches as an Atom feed (RFC 4287) with GeoRSS points, for
//! any feed reader.

use atom_syndication::extension::{Extension, ExtensionMap};
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Text};
use marsad_store::{AlertMatch, AlertRecord};

/// GeoRSS-Simple's namespace.
const GEORSS: &str = "http://www.georss.org/georss";

/// The feed of `alert`'s `matches` (newest first), whose own address is
/// `self_url` and whose incidents are at `{base}/api/v1/incidents/{id}`.
pub fn feed(alert: &AlertRecord, matches: &[AlertMatch], self_url: &str, base: &str) -> String {
    let time = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s).unwrap_or_else(|_| FixedDateTime::default())
    };
    let entries: Vec<Entry> = matches
        .iter()
        .map(|m| entry(m, base, time(&m.matched_at)))
        .collect();
    let updated = matches
        .first()
        .map_or_else(|| time(&alert.updated_at), |m| time(&m.matched_at));
    let mut feed = Feed {
        title: Text::plain(format!("Marsad alert: {}", alert.name)),
        id: format!("urn:marsad:alert:{}", alert.id),
        updated,
        entries,
        ..Feed::default()
    };
    feed.links = vec![Link {
        href: self_url.into(),
        rel: "self".into(),
        mime_type: Some("application/atom+xml".into()),
        ..Link::default()
    }];
    feed.namespaces.insert("georss".into(), GEORSS.into());
    feed.to_string()
}

fn entry(m: &AlertMatch, base: &str, when: FixedDateTime) -> Entry {
    let f: serde_json::Value = serde_json::from_str(&m.payload).unwrap_or_default();
    let props = &f["properties"];
    let text = |k: &str| props[k].as_str().unwrap_or("").to_string();
    let place = [text("place_en"), text("place_ar")]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "an unnamed place".into());
    let kind = text("type").replace('_', " ");
    let date = props["date"]
        .as_str()
        .map_or(String::new(), |d| format!(", {d}"));
    let tolls: Vec<String> = ["killed", "injured", "arrested"]
        .iter()
        .filter_map(|k| props[*k].as_u64().map(|n| format!("{n} {k}")))
        .collect();
    let mut summary = format!("{}: {kind} at {place}{date}", m.event);
    if !tolls.is_empty() {
        summary.push_str(&format!(" ({})", tolls.join(", ")));
    }
    let mut extensions = ExtensionMap::default();
    if let Some([lon, lat]) = f["geometry"]["coordinates"]
        .as_array()
        .and_then(|c| Some([c.first()?.as_f64()?, c.get(1)?.as_f64()?]))
    {
        let point = Extension {
            name: "georss:point".into(),
            value: Some(format!("{lat} {lon}")),
            ..Extension::default()
        };
        extensions
            .entry("georss".into())
            .or_default()
            .insert("point".into(), vec![point]);
    }
    Entry {
        title: Text::plain(format!("{kind} at {place}{date}")),
        id: format!("urn:marsad:incident:{}:{}", m.incident_id, m.version),
        updated: when,
        summary: Some(Text::plain(summary)),
        links: vec![Link {
            href: format!("{base}/api/v1/incidents/{}", m.incident_id),
            rel: "alternate".into(),
            mime_type: Some("application/geo+json".into()),
            ..Link::default()
        }],
        extensions,
        ..Entry::default()
    }
}
