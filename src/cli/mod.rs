//! The command line, on clap: one subcommand per figure (`toy`, `fashion`,
//! `one-hidden-layer`) plus `sweep` (the toy's escape fraction while one setting varies) and
//! `schema`. The settings' flags and their `--help` lines are
//! generated from the schema ([`flags`]); the CLI-only flags (output format, files) are
//! declared once per subcommand with clap's derive. Values go through the same validated
//! setters as the wasm API and links; a bad flag is an error naming the flag (exit code 2).
//! How to add a setting or a CLI-only flag: docs/schema.md.

pub mod fashion;
pub mod fashion_jobs;
pub mod fashion_summary;
pub mod flags;
pub mod one_hidden_layer;
pub mod progress;
pub mod sweep;
pub mod toy;

use crate::schema::Figure;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgMatches, Command};

pub use one_hidden_layer::{parse_one_hidden_layer, run_one_hidden_layer, OneHiddenLayerCommand};
pub use toy::{parse_toy, run_toy, ToyCommand};

/// A CLI failure: a message and the exit code.
#[derive(Debug, PartialEq, Eq)]
pub struct CliError {
    /// What went wrong, naming the flag; for `--help` and `--version` (code 0), the text to
    /// print on stdout.
    pub message: String,
    /// 2 for bad usage, 1 for a failed run, 0 for help or version.
    pub code: i32,
}

pub(crate) fn usage_error(message: String) -> CliError {
    CliError { message, code: 2 }
}

/// Output format of the results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object.
    Json,
    /// The curves as CSV.
    Csv,
    /// A readable per-method summary (`toy` only; `parse_format` of the other commands
    /// rejects it).
    Table,
}

/// Parses a `--format` value (json or csv).
pub(crate) fn parse_format(value: &str) -> Result<Format, CliError> {
    match value {
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        other => Err(usage_error(format!(
            "`--format` must be json or csv, got {other:?}"
        ))),
    }
}

/// Writes an SVG figure to `path`.
pub(crate) fn write_plot(path: &std::path::Path, svg: &str) -> Result<(), CliError> {
    std::fs::write(path, svg).map_err(|e| CliError {
        message: format!("cannot write {}: {e}", path.display()),
        code: 1,
    })
}

/// The whole command line: `--help` and `--version` are clap's, every subcommand's flags
/// come from the schema and the subcommand's CLI-only flags.
pub fn command() -> Command {
    Command::new("sgd-escape")
        .about(
            "The experiments of Zhu et al. (ICML 2019) on why SGD escapes sharp minima; \
             defaults: the paper's protocols",
        )
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg(kernels_arg())
        .arg_required_else_help(true)
        .args_override_self(true)
        .subcommand(toy::command())
        .subcommand(fashion::command())
        .subcommand(fashion_summary::command())
        .subcommand(one_hidden_layer::command())
        .subcommand(sweep::command())
        .subcommand(
            Command::new("schema")
                .about("Print the settings schema as JSON (www/lib/schema.json; docs/schema.md)")
                .arg(
                    clap::Arg::new("markdown")
                        .long("markdown")
                        .action(clap::ArgAction::SetTrue)
                        .help("Print the link keys as Markdown tables instead (docs/API.md)"),
                ),
        )
}

/// The process-wide `--kernels auto|portable` option: global, so it is accepted before the
/// subcommand and after it (the last one given wins). Its value is checked by
/// [`crate::kernels::Kernels::parse`] (whose error names the flag), not by clap.
fn kernels_arg() -> clap::Arg {
    clap::Arg::new("kernels")
        .long("kernels")
        .value_name("K")
        .global(true)
        .help(
            "Native kernels, for every command: auto (AVX2 + FMA on x86-64 CPUs that have \
             them, NEON on aarch64; fastest, last bits differ) or portable (the exact \
             kernels: the same bits as the wasm builds and the fixtures) [default: auto]",
        )
}

/// Selects the kernels `m` names with `--kernels`, if it does ([`crate::kernels::select`]).
fn select_kernels(m: &ArgMatches) -> Result<(), CliError> {
    if let Some(value) = m.get_one::<String>("kernels") {
        let choice = crate::kernels::Kernels::parse(value).map_err(usage_error)?;
        crate::kernels::select(choice);
    }
    Ok(())
}

/// The line split by clap into what stands before the subcommand (the global `--kernels`),
/// the subcommand's name and its arguments, unparsed (each subcommand's parser takes them).
/// None when the line does not have that shape (`--help`, `--version`, no subcommand, an
/// unknown option): the whole command then says what is wrong.
fn split_subcommand(args: &[String]) -> Option<(ArgMatches, String, Vec<String>)> {
    let argv = std::iter::once("sgd-escape".to_string()).chain(args.iter().cloned());
    let m = Command::new("sgd-escape")
        .arg(kernels_arg())
        .args_override_self(true)
        .allow_external_subcommands(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .try_get_matches_from(argv)
        .ok()?;
    let (name, sub) = m.subcommand()?;
    let rest = sub
        .get_many::<std::ffi::OsString>("")
        .into_iter()
        .flatten()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let name = name.to_string();
    Some((m, name, rest))
}

/// The value of a clap error's context, as text.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        other => Some(other.to_string()),
    }
}

/// A clap error as a [`CliError`] whose message names the flag, as the hand-written parser's
/// did: help and version are code 0, everything else code 2.
fn clap_error(e: clap::Error, subcommand: &str) -> CliError {
    // `--runs <N>` -> `--runs`
    let flag = context(&e, ContextKind::InvalidArg)
        .map(|a| a.split([' ', '=']).next().unwrap_or_default().to_string())
        .unwrap_or_default();
    let help = if subcommand.is_empty() {
        "see `sgd-escape --help`".to_string()
    } else {
        format!("see `sgd-escape {subcommand} --help`")
    };
    let message = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            return CliError {
                message: e.render().to_string(),
                code: 0,
            }
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            command().render_help().to_string()
        }
        ErrorKind::InvalidSubcommand => format!(
            "unknown command `{}`; {help}",
            context(&e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument if flag.starts_with('-') => {
            format!("unknown option `{flag}` for `{subcommand}`; {help}")
        }
        ErrorKind::UnknownArgument => {
            format!(
                "unexpected argument `{flag}` for `{subcommand}` (switches take no value); {help}"
            )
        }
        ErrorKind::InvalidValue | ErrorKind::NoEquals if !flag.is_empty() => {
            format!("`{flag}` needs a value")
        }
        _ if !flag.is_empty() => format!("`{flag}`: {}", first_line(&e)),
        _ => format!("{}; {help}", first_line(&e)),
    };
    usage_error(message)
}

/// The first line of clap's message, without its `error: ` prefix.
fn first_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

/// Parses `sgd-escape <subcommand> <args>` and returns the subcommand's matches.
pub(crate) fn matches(subcommand: &str, args: &[String]) -> Result<ArgMatches, CliError> {
    let argv = ["sgd-escape", subcommand]
        .into_iter()
        .map(String::from)
        .chain(args.iter().cloned());
    let m = command()
        .try_get_matches_from(argv)
        .map_err(|e| clap_error(e, subcommand))?;
    let m = m.subcommand_matches(subcommand);
    if let Some(m) = m {
        select_kernels(m)?;
    }
    m.cloned()
        .ok_or_else(|| usage_error(format!("`{subcommand}` is not a command")))
}

/// Runs the CLI on `args` (without the program name): the text for stdout, or an error
/// (code 0: help or version, also for stdout).
///
/// `--kernels` (default auto) selects the native kernels for the whole process: given before
/// the subcommand, it is selected here; given after it, by the subcommand's parser.
pub fn run(args: &[String]) -> Result<String, CliError> {
    let split = split_subcommand(args);
    let (name, rest) = match &split {
        Some((before, first, rest))
            if Figure::from_id(first).is_some()
                || first == "schema"
                || first == "sweep"
                || first == "fashion-summary" =>
        {
            crate::kernels::select(crate::kernels::Kernels::Auto);
            select_kernels(before)?;
            (first.as_str(), &rest[..])
        }
        // `--help`, `--version`, `help`, an unknown command, nothing: clap says.
        _ => {
            let argv = std::iter::once("sgd-escape".to_string()).chain(args.iter().cloned());
            let e = match command().try_get_matches_from(argv) {
                Err(e) => clap_error(e, ""),
                Ok(_) => usage_error(command().render_help().to_string()),
            };
            return Err(e);
        }
    };
    match name {
        "toy" => parse_toy(rest).and_then(|c| run_toy(&c)),
        "fashion" => fashion::parse(rest).and_then(|c| fashion::run(&c)),
        "sweep" => sweep::parse(rest).and_then(|c| sweep::run(&c)),
        "fashion-summary" => fashion_summary::parse(rest).and_then(|c| fashion_summary::run(&c)),
        "schema" => matches("schema", rest).map(|m| match m.get_flag("markdown") {
            true => crate::schema::export::markdown(),
            false => crate::schema::export::schema_json(),
        }),
        // `one-hidden-layer`, or an alias of it.
        _ => parse_one_hidden_layer(rest).and_then(|c| run_one_hidden_layer(&c)),
    }
}
