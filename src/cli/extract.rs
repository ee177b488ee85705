//! `marsad extract`: the incidents of articles, one JSON line each, without
//! storing them.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use marsad_extract::{ArticleOut, Extractor, Intake};
use marsad_model::Article;

use super::common::{article_files, load_gazetteer};
use super::GazetteerArgs;

#[derive(Args)]
pub(super) struct ExtractArgs {
    /// Publication date for relative dates («أمس»), YYYY-MM-DD; overrides the article's own.
    #[arg(long, value_parser = marsad_model::parse_date)]
    published: Option<chrono::NaiveDate>,
    /// Source address of the article(s).
    #[arg(long)]
    url: Option<String>,
    /// Print what the confidence model read of each incident (`features`):
    /// for training it (`scripts/train-confidence`) and explaining it.
    #[arg(long)]
    features: bool,
    /// Article files, or folders whose files are all read.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(super) fn run(gaz: &GazetteerArgs, args: ExtractArgs) -> Result<()> {
    let gaz = load_gazetteer(gaz)?;
    let ex = Extractor::new(&gaz);
    let mut failed = 0;
    for path in article_files(&args.files)? {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match Article::from_path(&path) {
            Ok(mut article) => {
                if args.published.is_some() {
                    article.published = args.published;
                }
                if args.url.is_some() {
                    article.url.clone_from(&args.url);
                }
                let x = ex.extract(&article);
                let mut out = ArticleOut::new(&name, &article, &ex, &x);
                if args.features {
                    out = out.with_features(&x);
                }
                println!("{}", serde_json::to_string(&out)?);
            }
            Err(e) => {
                failed += 1;
                eprintln!("marsad: error: {e}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} article(s) could not be read");
    }
    Ok(())
}
