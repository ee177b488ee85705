//! The two jobs a server runs for alerts: matching incidents as they are
//! stored or changed, and delivering the matches to webhooks. Both work
//! from the store, so any replica may run them and a restart resumes.

use std::time::Duration;

use chrono::Utc;
use marsad_formats::IncidentFeature;
use marsad_store::{AlertMatch, AlertRecord, Delivered, MatchReport, Store};
use serde_json::json;

use crate::webhook::{Policy, Schedule};
use crate::{sign, Alert, AlertIndex, Error, Result};

/// Incidents matched per transaction at most.
const PER_PASS: usize = 2000;

/// Deliveries taken per round at most.
const PER_ROUND: usize = 32;

/// How long a delivery taken stays with its worker before another may take
/// it (longer than any try: the timeout and a margin).
const LEASE: Duration = Duration::from_secs(60);

/// How long a receiver has to answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

impl Alert {
    /// The alert a stored record holds.
    pub fn from_record(r: &AlertRecord) -> Result<Self> {
        let bad = |field: &'static str, e: serde_json::Error| Error::invalid(field, e.to_string());
        Ok(Alert {
            id: r.id.clone(),
            owner: r.owner.clone(),
            name: r.name.clone(),
            area: serde_json::from_str(&r.area).map_err(|e| bad("area", e))?,
            filters: serde_json::from_str(&r.filters).map_err(|e| bad("filters", e))?,
            webhook: match (&r.webhook_url, &r.webhook_secret) {
                (Some(url), Some(secret)) => Some(crate::Webhook {
                    url: url.clone(),
                    secret: secret.clone(),
                }),
                _ => None,
            },
            feed_key: r.feed_key.clone(),
        })
    }

    /// The record the store keeps (its dates are the store's to set).
    pub fn to_record(&self) -> AlertRecord {
        AlertRecord {
            id: self.id.clone(),
            owner: self.owner.clone(),
            name: self.name.clone(),
            area: serde_json::to_string(&self.area).unwrap_or_default(),
            filters: serde_json::to_string(&self.filters).unwrap_or_default(),
            webhook_url: self.webhook.as_ref().map(|w| w.url.clone()),
            webhook_secret: self.webhook.as_ref().map(|w| w.secret.clone()),
            feed_key: self.feed_key.clone(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }
}

/// Matches changed incidents against the alerts, keeping the index of
/// alerts until one is added, changed or removed.
#[derive(Debug, Default)]
pub struct Matcher {
    index: AlertIndex,
    version: Option<i64>,
}

impl Matcher {
    /// Matches everything changed since the last pass: what it recorded.
    pub fn pass(&mut self, store: &mut Store) -> Result<MatchReport, marsad_store::Error> {
        let version = store.alerts_version()?;
        if self.version != Some(version) {
            let alerts = store
                .alerts(None)?
                .iter()
                .filter_map(|r| match Alert::from_record(r) {
                    Ok(a) => Some(a),
                    Err(e) => {
                        tracing::warn!(alert = %r.id, error = %e, "a stored alert does not read; skipped");
                        None
                    }
                })
                .collect();
            self.index = AlertIndex::new(alerts);
            self.version = Some(version);
        }
        let index = &self.index;
        let mut all = MatchReport::default();
        loop {
            let report = store.match_changes(
                PER_PASS,
                &mut |incident| {
                    index
                        .matching(incident)
                        .into_iter()
                        .map(|a| a.id.clone())
                        .collect()
                },
                &mut |incident| {
                    serde_json::to_string(&IncidentFeature::new(incident, None)).unwrap_or_default()
                },
            )?;
            let more = report.incidents == PER_PASS;
            all.incidents += report.incidents;
            all.last_change = report.last_change;
            all.matches.extend(report.matches);
            if !more {
                return Ok(all);
            }
        }
    }
}

/// The body posted for a match: the event, the alert, the idempotency key
/// and the incident as a GeoJSON Feature.
pub fn webhook_body(m: &AlertMatch, alert: &AlertRecord) -> Vec<u8> {
    let feature: serde_json::Value =
        serde_json::from_str(&m.payload).unwrap_or(serde_json::Value::Null);
    let body = json!({
        "event": m.event,
        "alert": {"id": alert.id, "name": alert.name},
        "idempotency_key": idempotency_key(m),
        "matched_at": m.matched_at,
        "incident": feature,
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// A delivery's idempotency key: the incident and its version (a receiver
/// that has seen it may drop a repeat).
pub fn idempotency_key(m: &AlertMatch) -> String {
    format!("{}:{}", m.incident_id, m.version)
}

/// Posts due matches to their webhooks and records each outcome.
#[derive(Debug, Clone, Default)]
pub struct Courier {
    /// Where webhooks may go.
    pub policy: Policy,
    /// When failed deliveries are tried again.
    pub schedule: Schedule,
}

impl Courier {
    /// Delivers what is due now: how many were tried.
    pub fn round(&self, store: &mut Store) -> Result<usize, marsad_store::Error> {
        let now = Utc::now();
        let lease = chrono::Duration::from_std(LEASE).unwrap_or_default();
        let due = store.take_due_deliveries(now, now + lease, PER_ROUND)?;
        for (m, alert) in &due {
            let outcome = self.deliver(m, alert);
            match &outcome {
                Delivered::Yes => {
                    tracing::info!(alert = %alert.id, incident = %m.incident_id, version = m.version, "delivered")
                }
                Delivered::Retry { error, at } => {
                    tracing::warn!(alert = %alert.id, incident = %m.incident_id, %error, retry_at = %at, "delivery failed; will retry")
                }
                Delivered::GivenUp { error } => {
                    tracing::warn!(alert = %alert.id, incident = %m.incident_id, %error, "delivery given up")
                }
            }
            store.record_delivery(m, &outcome)?;
        }
        Ok(due.len())
    }

    /// One try of one delivery.
    fn deliver(&self, m: &AlertMatch, alert: &AlertRecord) -> Delivered {
        let (Some(url), Some(secret)) = (&alert.webhook_url, &alert.webhook_secret) else {
            return Delivered::GivenUp {
                error: "the alert no longer has a webhook".into(),
            };
        };
        let body = webhook_body(m, alert);
        let now = Utc::now();
        let headers = sign::delivery_headers(secret, &body, &idempotency_key(m), &m.event);
        let error = match self.policy.post(url, &headers, &body, DELIVERY_TIMEOUT) {
            Ok(status) if (200..300).contains(&status) => return Delivered::Yes,
            Ok(status) => format!("the receiver answered {status}"),
            // An address the policy refuses will not become allowed.
            Err(e @ Error::Destination(_)) => {
                return Delivered::GivenUp {
                    error: e.to_string(),
                }
            }
            Err(e) => e.to_string(),
        };
        let first_due = chrono::DateTime::parse_from_rfc3339(&m.matched_at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let give_up = chrono::Duration::from_std(self.schedule.give_up_after).unwrap_or_default();
        let wait = chrono::Duration::from_std(self.schedule.wait_after(m.attempts + 1))
            .unwrap_or_default();
        if now + wait > first_due + give_up {
            Delivered::GivenUp { error }
        } else {
            Delivered::Retry {
                error,
                at: now + wait,
            }
        }
    }
}
