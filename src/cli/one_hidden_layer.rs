//! `sgd-escape one-hidden-layer`: the one-hidden-layer indicator study (paper Figure 4).

use super::flags::{flag_error, setting_fields, with_setting_flags};
use super::{matches, parse_format, write_plot, CliError, Format};
use crate::experiments::one_hidden_layer::{OneHiddenLayerConfig, OneHiddenLayerRun};
use crate::report::OneHiddenLayerReport;
use crate::schema::Figure;
use clap::{Args, Command, FromArgMatches};
use std::path::PathBuf;

/// The flags of `one-hidden-layer` that are no setting.
#[derive(Args, Debug)]
struct OneHiddenLayerOnly {
    /// json (default) or csv (one row per epoch).
    #[arg(long, value_name = "F", default_value = "json")]
    format: String,
    /// Also write the figure as SVG.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

/// The `one-hidden-layer` subcommand.
pub(crate) fn command() -> Command {
    // (The about line after the derive's, which would take the struct's doc comment.)
    let command = Command::new("one-hidden-layer");
    OneHiddenLayerOnly::augment_args(with_setting_flags(command, Figure::OneHiddenLayer))
        .about("The one-hidden-layer indicator study (paper Figure 4)")
}

/// A parsed `one-hidden-layer` command.
#[derive(Clone, Debug, PartialEq)]
pub struct OneHiddenLayerCommand {
    /// The study's settings.
    pub config: OneHiddenLayerConfig,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<PathBuf>,
}

/// Parses the arguments after `one-hidden-layer`.
pub fn parse_one_hidden_layer(args: &[String]) -> Result<OneHiddenLayerCommand, CliError> {
    let m = matches("one-hidden-layer", args)?;
    let only =
        OneHiddenLayerOnly::from_arg_matches(&m).map_err(|e| super::usage_error(e.to_string()))?;
    let mut config = OneHiddenLayerConfig::default();
    for (key, value) in setting_fields(&m, Figure::OneHiddenLayer) {
        // The experiment's own setter, as the page's: `epochs` also sets the decay's start.
        config
            .set(key, &value)
            .map_err(|e| flag_error(Figure::OneHiddenLayer, e))?;
    }
    Ok(OneHiddenLayerCommand {
        config,
        format: parse_format(&only.format)?,
        plot: only.plot,
    })
}

/// Runs a parsed `one-hidden-layer` command and returns what to print.
pub fn run_one_hidden_layer(command: &OneHiddenLayerCommand) -> Result<String, CliError> {
    let mut run = OneHiddenLayerRun::new(command.config.clone());
    while run.step_epoch() {}
    let report = OneHiddenLayerReport::of(&run);
    if let Some(path) = &command.plot {
        write_plot(path, &report.to_svg())?;
    }
    Ok(match command.format {
        Format::Json => serde_json::to_string(&report).unwrap_or_default() + "\n",
        // (`Table` is never parsed for this command.)
        Format::Csv | Format::Table => report.to_csv(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FieldValue;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn epochs_set_the_schedule_as_the_page_does() {
        // `--epochs 5 --epochs 31` once kept the decay start of 5 epochs (5), where the page
        // and the API start it at 21: the CLI now calls the experiment's setter.
        let cli = parse_one_hidden_layer(&args(&["--epochs", "5", "--epochs", "31"])).unwrap();
        let page = crate::permalink::parse("figure=one-hidden-layer&epochs=5&epochs=31");
        assert_eq!(cli.config, page.one_hidden_layer.config);
        assert_eq!(cli.config.decay_start, 21);
        let api =
            OneHiddenLayerConfig::from_fields([("epochs".to_string(), FieldValue::Number(31.0))]);
        assert_eq!(cli.config, api.unwrap());
        let short = parse_one_hidden_layer(&args(&["--epochs", "31", "--epochs", "5"])).unwrap();
        assert_eq!(short.config.decay_start, 5);
    }
}
