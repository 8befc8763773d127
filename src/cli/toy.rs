//! `sgd-escape toy`: the 2-D two-basin experiment (paper Figure 2) from the command line.

use super::flags::{flag_error, setting_fields, with_setting_flags};
use super::{matches, parse_format, usage_error, write_plot, CliError, Format};
use crate::config::{ConfigError, ToyConfig};
use crate::dynamics::ToyEnsemble;
use crate::report::ToyReport;
use crate::schema::Figure;
use clap::{Args, Command, FromArgMatches};
use std::path::PathBuf;

/// The flags of `toy` that are no setting.
#[derive(Args, Debug)]
struct ToyOnly {
    /// Settings as a JSON object with the API's keys (docs/API.md), e.g. {"runs": 20}; flags
    /// override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// json (default), csv (the curves) or table (escaped / stayed / diverged per method; a run
    /// diverges when |w1| or |w2| exceeds 1000 or turns non-finite, and is counted apart).
    #[arg(long, value_name = "F", default_value = "json")]
    format: String,
    /// Also write the figure as SVG.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

/// The `toy` subcommand: the schema's flags and [`ToyOnly`].
pub(crate) fn command() -> Command {
    // (The about line after the derive's, which would take the struct's doc comment.)
    let command = Command::new("toy");
    ToyOnly::augment_args(with_setting_flags(command, Figure::Toy))
        .about("The 2-D two-basin experiment (paper Figure 2)")
}

/// A parsed `toy` command.
#[derive(Clone, Debug, PartialEq)]
pub struct ToyCommand {
    /// The experiment settings.
    pub config: ToyConfig,
    /// Iterations to run.
    pub iterations: u64,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<PathBuf>,
}

/// Parses `toy`'s `--format` value (json, csv or table).
fn parse_toy_format(value: &str) -> Result<Format, CliError> {
    match value {
        "table" => Ok(Format::Table),
        "json" | "csv" => parse_format(value),
        other => Err(usage_error(format!(
            "`--format` must be json, csv or table, got {other:?}"
        ))),
    }
}

/// Parses the arguments after `toy`.
pub fn parse_toy(args: &[String]) -> Result<ToyCommand, CliError> {
    let m = matches("toy", args)?;
    let only = ToyOnly::from_arg_matches(&m).map_err(|e| usage_error(e.to_string()))?;
    let format = parse_toy_format(&only.format)?;
    let mut fields = Vec::new();
    if let Some(path) = &only.config {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| CliError {
            message: format!("`--config` cannot read {shown}: {e}"),
            code: 1,
        })?;
        let config_error = |e: ConfigError| usage_error(format!("`--config` {shown}: {e}"));
        fields = crate::config::fields_from_json(&text).map_err(config_error)?;
        // The file on its own must be valid: its errors name its keys, not flags.
        ToyConfig::from_fields(fields.clone()).map_err(config_error)?;
    }
    let iterations_setting = Figure::Toy
        .link_setting("iterations")
        .map_err(|e| flag_error(Figure::Toy, e))?;
    let mut iterations = iterations_setting
        .default
        .link_text()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1);
    for (key, value) in setting_fields(&m, Figure::Toy) {
        if key == "iterations" {
            iterations = iterations_setting
                .parse_integer(&value)
                .map_err(|e| flag_error(Figure::Toy, e))?;
        } else {
            // The file's keys first, so that flags override them.
            fields.push((key.to_string(), value));
        }
    }
    let config = ToyConfig::from_fields(fields).map_err(|e| flag_error(Figure::Toy, e))?;
    Ok(ToyCommand {
        config,
        iterations,
        format,
        plot: only.plot,
    })
}

/// Runs a parsed `toy` command and returns what to print.
pub fn run_toy(command: &ToyCommand) -> Result<String, CliError> {
    let mut ensemble = ToyEnsemble::new(command.config.clone());
    ensemble.step(command.iterations);
    let report = ToyReport::of(&ensemble);
    if let Some(path) = &command.plot {
        write_plot(path, &report.to_svg())?;
    }
    Ok(match command.format {
        Format::Json => serde_json::to_string(&report).unwrap_or_default() + "\n",
        Format::Csv => report.to_csv(),
        Format::Table => report.to_table(),
    })
}
