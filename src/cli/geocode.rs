//! `marsad geocode`: the place names of a text, resolved.

use anyhow::Result;
use clap::Args;

use super::common::{load_gazetteer, read_input};
use super::GazetteerArgs;

#[derive(Args)]
pub(super) struct GeocodeArgs {
    /// UTF-8 text file, or `-` (the default) for standard input.
    #[arg(default_value = "-")]
    file: String,
}

pub(super) fn run(gaz: &GazetteerArgs, args: GeocodeArgs) -> Result<()> {
    let gaz = load_gazetteer(gaz)?;
    let text = read_input(&args.file)?;
    let parser = marsad_geoparse::Geoparser::new(&gaz);
    let out = marsad_geoparse::GeocodeOutput::new(&gaz, &parser.geoparse(&text));
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
