//! Trains the confidence model (`data/confidence.json`): an L2-regularised
//! logistic regression (smartcore) of whether an incident is real, over
//! the features the pipeline reads ([`marsad_extract::FEATURES`]), from
//! the CSV `scripts/confidence-data` writes for the development articles'
//! `work` split. The regularisation is chosen by cross-validation over
//! articles (an article's incidents stay together, so the choice is judged
//! on articles it did not see); the model is then fitted on them all.
//!
//! `scripts/train-confidence` runs the whole chain; by hand:
//! `cargo run --release --example train_confidence -- work.csv crates/extract/data/confidence.json`

use std::collections::BTreeMap;

use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};

/// Regularisation strengths tried.
const ALPHAS: [f64; 7] = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0];

/// Folds of the cross-validation.
const FOLDS: usize = 5;

struct Data {
    articles: Vec<String>,
    real: Vec<u32>,
    x: Vec<Vec<f64>>,
}

fn read(path: &str) -> Result<Data, Box<dyn std::error::Error>> {
    let mut r = csv::Reader::from_path(path)?;
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    // Columns in the model's order, whatever the file's.
    let column = |name: &str| header.iter().position(|h| h == name);
    let at: Vec<usize> = marsad_extract::FEATURES
        .iter()
        .map(|n| column(n).ok_or_else(|| format!("{path}: no column {n}")))
        .collect::<Result<_, _>>()?;
    let (article, real) = (
        column("article").ok_or("no article column")?,
        column("real").ok_or("no real column")?,
    );
    let mut d = Data {
        articles: Vec::new(),
        real: Vec::new(),
        x: Vec::new(),
    };
    for row in r.records() {
        let row = row?;
        d.articles.push(row[article].to_string());
        d.real.push(row[real].parse()?);
        d.x.push(
            at.iter()
                .map(|&i| row[i].parse())
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(d)
}

/// The fitted intercept and weights.
struct Fit {
    intercept: f64,
    weights: Vec<f64>,
}

fn fit(x: &[Vec<f64>], y: &[u32], alpha: f64) -> Result<Fit, Box<dyn std::error::Error>> {
    let m = DenseMatrix::from_2d_vec(&x.to_vec())?;
    let params = LogisticRegressionParameters::default().with_alpha(alpha);
    let lr = LogisticRegression::fit(&m, &y.to_vec(), params)?;
    let (c, b) = (lr.coefficients(), lr.intercept());
    use smartcore::linalg::basic::arrays::Array;
    Ok(Fit {
        intercept: *b.get((0, 0)),
        weights: (0..x[0].len()).map(|j| *c.get((0, j))).collect(),
    })
}

fn probability(f: &Fit, x: &[f64]) -> f64 {
    let z = f.intercept + f.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
    1.0 / (1.0 + (-z).exp())
}

/// Mean log loss and expected calibration error (bands of 0.1) of
/// predictions `(p, real)`.
fn judge(pred: &[(f64, u32)]) -> (f64, f64) {
    let n = pred.len() as f64;
    let loss = pred
        .iter()
        .map(|&(p, y)| {
            let p = p.clamp(1e-6, 1.0 - 1e-6);
            if y == 1 {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum::<f64>()
        / n;
    let mut ece = 0.0;
    for band in 0..10 {
        let (lo, hi) = (band as f64 / 10.0, (band + 1) as f64 / 10.0);
        let inside: Vec<&(f64, u32)> = pred
            .iter()
            .filter(|(p, _)| *p >= lo && (*p < hi || band == 9))
            .collect();
        if inside.is_empty() {
            continue;
        }
        let k = inside.len() as f64;
        let real = inside.iter().map(|(_, y)| f64::from(*y)).sum::<f64>() / k;
        let mean = inside.iter().map(|(p, _)| p).sum::<f64>() / k;
        ece += k / n * (real - mean).abs();
    }
    (loss, ece)
}

/// Out-of-fold predictions with `alpha`, articles assigned to folds in turn.
fn cross_validate(d: &Data, alpha: f64) -> Result<Vec<(f64, u32)>, Box<dyn std::error::Error>> {
    let mut names: Vec<&String> = d.articles.iter().collect();
    names.sort();
    names.dedup();
    let fold_of: BTreeMap<&String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, a)| (*a, i % FOLDS))
        .collect();
    let mut out = Vec::new();
    for k in 0..FOLDS {
        let (mut tx, mut ty, mut vx, mut vy) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..d.x.len() {
            if fold_of[&d.articles[i]] == k {
                vx.push(d.x[i].clone());
                vy.push(d.real[i]);
            } else {
                tx.push(d.x[i].clone());
                ty.push(d.real[i]);
            }
        }
        let f = fit(&tx, &ty, alpha)?;
        out.extend(vx.iter().zip(vy).map(|(x, y)| (probability(&f, x), y)));
    }
    Ok(out)
}

/// The probability under which a finding is not reported: the one that
/// best balances what it removes, judged on out-of-fold predictions. The
/// balance is the harmonic mean of the precision kept and the share of
/// real incidents kept; no floor (0) unless one does better.
fn choose_floor(pred: &[(f64, u32)]) -> (f64, (usize, usize)) {
    let all_real = pred.iter().filter(|(_, y)| *y == 1).count().max(1) as f64;
    let score = |floor: f64| {
        let kept: Vec<&(f64, u32)> = pred.iter().filter(|(p, _)| *p >= floor).collect();
        let real = kept.iter().filter(|(_, y)| *y == 1).count();
        let precision = real as f64 / kept.len().max(1) as f64;
        let share = real as f64 / all_real;
        let f1 = 2.0 * precision * share / (precision + share).max(1e-9);
        (f1, (real, kept.len() - real))
    };
    let mut best = (0.0, score(0.0));
    for step in 1..=16 {
        let floor = 0.4 + 0.025 * f64::from(step);
        let s = score(floor);
        if s.0 > best.1 .0 + 1e-9 {
            best = (floor, s);
        }
    }
    ((best.0 * 1000.0).round() / 1000.0, best.1 .1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: train_confidence DATA.csv OUT.json";
    let (data, out) = (args.next().ok_or(usage)?, args.next().ok_or(usage)?);
    let d = read(&data)?;
    let real = d.real.iter().filter(|&&y| y == 1).count();
    eprintln!("{} incidents, {} real, from {data}", d.x.len(), real);
    let mut best: Option<(f64, f64, f64)> = None;
    for alpha in ALPHAS {
        let (loss, ece) = judge(&cross_validate(&d, alpha)?);
        eprintln!("alpha {alpha:>6}: cross-validated log loss {loss:.4}, ECE {ece:.3}");
        if best.is_none_or(|(_, l, _)| loss < l) {
            best = Some((alpha, loss, ece));
        }
    }
    let (alpha, loss, ece) = best.ok_or("no alpha")?;
    let (floor, kept) = choose_floor(&cross_validate(&d, alpha)?);
    eprintln!(
        "floor {floor}: keeps {} of {} real and {} of {} spurious (out of fold)",
        kept.0,
        real,
        kept.1,
        d.x.len() - real
    );
    let f = fit(&d.x, &d.real, alpha)?;
    let weights: BTreeMap<&str, f64> = marsad_extract::FEATURES
        .iter()
        .copied()
        .zip(f.weights.iter().map(|w| (w * 1e4).round() / 1e4))
        .collect();
    let model = serde_json::json!({
        "about": "The confidence model: P(an incident is a real event of its article) = 1 / (1 + exp(-(intercept + sum of weight x feature))). Learned by scripts/train-confidence from the development articles' work split; do not edit by hand.",
        "trained_on": {
            "split": "work",
            "incidents": d.x.len(),
            "real": real,
            "alpha": alpha,
            "cross_validated_log_loss": (loss * 1e4).round() / 1e4,
            "cross_validated_ece": (ece * 1e3).round() / 1e3,
        },
        "floor": floor,
        "intercept": (f.intercept * 1e4).round() / 1e4,
        "weights": weights,
    });
    std::fs::write(&out, serde_json::to_string_pretty(&model)? + "\n")?;
    eprintln!("alpha {alpha}: written to {out}");
    Ok(())
}
