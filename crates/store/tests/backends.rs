//! The same behaviour on both backends: SQLite always; PostgreSQL + PostGIS
//! when `MARSAD_TEST_POSTGRES` names a server (`./scripts/test` starts a
//! throwaway cluster and sets it), each test in a database of its own.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use std::sync::atomic::{AtomicUsize, Ordering};

use marsad_model::{
    Article, Counts, DatePrecision, EventType, Format, GeoPrecision, Incident, Place, Source,
};
use marsad_store::{Location, Store};

/// A fresh store on each backend available: (name, location, keep-alive).
fn backends() -> Vec<(&'static str, Location, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Location::from(dir.path().join("m.db"));
    let mut out = vec![("sqlite", sqlite, Some(dir))];
    match std::env::var("MARSAD_TEST_POSTGRES") {
        Ok(url) => out.push(("postgres", fresh_database(&url), None)),
        Err(_) => eprintln!("PostgreSQL not tested: MARSAD_TEST_POSTGRES is not set"),
    }
    out
}

/// A new, empty database on the server at `url`; its URL.
pub fn fresh_database(url: &str) -> Location {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "marsad_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    // One statement each: a batch would run them in one transaction.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let base = url.rsplit_once('/').unwrap().0;
    format!("{base}/{name}").parse().unwrap()
}

fn strike(id: &str, date: &str, lat: f64, lon: f64, killed: u32) -> Incident {
    Incident {
        id: id.into(),
        event_type: EventType::Airstrike,
        date: Some(date.parse().unwrap()),
        date_precision: DatePrecision::Day,
        date_text: Some("أمس".into()),
        place: Some(Place {
            id: format!("test:{lat},{lon}"),
            name_ar: "البوكمال".into(),
            name_en: Some("Abu Kamal".into()),
            admin1: Some("Deir ez-Zor".into()),
            admin2: None,
            lat,
            lon,
        }),
        geo_precision: GeoPrecision::PLACE,
        actors: vec![],
        targets: vec![],
        people: vec![],
        counts: Counts {
            killed: Some(killed),
            ..Counts::default()
        },
        confidence: 0.6,
        source_count: 1,
        reported: None,
        sources: vec![Source {
            article_id: String::new(),
            url: None,
            title: None,
            outlet: None,
            published: None,
            start: 0,
            end: 20,
            evidence: "قصفت طائرات حربية مواقع في البوكمال.".into(),
        }],
        status: Default::default(),
    }
}

fn article(text: &str, url: &str) -> Article {
    Article {
        url: Some(url.into()),
        title: Some("أحداث".into()),
        published: "2024-03-06".parse().ok(),
        text: text.into(),
        format: Format::Text,
    }
}

#[test]
fn both_backends_store_merge_and_read_alike() {
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        let a1 = article("first", "https://a.example/1");
        let first = store
            .ingest(&a1, &[strike("a", "2024-03-05", 34.45, 40.92, 4)])
            .unwrap();
        assert!(first.new_article, "{name}");
        let again = store.ingest(&a1, &[]).unwrap();
        assert!(
            !again.new_article,
            "{name}: the same article changes nothing"
        );
        let merged = store
            .ingest(
                &article("second", "https://b.example/2"),
                &[
                    strike("b", "2024-03-05", 34.46, 40.92, 6),
                    strike("c", "2024-03-05", 34.477, 40.92, 1),
                    strike("d", "2024-03-15", 34.45, 40.92, 1),
                ],
            )
            .unwrap();
        assert_eq!(merged.incidents_merged, ["a"], "{name}");
        assert_eq!(merged.incidents_new, ["c", "d"], "{name}");
        assert_eq!(store.count_incidents().unwrap(), 3, "{name}");
        assert_eq!(store.count_articles().unwrap(), 2, "{name}");

        let a = store.incident("a").unwrap().unwrap();
        assert_eq!(a.source_count, 2, "{name}");
        assert_eq!(a.counts.killed, Some(6), "{name}: the larger toll");
        assert_eq!(a.sources.len(), 2, "{name}");
        assert_eq!(a.sources[0].url.as_deref(), Some("https://a.example/1"));
        assert_eq!(
            a.place.as_ref().unwrap().name_en.as_deref(),
            Some("Abu Kamal")
        );
        let ids: Vec<String> = store
            .incidents(&["d".into(), "nope".into(), "a".into()])
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids, ["d", "a"], "{name}: in the order asked");
        let all = store.all_incidents().unwrap();
        assert_eq!(all[0].id, "d", "{name}: newest first");
        assert_eq!(
            store.first_sources().unwrap()["a"].0,
            "https://a.example/1",
            "{name}"
        );
        let every = store.first_sources().unwrap();
        let some = store
            .first_sources_of(&["a".into(), "d".into(), "nope".into()])
            .unwrap();
        assert_eq!(some.len(), 2, "{name}");
        for (id, first) in &some {
            assert_eq!(Some(first), every.get(id), "{name}: the same first report");
        }
        assert!(store.has_article(&a1.id()).unwrap(), "{name}");

        // Changes in the order written: a merged again, then c and d.
        let (all_changes, last) = store.changes_since(0).unwrap();
        let order: Vec<&str> = all_changes.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(order, ["a", "c", "d"], "{name}");
        let (after_c, _) = store.changes_since(last - 2).unwrap();
        assert_eq!(after_c.len(), 2, "{name}");
        assert_eq!(store.changes_since(last).unwrap(), (vec![], last), "{name}");
        assert!(store.incident("nope").unwrap().is_none(), "{name}");
    }
}

#[test]
fn a_nul_is_refused_and_never_found_alike_on_both_backends() {
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        let nul = article("قصف\0 في البوكمال", "https://a.example/nul");
        let refused = store.ingest(&nul, &[strike("n", "2024-03-05", 34.45, 40.92, 1)]);
        assert!(
            matches!(refused, Err(marsad_store::Error::Nul("text"))),
            "{name}: {refused:?}"
        );
        assert_eq!(store.count_articles().unwrap(), 0, "{name}");
        // Asked for by an id no store can hold: none, not an error.
        assert!(store.incident("a\0b").unwrap().is_none(), "{name}");
        assert!(
            store.incidents(&["a\0b".into()]).unwrap().is_empty(),
            "{name}"
        );
        assert!(!store.has_article("a\0b").unwrap(), "{name}");
    }
}

#[test]
fn two_writers_reporting_one_incident_at_once_make_one_incident() {
    for (name, location, _keep) in backends() {
        drop(Store::open(&location).unwrap()); // migrate once
        let barrier = std::sync::Barrier::new(2);
        std::thread::scope(|s| {
            for k in 0..2 {
                let (location, barrier) = (&location, &barrier);
                s.spawn(move || {
                    let mut store = Store::open(location).unwrap();
                    barrier.wait();
                    store
                        .ingest(
                            &article(&format!("writer {k}"), "https://w.example"),
                            &[strike(&format!("w{k}"), "2024-03-05", 34.45, 40.92, 2)],
                        )
                        .unwrap();
                });
            }
        });
        let store = Store::open(&location).unwrap();
        assert_eq!(store.count_incidents().unwrap(), 1, "{name}");
        assert_eq!(store.count_articles().unwrap(), 2, "{name}");
    }
}

#[test]
fn replicas_starting_together_migrate_once() {
    for (name, location, _keep) in backends() {
        std::thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| Store::open(&location).unwrap());
            }
        });
        assert_eq!(
            Store::open(&location).unwrap().count_incidents().unwrap(),
            0,
            "{name}"
        );
    }
}

#[test]
fn a_postgres_store_goes_on_after_its_connection_is_cut() {
    let Ok(url) = std::env::var("MARSAD_TEST_POSTGRES") else {
        eprintln!("PostgreSQL not tested: MARSAD_TEST_POSTGRES is not set");
        return;
    };
    let location = fresh_database(&url);
    let marsad_store::Location::Postgres(db) = &location else {
        unreachable!("a postgres:// URL")
    };
    let mut store = Store::open(&location).unwrap();
    let mut admin = postgres::Client::connect(db, postgres::NoTls).unwrap();
    // As a restart or a failover would: end every other session.
    let cut = |admin: &mut postgres::Client| -> i64 {
        admin
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(cut(&mut admin), 1);
    let report = store
        .ingest(
            &article("after the cut", "https://cut.example"),
            &[strike("c1", "2024-03-05", 34.45, 40.92, 2)],
        )
        .unwrap();
    assert_eq!(report.incidents_new, ["c1"]);
    assert_eq!(cut(&mut admin), 1);
    assert_eq!(store.count_incidents().unwrap(), 1);
    assert!(store
        .wait_for_changes(std::time::Duration::from_millis(10))
        .is_ok());
    assert_eq!(cut(&mut admin), 2); // the reader and the listener
    let _ = store.wait_for_changes(std::time::Duration::from_millis(10));
    assert!(store
        .wait_for_changes(std::time::Duration::from_millis(10))
        .is_ok());
    assert_eq!(store.changes_since(0).unwrap().0.len(), 1);
}

#[test]
fn index_points_are_the_incidents_points() {
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        let mut a = strike("p1", "2024-03-05", 34.45, 40.92, 2);
        a.actors = vec![marsad_model::Actor {
            id: "irgc".into(),
            name_ar: "الحرس الثوري".into(),
            name_en: "IRGC".into(),
            kind: marsad_model::ActorKind::Militia,
        }];
        let mut b = strike("p2", "2024-04-01", 35.33, 40.14, 0);
        b.place = None;
        store
            .ingest(&article("points", "https://p.example"), &[a, b])
            .unwrap();
        let (incidents, last) = store.changes_since(0).unwrap();
        let (points, last_points) = store.points_since(0).unwrap();
        assert_eq!(last, last_points, "{name}");
        let want: Vec<_> = incidents
            .iter()
            .filter_map(marsad_model::IncidentPoint::of)
            .collect();
        assert_eq!(points, want, "{name}");
        assert_eq!(&*points[0].actors[0], "irgc", "{name}");
    }
}

#[test]
fn both_backends_remember_feeds_and_pages_alike() {
    use marsad_store::{FeedState, SeenPage};
    for (name, location, _dir) in backends() {
        let store = Store::open(location).unwrap();
        assert!(store.feed_states().unwrap().is_empty(), "{name}");
        assert!(store.latest_articles(5).unwrap().is_empty(), "{name}");
        let t = |s: &str| Some(chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc());
        let mut feed = FeedState {
            url: "https://news.example/rss".into(),
            outlet: "news.example".into(),
            etag: Some("\"v1\"".into()),
            last_poll: t("2026-12-01T08:00:00.250Z"),
            failures: 2,
            last_error: Some("HTTP 503".into()),
            next_poll: t("2026-12-01T08:20:00Z"),
            items_seen: 12,
            articles_ingested: 9,
            ..FeedState::default()
        };
        store.save_feed_state(&feed).unwrap();
        assert_eq!(store.feed_states().unwrap(), [feed.clone()], "{name}");
        feed.failures = 0;
        feed.last_error = None;
        feed.last_success = feed.last_poll;
        store.save_feed_state(&feed).unwrap();
        assert_eq!(
            store.feed_states().unwrap(),
            [feed.clone()],
            "{name}: replaced"
        );

        let page = SeenPage {
            url: "https://news.example/a?utm=x".into(),
            canonical: Some("https://news.example/a".into()),
            content_hash: Some("00ff".into()),
            article_id: Some("abc".into()),
            outcome: "ingested".into(),
        };
        assert!(
            store.seen_page(&page.url, None).unwrap().is_none(),
            "{name}"
        );
        store.mark_page_seen(&page).unwrap();
        // By its address, its canonical address, or its text.
        for (url, hash) in [
            ("https://news.example/a?utm=x", None),
            ("https://news.example/a", None),
            ("https://mirror.example/b", Some("00ff")),
        ] {
            assert_eq!(
                store.seen_page(url, hash).unwrap().as_ref(),
                Some(&page),
                "{name}: {url}"
            );
        }
        assert!(store
            .seen_page("https://news.example/c", Some("11"))
            .unwrap()
            .is_none());
        // The first record of an address stays.
        store
            .mark_page_seen(&SeenPage {
                outcome: "refused".into(),
                ..page.clone()
            })
            .unwrap();
        assert_eq!(
            store.seen_page(&page.url, None).unwrap().unwrap().outcome,
            "ingested"
        );

        // The latest articles, newest first, with their incidents.
        let mut store = store;
        store
            .ingest(&article("older", "https://a.example/1"), &[])
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let newer = article("newer", "https://www.b.example/2");
        store
            .ingest(&newer, &[strike("n", "2024-03-05", 34.45, 40.92, 1)])
            .unwrap();
        let latest = store.latest_articles(5).unwrap();
        assert_eq!(latest.len(), 2, "{name}");
        assert_eq!(latest[0].id, newer.id(), "{name}");
        assert_eq!(
            (latest[0].outlet.as_deref(), latest[0].incidents),
            (Some("b.example"), 1),
            "{name}"
        );
        assert_eq!(latest[1].incidents, 0, "{name}");
        assert_eq!(store.latest_articles(1).unwrap().len(), 1, "{name}");
    }
}

/// A report as an outlet gives it: of type `ty`, dated or not, published on
/// `published`.
fn told(id: &str, ty: EventType, date: Option<&str>, published: &str) -> Incident {
    let mut i = strike(id, "2024-03-05", 34.45, 40.92, 1);
    i.event_type = ty;
    i.date = date.map(|d| d.parse().unwrap());
    if i.date.is_none() {
        i.date_precision = DatePrecision::Unknown;
        i.date_text = None;
    }
    i.reported = published.parse().ok();
    i
}

#[test]
fn outlets_that_give_no_date_or_another_type_meet_on_both_backends() {
    use EventType::*;
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        let mut at = |n: usize, published: &str, incs: &[Incident]| {
            let mut a = article(&format!("report {n}"), &format!("https://o{n}.example/"));
            a.published = published.parse().ok();
            store.ingest(&a, incs).unwrap()
        };
        // The first outlet gives no date and could not read the type.
        let first = at(1, "2024-03-06", &[told("a", Other, None, "2024-03-06")]);
        assert_eq!(first.incidents_new, ["a"], "{name}");
        // The second dates it the day before and calls it shelling.
        let second = at(
            2,
            "2024-03-06",
            &[told("b", Shelling, Some("2024-03-05"), "2024-03-06")],
        );
        assert_eq!(second.incidents_merged, ["a"], "{name}");
        // The third calls it an air strike and gives no date either.
        let third = at(3, "2024-03-07", &[told("c", Airstrike, None, "2024-03-07")]);
        assert_eq!(third.incidents_merged, ["a"], "{name}");
        // A raid on the town that week, and an undated strike reported a
        // fortnight later, are other events.
        let later = at(
            4,
            "2024-03-20",
            &[
                told("d", RaidArrest, Some("2024-03-05"), "2024-03-20"),
                told("e", Airstrike, None, "2024-03-20"),
            ],
        );
        assert_eq!(later.incidents_new, ["d", "e"], "{name}");
        // Two strikes one article tells apart stay apart, though either
        // alone would have met the other.
        let own = at(
            5,
            "2024-03-21",
            &[
                told("f", Airstrike, None, "2024-03-21"),
                told("g", Shelling, None, "2024-03-21"),
            ],
        );
        assert_eq!(own.incidents_merged, ["e"], "{name}");
        assert_eq!(own.incidents_new, ["g"], "{name}");

        let a = store.incident("a").unwrap().unwrap();
        assert_eq!(a.source_count, 3, "{name}");
        assert_eq!(a.event_type, Shelling, "{name}: the first type read");
        assert_eq!(a.date.unwrap().to_string(), "2024-03-05", "{name}");
        assert_eq!(a.reported.unwrap().to_string(), "2024-03-06", "{name}");
        assert_eq!(store.count_incidents().unwrap(), 4, "{name}");
    }
}

/// Every text cell of the tokens table, read straight from the database.
fn token_cells(location: &Location) -> Vec<String> {
    let sql = "SELECT id, user_name, hash, created_at, COALESCE(revoked_at, '') FROM tokens";
    match location {
        Location::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt
                .query_map([], |r| {
                    (0..5)
                        .map(|i| r.get::<_, String>(i))
                        .collect::<Result<Vec<_>, _>>()
                })
                .unwrap();
            rows.flat_map(Result::unwrap).collect()
        }
        Location::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            c.query(sql, &[])
                .unwrap()
                .iter()
                .flat_map(|r| (0..5).map(|i| r.get::<_, String>(i)).collect::<Vec<_>>())
                .collect()
        }
    }
}

#[test]
fn tokens_sign_in_until_revoked_and_only_their_hashes_are_kept() {
    use marsad_model::Role;
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        let sara = store.add_user("sara", Role::Reviewer).unwrap();
        assert!(
            sara.secret.starts_with("mrsd_") && sara.secret.len() > 64,
            "{name}"
        );
        let signed = store.sign_in(&sara.secret).unwrap().unwrap();
        assert_eq!(
            (signed.user.as_str(), signed.role),
            ("sara", Role::Reviewer)
        );
        assert!(
            store.sign_in("mrsd_0000_guess").unwrap().is_none(),
            "{name}"
        );
        assert!(matches!(
            store.add_user("sara", Role::Admin),
            Err(marsad_store::Error::UserExists(_))
        ));
        assert!(store.add_user("two words", Role::Viewer).is_err(), "{name}");

        // The table holds hashes: no cell is, or contains, the secret.
        let cells = token_cells(&location);
        assert!(!cells.is_empty());
        assert!(
            cells.iter().all(|c| !c.contains(&sara.secret[5..])),
            "{name}"
        );
        assert!(cells
            .iter()
            .any(|c| c.len() == 64 && c.chars().all(|h| h.is_ascii_hexdigit())));

        // Rotation retires the old token; revocation every token.
        let rotated = store.rotate_token("sara").unwrap();
        assert!(store.sign_in(&sara.secret).unwrap().is_none(), "{name}");
        assert!(store.sign_in(&rotated.secret).unwrap().is_some(), "{name}");
        assert_eq!(store.revoke_tokens("sara").unwrap(), 1);
        assert!(store.sign_in(&rotated.secret).unwrap().is_none(), "{name}");
        assert!(matches!(
            store.revoke_tokens("nobody"),
            Err(marsad_store::Error::UnknownUser(_))
        ));
        let users = store.users().unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].tokens.len(), 2);
        assert!(
            users[0].tokens.iter().all(|t| t.revoked_at.is_some()),
            "{name}"
        );
    }
}

#[test]
fn decisions_are_versioned_logged_for_good_and_outlast_later_reports() {
    use marsad_store::{Decision, Error};
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        store
            .ingest(
                &article("first report", "https://a.example/1"),
                &[
                    strike("a", "2024-03-05", 34.45, 40.92, 3),
                    strike("b", "2024-03-20", 34.45, 40.92, 1),
                ],
            )
            .unwrap();
        let fresh = store.review("a").unwrap().unwrap();
        assert_eq!(
            (fresh.status.as_str(), fresh.version),
            ("unreviewed", 1),
            "{name}"
        );

        let verified = store
            .decide("a", "sara", &Decision::Verify, Some(1))
            .unwrap();
        assert_eq!(
            (verified.status.as_str(), verified.version),
            ("verified", 2)
        );
        assert_eq!(verified.reviewed_by.as_deref(), Some("sara"));
        // A second reviewer who read version 1 does not overwrite it.
        let late = Decision::Reject {
            reason: marsad_model::RejectReason::Duplicate,
            note: None,
        };
        assert!(matches!(
            store.decide("a", "omar", &late, Some(1)),
            Err(Error::VersionConflict {
                expected: 1,
                current: 2
            })
        ));
        assert!(matches!(
            store.decide("zzz", "omar", &Decision::Verify, None),
            Err(Error::UnknownIncident(_))
        ));
        let rejected = Decision::Reject {
            reason: marsad_model::RejectReason::NotAnEvent,
            note: Some("a yearly tally".into()),
        };
        store.decide("b", "sara", &rejected, None).unwrap();

        // Later reports of both: each gains a source; what people decided,
        // and the facts they decided on, stand.
        let again = store
            .ingest(
                &article("second report", "https://b.example/2"),
                &[
                    strike("x", "2024-03-05", 34.451, 40.92, 9),
                    strike("y", "2024-03-20", 34.451, 40.92, 7),
                ],
            )
            .unwrap();
        assert_eq!(again.incidents_merged, ["a", "b"], "{name}");
        let a = store.incident("a").unwrap().unwrap();
        assert_eq!(
            (a.counts.killed, a.source_count, a.sources.len()),
            (Some(3), 2, 2),
            "{name}"
        );
        assert_eq!(
            store.review("a").unwrap().unwrap().status.as_str(),
            "verified"
        );
        let b = store.review("b").unwrap().unwrap();
        assert_eq!(
            (b.status.as_str(), b.note.as_deref()),
            ("rejected", Some("a yearly tally"))
        );
        assert_eq!(
            store.incident("b").unwrap().unwrap().counts.killed,
            Some(1),
            "{name}"
        );

        // The log: every decision, in order, with before and after.
        let history = store.history("a").unwrap();
        assert_eq!(history.len(), 1, "{name}");
        assert_eq!(history[0].before["status"], "unreviewed");
        assert_eq!(history[0].after["status"], "verified");
        let log = store.review_log(0, 10).unwrap();
        assert_eq!(
            log.iter()
                .map(|e| (e.incident_id.as_str(), e.action.as_str()))
                .collect::<Vec<_>>(),
            [("a", "verify"), ("b", "reject")],
            "{name}"
        );
        assert_eq!(store.review_log(log[0].seq, 10).unwrap().len(), 1);
    }
}

#[test]
fn the_review_log_cannot_be_rewritten_on_either_backend() {
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        store
            .ingest(
                &article("one", "https://a.example/1"),
                &[strike("a", "2024-03-05", 34.45, 40.92, 1)],
            )
            .unwrap();
        store
            .decide("a", "sara", &marsad_store::Decision::Verify, None)
            .unwrap();
        drop(store);
        for sql in [
            "UPDATE review_log SET user_name = 'someone else'",
            "DELETE FROM review_log",
        ] {
            let refused = match &location {
                Location::Sqlite(path) => rusqlite::Connection::open(path)
                    .unwrap()
                    .execute(sql, [])
                    .is_err(),
                Location::Postgres(url) => postgres::Client::connect(url, postgres::NoTls)
                    .unwrap()
                    .execute(sql, &[])
                    .is_err(),
            };
            assert!(refused, "{name}: {sql}");
        }
        let store = Store::open(&location).unwrap();
        assert_eq!(store.history("a").unwrap()[0].user, "sara", "{name}");
    }
}

#[test]
fn a_copy_carries_users_decisions_and_the_log_across_backends() {
    use marsad_model::Role;
    let stores = backends();
    let (_, from, _keep) = &stores[0];
    let mut source = Store::open(from).unwrap();
    let token = source.add_user("sara", Role::Reviewer).unwrap();
    source
        .ingest_as(
            &article("one", "https://a.example/1"),
            &[strike("a", "2024-03-05", 34.45, 40.92, 1)],
            Some("sara"),
        )
        .unwrap();
    source
        .decide("a", "sara", &marsad_store::Decision::Verify, None)
        .unwrap();
    for (name, _, _keep) in &stores {
        let dir = tempfile::tempdir().unwrap();
        let to = match *name {
            "postgres" => fresh_database(&std::env::var("MARSAD_TEST_POSTGRES").unwrap()),
            _ => Location::from(dir.path().join("copy.db")),
        };
        let mut target = Store::open(&to).unwrap();
        target
            .restore(
                &source.articles().unwrap(),
                &source.incidents_with_sources().unwrap(),
                &mut || {},
            )
            .unwrap();
        target.restore_people(&source.people().unwrap()).unwrap();
        assert_eq!(target.people().unwrap().counts(), (1, 1, 1), "{name}");
        assert_eq!(
            target.review("a").unwrap(),
            source.review("a").unwrap(),
            "{name}"
        );
        assert_eq!(target.sign_in(&token.secret).unwrap().unwrap().user, "sara");
        assert_eq!(target.history("a").unwrap().len(), 1, "{name}");
    }
}

#[test]
fn merges_and_splits_are_logged_and_later_reports_follow_them() {
    use marsad_store::Error;
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        // Two outlets tell one strike, placed 25 km apart: the machine keeps them apart.
        let first = article("report one", "https://a.example/1");
        let second = article("report two", "https://b.example/2");
        store
            .ingest(&first, &[strike("a", "2024-03-05", 34.45, 40.92, 3)])
            .unwrap();
        store
            .ingest(&second, &[strike("b", "2024-03-05", 34.60, 40.70, 5)])
            .unwrap();
        assert_eq!(store.count_incidents().unwrap(), 2, "{name}");

        // What cannot be merged is refused and changes nothing.
        for (id, into) in [("a", "a"), ("a", "zzz")] {
            assert!(
                matches!(
                    store.merge(id, into, "lina", None),
                    Err(Error::CannotMerge { .. })
                ),
                "{name}: {id} into {into}"
            );
        }
        assert!(matches!(
            store.merge("zzz", "a", "lina", None),
            Err(Error::UnknownIncident(_))
        ));
        assert!(matches!(
            store.merge("b", "a", "lina", Some(7)),
            Err(Error::VersionConflict { .. })
        ));

        // b into a: a gains b's source, b is a duplicate naming a.
        let (_, merged) = store.merge("b", "a", "lina", Some(1)).unwrap();
        assert_eq!(
            (
                merged.id.as_str(),
                merged.sources.len(),
                merged.source_count
            ),
            ("a", 2, 2),
            "{name}"
        );
        assert_eq!(merged.counts.killed, Some(3), "the survivor's toll stands");
        let b = store.review("b").unwrap().unwrap();
        assert_eq!(
            (
                b.status.as_str(),
                b.reason.map(|r| r.as_str()),
                b.merged_into.as_deref()
            ),
            ("rejected", Some("duplicate"), Some("a")),
            "{name}"
        );
        assert!(matches!(
            store.merge("b", "a", "lina", None),
            Err(Error::CannotMerge { .. })
        ));
        // Into b is into what b went to: a, itself.
        assert!(matches!(
            store.merge("a", "b", "lina", None),
            Err(Error::CannotMerge { .. })
        ));

        // A later report of b's event goes to a.
        let third = article("report three", "https://c.example/3");
        let again = store
            .ingest(&third, &[strike("c", "2024-03-05", 34.601, 40.70, 5)])
            .unwrap();
        assert_eq!(again.incidents_merged, ["a"], "{name}");
        assert_eq!(store.incident("a").unwrap().unwrap().sources.len(), 3);
        assert_eq!(store.incident("b").unwrap().unwrap().sources.len(), 1);
        assert_eq!(store.count_incidents().unwrap(), 2, "{name}");

        // The third report was not the same strike: split it off.
        assert!(matches!(
            store.split("a", &third.id(), 99, "lina", None),
            Err(Error::CannotSplit { .. })
        ));
        let child = store.split("a", &third.id(), 0, "lina", None).unwrap();
        assert_ne!(child.id, "a");
        assert_eq!(child.sources.len(), 1, "{name}");
        assert_eq!(child.sources[0].article_id, third.id());
        let r = store.review(&child.id).unwrap().unwrap();
        assert_eq!(
            (r.status.as_str(), r.split_from.as_deref()),
            ("unreviewed", Some("a")),
            "{name}"
        );
        let a = store.incident("a").unwrap().unwrap();
        assert_eq!((a.sources.len(), a.source_count), (2, 2), "{name}");
        assert!(matches!(
            store.split(&child.id, &third.id(), 0, "lina", None),
            Err(Error::CannotSplit { .. })
        ));
        // A new version of the split-off article (the same address) goes
        // where its first version was put, not back into a.
        let updated = article("report three, updated", "https://c.example/3");
        let again = store
            .ingest(&updated, &[strike("c2", "2024-03-05", 34.601, 40.70, 6)])
            .unwrap();
        assert_eq!(
            again.incidents_merged,
            std::slice::from_ref(&child.id),
            "{name}"
        );
        assert_eq!(store.incident("a").unwrap().unwrap().sources.len(), 2);
        // Sending the split-off article again changes nothing.
        let resent = store
            .ingest(&third, &[strike("c", "2024-03-05", 34.601, 40.70, 5)])
            .unwrap();
        assert!(!resent.new_article);
        assert_eq!(store.incident("a").unwrap().unwrap().sources.len(), 2);
        assert_eq!(store.incident(&child.id).unwrap().unwrap().sources.len(), 2);
        assert_eq!(store.count_incidents().unwrap(), 3, "{name}");

        // Each step is in the log of each incident it touched.
        let actions = |id: &str| -> Vec<String> {
            store
                .history(id)
                .unwrap()
                .into_iter()
                .map(|e| e.action)
                .collect()
        };
        assert_eq!(actions("a"), ["merge", "split"], "{name}");
        assert_eq!(actions("b"), ["merge"], "{name}");
        assert_eq!(actions(&child.id), ["split"], "{name}");

        // Reopened, the merged incident stands on its own again.
        let reopened = store
            .decide("b", "lina", &marsad_store::Decision::Reopen, None)
            .unwrap();
        assert_eq!(reopened.merged_into, None, "{name}");
        store.merge("b", "a", "lina", None).unwrap();

        // A copy keeps who was merged into and split off what.
        let dir = tempfile::tempdir().unwrap();
        let mut copy = Store::open(dir.path().join("copy.db")).unwrap();
        copy.restore(
            &store.articles().unwrap(),
            &store.incidents_with_sources().unwrap(),
            &mut || {},
        )
        .unwrap();
        copy.restore_people(&store.people().unwrap()).unwrap();
        for id in ["b", child.id.as_str()] {
            assert_eq!(
                copy.review(id).unwrap(),
                store.review(id).unwrap(),
                "{name} {id}"
            );
        }
    }
}

/// The schema's indexes and triggers, and the merge lookup's R*Tree by
/// incident id, of an SQLite store.
fn sqlite_shape(path: &std::path::Path) -> (Vec<(String, String)>, Vec<String>) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut schema = conn
        .prepare("SELECT name, COALESCE(sql, '') FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY name")
        .unwrap();
    let schema = schema
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    let mut boxes = conn
        .prepare(
            "SELECT i.id || ' ' || w.min_lat || ' ' || w.max_lon || ' ' || w.min_when
             FROM incidents_where_when w JOIN incidents i ON i.rowid = w.incident_rowid ORDER BY i.id",
        )
        .unwrap();
    let boxes = boxes
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    (schema, boxes)
}

/// An SQLite store at `path` of `n` strikes, one article each, the `i`th
/// at `at(i)`, in the states ingests leave: every ninth undated, the
/// fourteenth without a place.
fn ingested(path: &std::path::Path, n: u32, at: impl Fn(u32) -> (f64, f64)) -> Store {
    let mut store = Store::open(path).unwrap();
    for i in 0..n {
        let (lat, lon) = at(i);
        let date = format!("2024-03-{:02}", 1 + i % 28);
        let mut inc = strike(&format!("s{i}"), &date, lat, lon, i % 7);
        if i % 9 == 0 {
            inc.date = None;
        }
        if i == 13 {
            inc.place = None;
        }
        let art = article(&format!("نص {i}"), &format!("https://a.example/{i}"));
        store.ingest(&art, &[inc]).unwrap();
    }
    store
}

#[test]
fn a_bulk_restore_leaves_the_indexes_and_the_merge_lookup_as_ingests_do() {
    let dir = tempfile::tempdir().unwrap();
    let (a_path, b_path) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let a = ingested(&a_path, 40, |i| {
        (34.0 + f64::from(i) * 0.1, 40.0 + f64::from(i % 7) * 0.1)
    });
    let mut b = Store::open(b_path.as_path()).unwrap();
    let incidents = a.incidents_with_sources().unwrap();
    b.restore_from(
        &a.articles().unwrap(),
        &mut incidents.iter().map(std::borrow::Cow::Borrowed),
        &mut || {},
    )
    .unwrap();
    let (want, got) = (sqlite_shape(&a_path), sqlite_shape(&b_path));
    assert_eq!(
        got.0, want.0,
        "the same indexes and triggers, as the schema defines them"
    );
    assert_eq!(got.1, want.1, "the same boxes in the merge lookup");
    assert!(got.1.len() >= 30);
    // The lookup works: a second report of s5 merges into it.
    let again = b
        .ingest(
            &article("نص آخر", "https://b.example/5"),
            &[strike("other", "2024-03-06", 34.5, 40.5, 5)],
        )
        .unwrap();
    assert_eq!(again.incidents_merged.len(), 1, "{again:?}");
    assert_eq!(b.count_incidents().unwrap(), 40);
}

#[test]
fn each_store_has_an_identity_and_witnesses_its_changes() {
    for (name, location, _keep) in backends() {
        let mut store = Store::open(&location).unwrap();
        let me = store.identity().unwrap();
        assert_eq!(
            Store::open(&location).unwrap().identity().unwrap(),
            me,
            "{name}"
        );
        assert_eq!(store.witness(i64::MAX).unwrap(), None, "{name}: empty");
        for i in 0..3 {
            store
                .ingest(
                    &article(&format!("نص {i}"), &format!("https://w.example/{i}")),
                    &[strike(
                        &format!("w{i}"),
                        "2024-03-05",
                        34.0 + f64::from(i),
                        40.0,
                        1,
                    )],
                )
                .unwrap();
        }
        let (seq, id) = store.witness(i64::MAX).unwrap().unwrap();
        assert_eq!(id, "w2", "{name}");
        assert!(store.holds_change(seq, "w2").unwrap(), "{name}");
        assert!(!store.holds_change(seq, "w1").unwrap(), "{name}");
        let (earlier, first) = store.witness(seq - 1).unwrap().unwrap();
        assert!(
            earlier < seq && first == "w1",
            "{name}: {first} at {earlier}"
        );
        // A decision moves w1 past every change: it no longer witnesses its old one.
        store
            .add_user("huda", marsad_model::Role::Reviewer)
            .unwrap();
        store
            .decide("w1", "huda", &marsad_store::Decision::Verify, None)
            .unwrap();
        assert!(!store.holds_change(earlier, "w1").unwrap(), "{name}");
    }
    let (a, b) = (backends(), backends());
    assert_ne!(
        Store::open(&a[0].1).unwrap().identity().unwrap(),
        Store::open(&b[0].1).unwrap().identity().unwrap()
    );
}

/// Indexes of incidents and sources as PostgreSQL defines them.
fn postgres_indexes(location: &Location) -> Vec<(String, String)> {
    let mut c = postgres::Client::connect(&location.to_string(), postgres::NoTls).unwrap();
    c.query(
        "SELECT indexname::text, indexdef FROM pg_indexes \
         WHERE tablename IN ('incidents', 'incident_sources') ORDER BY 1",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

#[test]
fn a_postgres_bulk_restore_copies_every_row_and_leaves_the_schema_as_ingests_do() {
    let Ok(url) = std::env::var("MARSAD_TEST_POSTGRES") else {
        eprintln!("PostgreSQL not tested: MARSAD_TEST_POSTGRES is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // More incidents than one chunk of the copy, undated ones, one without
    // a place, one reported twice (two sources, its tolls raised).
    let mut a = ingested(&dir.path().join("a.db"), 2_500, |i| {
        (
            33.0 + f64::from(i % 50) * 0.1,
            38.0 + f64::from(i / 50) * 0.1,
        )
    });
    let again = a
        .ingest(
            &article("نص ثان", "https://a.example/again"),
            &[strike("x", "2024-03-06", 33.5, 38.0, 9)],
        )
        .unwrap();
    assert_eq!(again.incidents_merged.len(), 1, "{again:?}");
    let mut incidents = a.incidents_with_sources().unwrap();
    let mut given = incidents.clone();
    // A source given twice is kept once.
    let twice = given[0].sources[0].clone();
    given[0].sources.push(twice);

    let location = fresh_database(&url);
    let mut b = Store::open(&location).unwrap();
    let mut written = 0;
    b.restore_from(
        &a.articles().unwrap(),
        &mut given.iter().map(std::borrow::Cow::Borrowed),
        &mut || written += 1,
    )
    .unwrap();
    assert_eq!(written, a.count_articles().unwrap() + 2_500);
    let mut copied = b.incidents_with_sources().unwrap();
    incidents.sort_by(|x, y| x.id.cmp(&y.id));
    copied.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(copied, incidents);

    let fresh = fresh_database(&url);
    Store::open(&fresh).unwrap();
    assert_eq!(
        postgres_indexes(&location),
        postgres_indexes(&fresh),
        "the same indexes, as the schema defines them"
    );
    let mut c = postgres::Client::connect(&location.to_string(), postgres::NoTls).unwrap();
    let unplaced: i64 = c
        .query_one("SELECT count(*) FROM incidents WHERE geog IS NULL", &[])
        .unwrap()
        .get(0);
    assert_eq!(unplaced, 1, "every placed incident has its geography");
    // Changes are numbered 1 to 2,500, and the next ingest takes 2,501.
    let (last, _) = b.witness(i64::MAX).unwrap().unwrap();
    assert_eq!(last, 2_500);
    let later = b
        .ingest(
            &article("نص آخر", "https://b.example/5"),
            &[strike("other", "2024-03-06", 33.5, 38.0, 5)],
        )
        .unwrap();
    assert_eq!(later.incidents_merged.len(), 1, "the merge lookup works");
    assert_eq!(b.witness(i64::MAX).unwrap().unwrap().0, 2_501);
    assert_eq!(b.count_incidents().unwrap(), 2_500);
}
