//! Incident extraction over article-like texts written for these tests
//! (`tests/fixtures/extract/incidents.txt`): recall, type accuracy, dates and
//! counts, and no incident from background, analysis or statistics.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use marsad_extract::{Article, Extractor, Intake};
use marsad_gazetteer::Gazetteer;

struct Expected {
    ty: String,
    places: Vec<String>,
    date: Option<String>,
    counts: Option<[Option<u32>; 3]>,
}

struct Block {
    name: String,
    published: Option<chrono::NaiveDate>,
    text: String,
    expect: Vec<Expected>,
    /// «--- expect only»: any other incident is a false alarm.
    only: bool,
}

fn blocks() -> Vec<Block> {
    let src = include_str!("fixtures/extract/incidents.txt");
    let mut out = Vec::new();
    for chunk in src.split("\n=== ").skip(1) {
        let (head, rest) = chunk.split_once('\n').unwrap();
        let (name, published) = head.split_once("| published ").unwrap();
        let (text, expect) = rest.split_once("--- expect").unwrap();
        let only = expect.starts_with(" only");
        let expect = expect
            .lines()
            .filter(|l| l.contains('|'))
            .map(|l| {
                let f: Vec<&str> = l.split('|').map(str::trim).collect();
                let num = |s: &str| s.parse().ok();
                Expected {
                    ty: f[0].to_string(),
                    places: f[1].split('/').map(str::to_string).collect(),
                    date: (f[2] != "-").then(|| f[2].to_string()),
                    counts: (f[3] != "-").then(|| {
                        let c: Vec<&str> = f[3].split('/').collect();
                        [num(c[0]), num(c[1]), num(c[2])]
                    }),
                }
            })
            .collect();
        out.push(Block {
            name: name.trim().to_string(),
            published: chrono::NaiveDate::parse_from_str(published.trim(), "%Y-%m-%d").ok(),
            text: text.trim().to_string(),
            expect,
            only,
        });
    }
    out
}

#[test]
fn own_articles_recall_types_dates_counts() {
    let gaz = Gazetteer::bundled().unwrap();
    let ex = Extractor::new(&gaz);
    let (mut expected, mut found, mut type_ok, mut dated, mut date_ok, mut counted, mut counts_ok) =
        (0, 0, 0, 0, 0, 0, 0);
    let mut false_alarms = 0;
    let mut report = String::new();
    for b in blocks() {
        let article = Article::from_text(&b.text, b.published);
        let got = ex.extract(&article).incidents;
        let mut used = vec![false; got.len()];
        for e in &b.expect {
            expected += 1;
            // A place the gazetteer lacks is written «unlisted:NAME».
            let place_of = |i: usize| match &got[i].place {
                Some(p) if p.id.starts_with("unlisted:") => format!("unlisted:{}", p.name_ar),
                Some(p) => p.id.clone(),
                None => String::new(),
            };
            let hit = (0..got.len())
                .filter(|&i| !used[i] && e.places.contains(&place_of(i)))
                .min_by_key(|&i| got[i].event_type.as_str() != e.ty);
            let Some(i) = hit else {
                report.push_str(&format!("[{}] MISSED {} at {:?}\n", b.name, e.ty, e.places));
                continue;
            };
            used[i] = true;
            found += 1;
            let g = &got[i];
            if g.event_type.as_str() == e.ty {
                type_ok += 1;
            } else {
                report.push_str(&format!(
                    "[{}] TYPE expected {} got {} in «{}»\n",
                    b.name,
                    e.ty,
                    g.event_type.as_str(),
                    g.evidence().unwrap_or_default()
                ));
            }
            dated += 1;
            let gd = g.date.map(|d| d.to_string());
            if gd == e.date {
                date_ok += 1;
            } else {
                report.push_str(&format!(
                    "[{}] DATE expected {:?} got {:?} ({:?})\n",
                    b.name, e.date, gd, g.date_text
                ));
            }
            if let Some(c) = e.counts {
                counted += 1;
                let gc = [g.counts.killed, g.counts.injured, g.counts.arrested];
                if gc == c {
                    counts_ok += 1;
                } else {
                    report.push_str(&format!("[{}] COUNTS expected {c:?} got {gc:?}\n", b.name));
                }
            }
        }
        // An empty list asks for no incident at all: every one is extra.
        if b.only || b.expect.is_empty() {
            for (g, _) in got.iter().zip(&used).filter(|(_, u)| !**u) {
                false_alarms += 1;
                report.push_str(&format!(
                    "[{}] FALSE ALARM {} in «{}»\n",
                    b.name,
                    g.event_type.as_str(),
                    g.evidence().unwrap_or_default()
                ));
            }
        }
    }
    let recall = found as f64 / expected as f64;
    let types = type_ok as f64 / found.max(1) as f64;
    let dates = date_ok as f64 / dated.max(1) as f64;
    let counts = counts_ok as f64 / counted.max(1) as f64;
    eprintln!("{report}");
    eprintln!(
        "{expected} expected incidents: recall {recall:.3}, type accuracy {types:.3}, dates exact {dates:.3}, counts exact {counts:.3} ({counted} with counts); {false_alarms} false alarms on background or beyond an exact list"
    );
    assert!(expected >= 30);
    assert!(recall >= 0.85, "recall {recall:.3}");
    assert!(types >= 0.85, "type accuracy {types:.3}");
    assert!(dates >= 0.85, "dates {dates:.3}");
    assert!(counts >= 0.9, "counts {counts:.3}");
    assert_eq!(
        false_alarms, 0,
        "background sentences or summaries became incidents"
    );
}
