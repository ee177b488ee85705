//! The server's alert jobs, each on a thread with a connection of its
//! own: matching incidents as they are stored or changed (by this process
//! or any other), and posting matches to webhooks. Both keep their place
//! in the store, so a restart resumes and replicas share the work.

use std::sync::mpsc;
use std::time::Duration;

use marsad_alerts::{Courier, Matcher};
use marsad_store::{Location, Store};

use crate::FOLLOW_EVERY;

/// How often the courier looks for deliveries due (retries) when no new
/// match wakes it.
const COURIER_EVERY: Duration = Duration::from_millis(500);

/// Starts the matcher and the courier.
pub fn alert_jobs(db: &Location, courier: Courier) -> std::io::Result<()> {
    let (wake, woken) = mpsc::channel::<()>();
    let mut store = open(db)?;
    std::thread::Builder::new()
        .name("marsad-match".into())
        .spawn(move || {
            let mut matcher = Matcher::default();
            let mut failing = false;
            loop {
                let _ = store.wait_for_changes(FOLLOW_EVERY);
                match matcher.pass(&mut store) {
                    Ok(report) => {
                        if failing {
                            tracing::info!("matching alerts again");
                            failing = false;
                        }
                        if !report.matches.is_empty() {
                            tracing::info!(
                                matches = report.matches.len(),
                                last_change = report.last_change,
                                "alerts matched"
                            );
                            let _ = wake.send(());
                        }
                    }
                    Err(e) if !failing => {
                        tracing::warn!(error = %e, "cannot match alerts; retrying");
                        failing = true;
                        std::thread::sleep(FOLLOW_EVERY);
                    }
                    Err(_) => std::thread::sleep(FOLLOW_EVERY),
                }
            }
        })?;
    let mut store = open(db)?;
    std::thread::Builder::new()
        .name("marsad-deliver".into())
        .spawn(move || loop {
            match courier.round(&mut store) {
                // A full round: more may be due at once.
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot read deliveries; retrying"),
            }
            let _ = woken.recv_timeout(COURIER_EVERY);
        })?;
    Ok(())
}

fn open(db: &Location) -> std::io::Result<Store> {
    Store::open(db.clone()).map_err(std::io::Error::other)
}
