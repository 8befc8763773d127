//! The settings' flags, generated from the schema (src/schema/): one `--flag` per setting
//! with a `cli` name, its help line from the setting's help, range and default; and the way
//! back, from parsed flags to the key/value pairs the experiments' setters read, and from a
//! setter's error (which names the key) to one that names the flag.

use super::{usage_error, CliError};
use crate::config::{ConfigError, FieldValue};
use crate::schema::{Figure, Kind, Setting};
use clap::{Arg, ArgAction, ArgMatches, Command};

/// The default the command line uses for a setting.
fn cli_default(s: &Setting) -> String {
    s.cli_default.unwrap_or(s.default).describe()
}

/// The value name shown in `--help` (`--runs <N>`).
fn value_name(s: &Setting) -> &'static str {
    match s.kind {
        Kind::Integer => "N",
        Kind::Number => "X",
        Kind::Seed => "SEED",
        Kind::Methods | Kind::Parts => "A,B,...",
        Kind::Boolean | Kind::Choice => "VALUE",
    }
}

/// The clap argument of one setting (id: its key).
pub(crate) fn setting_arg(s: &'static Setting, flag: &'static str) -> Arg {
    let help = format!("{} [{}; default {}]", s.help, s.must(), cli_default(s));
    let arg = Arg::new(s.key).long(flag).help(help);
    match s.kind {
        Kind::Boolean => arg.action(ArgAction::SetTrue),
        _ => arg
            .action(ArgAction::Set)
            .value_name(value_name(s))
            // `--lr -1` is a bad learning rate, not an unknown flag `-1`.
            .allow_hyphen_values(true),
    }
}

/// `command` with a flag for every setting of `figure` that has one.
pub(crate) fn with_setting_flags(mut command: Command, figure: Figure) -> Command {
    for s in figure.settings() {
        if let Some(flag) = s.cli {
            command = command.arg(setting_arg(s, flag));
        }
    }
    command
}

/// A flag's text as the setting's parser reads it.
pub(crate) fn flag_value(s: &Setting, text: &str) -> FieldValue {
    match s.kind {
        Kind::Methods | Kind::Parts => FieldValue::List(
            text.split(',')
                .map(|x| FieldValue::Text(x.trim().to_string()))
                .collect(),
        ),
        _ => match text.trim().parse::<f64>() {
            Ok(x) => FieldValue::Number(x),
            Err(_) => FieldValue::Text(text.to_string()),
        },
    }
}

/// The settings of `figure` given as flags, as (key, value) pairs (a setting the command has
/// no flag for, as `--methods` in `sweep`, is skipped).
pub(crate) fn setting_fields(m: &ArgMatches, figure: Figure) -> Vec<(&'static str, FieldValue)> {
    let mut out = Vec::new();
    for s in figure.settings().iter().filter(|s| s.cli.is_some()) {
        if s.kind == Kind::Boolean {
            if let Ok(Some(true)) = m.try_get_one::<bool>(s.key) {
                out.push((s.key, FieldValue::Bool(true)));
            }
        } else if let Ok(Some(text)) = m.try_get_one::<String>(s.key) {
            out.push((s.key, flag_value(s, text)));
        }
    }
    out
}

/// A setter's error, which names a key, as a usage error naming the key's flag.
pub(crate) fn flag_error(figure: Figure, e: ConfigError) -> CliError {
    let flag = figure
        .setting(&e.field)
        .and_then(|s| s.cli)
        .map_or(e.field.clone(), |f| format!("--{f}"));
    usage_error(format!("`{flag}` {}", e.message))
}
