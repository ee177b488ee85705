//! `marsad alerts`: standing alerts from the command line, checked as the
//! API checks them.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use marsad_alerts::{Alert, Area, Filters, Webhook};
use marsad_model::{EventType, ReviewStatus};
use marsad_store::Store;

use super::common::load_gazetteer;
use super::{DbArgs, GazetteerArgs};

#[derive(Subcommand)]
pub(super) enum AlertsCommand {
    /// Adds an alert on an area; matches start with the next incident
    /// stored or changed. Prints its id, feed address and webhook secret.
    Add(Box<AddArgs>),
    /// Lists alerts (one user's, or everyone's) and their latest match.
    List {
        /// Only this user's.
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Removes an alert and its matches.
    Rm {
        /// The alert's id.
        id: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Lists the stored incidents an alert would match now, newest first,
    /// and posts a signed `test` delivery to its webhook, if it has one.
    Test {
        /// The alert's id.
        id: String,
        /// Incidents listed at most.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Networks the webhook may reach although not public (as `serve
        /// --webhook-allow`).
        #[arg(long = "webhook-allow", value_delimiter = ',')]
        webhook_allow: Vec<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
pub(super) struct AddArgs {
    /// What to call it.
    #[arg(long)]
    name: String,
    /// The user who owns it (the server's own `--token` signs in as admin).
    #[arg(long, default_value = "admin")]
    user: String,
    /// A circle: LAT,LON,KM.
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        group = "area"
    )]
    circle: Option<Vec<f64>>,
    /// A box: WEST,SOUTH,EAST,NORTH.
    #[arg(
        long,
        value_delimiter = ',',
        allow_hyphen_values = true,
        group = "area"
    )]
    bbox: Option<Vec<f64>>,
    /// A gazetteer place (see `marsad places search`), with --radius.
    #[arg(long, group = "area", requires = "radius")]
    place: Option<String>,
    /// The radius around --place, km.
    #[arg(long)]
    radius: Option<f64>,
    /// A file holding a GeoJSON geometry (or a Feature): a polygon, or a
    /// line or point with --buffer.
    #[arg(long, group = "area")]
    geojson: Option<std::path::PathBuf>,
    /// How far around the --geojson geometry, km.
    #[arg(long, default_value_t = 0.0)]
    buffer: f64,
    /// Only incidents of this type (repeat for several).
    #[arg(long = "type")]
    types: Vec<EventType>,
    /// Only incidents at least this likely (0–1).
    #[arg(long)]
    min_confidence: Option<f64>,
    /// Only incidents in this review state (repeat for several).
    #[arg(long)]
    status: Vec<ReviewStatus>,
    /// Only incidents with at least this many killed.
    #[arg(long)]
    min_killed: Option<u32>,
    /// Post matches to this http(s) address, signed.
    #[arg(long)]
    webhook: Option<String>,
    /// Networks the webhook may reach although not public.
    #[arg(long = "webhook-allow", value_delimiter = ',')]
    webhook_allow: Vec<String>,
    #[command(flatten)]
    db: DbArgs,
}

pub(super) fn run(gaz: &GazetteerArgs, command: AlertsCommand) -> Result<()> {
    match command {
        AlertsCommand::Add(args) => add(gaz, *args),
        AlertsCommand::List { user, db } => list(&open(&db)?, user.as_deref()),
        AlertsCommand::Rm { id, db } => {
            if !open(&db)?.remove_alert(&id)? {
                bail!("no alert {id:?} (see `marsad alerts list`)");
            }
            println!("{id}: removed");
            Ok(())
        }
        AlertsCommand::Test {
            id,
            limit,
            webhook_allow,
            db,
        } => test(&open(&db)?, &id, limit, &webhook_allow),
    }
}

fn add(gaz: &GazetteerArgs, a: AddArgs) -> Result<()> {
    let area = area(gaz, &a)?;
    let mut alert = Alert::new(&marsad_alerts::new_id(), &a.user, &a.name, area);
    alert.filters = Filters {
        types: a.types,
        min_confidence: a.min_confidence,
        status: a.status,
        min_killed: a.min_killed,
    };
    if let Some(url) = a.webhook {
        marsad_alerts::webhook::Policy::allowing(&a.webhook_allow)?.check(&url)?;
        alert.webhook = Some(Webhook {
            url,
            secret: marsad_alerts::secret(),
        });
    }
    alert.check()?;
    let mut store = open(&a.db)?;
    store.add_alert(&alert.to_record())?;
    println!("{}", alert.id);
    eprintln!(
        "feed: /alerts/{}/feed.atom?key={} (keep it private)",
        alert.id, alert.feed_key
    );
    if let Some(w) = &alert.webhook {
        eprintln!(
            "webhook secret (shown once; deliveries are signed with it): {}",
            w.secret
        );
    }
    Ok(())
}

fn area(gaz: &GazetteerArgs, a: &AddArgs) -> Result<Area> {
    if let Some(c) = &a.circle {
        if c.len() != 3 {
            bail!("--circle: give LAT,LON,KM (three numbers)");
        }
        return Ok(Area::Circle {
            lat: c[0],
            lon: c[1],
            radius_km: c[2],
        });
    }
    if let Some(b) = &a.bbox {
        if b.len() != 4 {
            bail!("--bbox: give WEST,SOUTH,EAST,NORTH (four numbers)");
        }
        return Ok(Area::Bbox {
            bbox: [b[0], b[1], b[2], b[3]],
        });
    }
    if let Some(id) = &a.place {
        let g = load_gazetteer(gaz)?;
        let place = g.by_id(id).map(|i| g.place(i)).with_context(|| {
            format!("--place: the gazetteer has no place {id:?} (see `marsad places search`)")
        })?;
        return Ok(Area::Place {
            place_id: id.clone(),
            radius_km: a.radius.unwrap_or(0.0),
            lat: Some(place.lat),
            lon: Some(place.lon),
            name: Some(place.name_ar.clone()),
        });
    }
    if let Some(path) = &a.geojson {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        let geometry = match text.parse::<geojson::GeoJson>() {
            Ok(geojson::GeoJson::Geometry(g)) => g,
            Ok(geojson::GeoJson::Feature(f)) => f
                .geometry
                .with_context(|| format!("{}: the Feature has no geometry", path.display()))?,
            Ok(_) => bail!(
                "{}: give a Geometry or a Feature, not a FeatureCollection",
                path.display()
            ),
            Err(e) => bail!("{}: not GeoJSON: {e}", path.display()),
        };
        return Ok(Area::Shape {
            geometry,
            buffer_km: a.buffer,
        });
    }
    bail!("give the area: --circle, --bbox, --place with --radius, or --geojson")
}

fn list(store: &Store, user: Option<&str>) -> Result<()> {
    for r in store.alerts(user)? {
        let latest = store.alert_matches(&r.id, 1)?;
        let latest = latest.first().map_or("no match yet".to_string(), |m| {
            format!(
                "last match {} ({}, delivery {})",
                m.matched_at, m.event, m.delivery
            )
        });
        let area = Alert::from_record(&r).map_or_else(|e| e.to_string(), |a| describe(&a.area));
        let hook = r.webhook_url.as_deref().unwrap_or("no webhook");
        println!(
            "{}\t{}\t{}\t{area}\t{hook}\t{latest}",
            r.id, r.owner, r.name
        );
    }
    Ok(())
}

fn describe(a: &Area) -> String {
    match a {
        Area::Circle {
            lat,
            lon,
            radius_km,
        } => format!("{radius_km} km of {lat},{lon}"),
        Area::Bbox { bbox } => format!("box {bbox:?}"),
        Area::Place {
            place_id,
            radius_km,
            ..
        } => format!("{radius_km} km of {place_id}"),
        Area::Shape {
            geometry,
            buffer_km,
        } => format!("{} + {buffer_km} km", geometry.value.type_name()),
    }
}

fn test(store: &Store, id: &str, limit: usize, allow: &[String]) -> Result<()> {
    let record = store
        .alert(id)?
        .with_context(|| format!("no alert {id:?} (see `marsad alerts list`)"))?;
    let alert = Alert::from_record(&record)?;
    let index = marsad_alerts::AlertIndex::new(vec![alert]);
    let mut found = 0;
    let mut first = None;
    for inc in store.all_incidents()? {
        if index.matching(&inc).is_empty() {
            continue;
        }
        found += 1;
        if found <= limit {
            let place = inc.place.as_ref().map_or("", |p| p.name_ar.as_str());
            let date = inc.date.map_or("undated".into(), |d| d.to_string());
            println!("{}\t{}\t{place}\t{date}", inc.id, inc.event_type.as_str());
        }
        first.get_or_insert(inc);
    }
    eprintln!("{id}: {found} stored incident(s) match");
    let (Some(url), Some(secret)) = (&record.webhook_url, &record.webhook_secret) else {
        return Ok(());
    };
    let sample = first.map_or(serde_json::Value::Null, |i| {
        serde_json::to_value(marsad_formats::IncidentFeature::new(&i, None)).unwrap_or_default()
    });
    let body = serde_json::to_vec(&serde_json::json!({
        "event": "test",
        "alert": {"id": record.id, "name": record.name},
        "idempotency_key": "test",
        "incident": sample,
    }))?;
    let headers = marsad_alerts::sign::delivery_headers(secret, &body, "test", "test");
    let policy = marsad_alerts::webhook::Policy::allowing(allow)?;
    let status = policy.post(url, &headers, &body, marsad_alerts::DELIVERY_TIMEOUT)?;
    if (200..300).contains(&status) {
        eprintln!("{url}: a test delivery was accepted ({status})");
        Ok(())
    } else {
        bail!("{url}: the receiver answered {status} to a test delivery")
    }
}

fn open(db: &DbArgs) -> Result<Store> {
    Store::open(&db.db).with_context(|| db.db.to_string())
}
