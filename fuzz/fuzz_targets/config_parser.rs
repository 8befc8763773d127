//! Fuzzes every config parser: JSON config objects (what the JS API and `--config` read) and
//! command lines. The parsers must never panic; a rejected input must name its field; an
//! accepted 2-D config must round-trip through `to_fields`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sgd_escape::cli;
use sgd_escape::config::{fields_from_json, ToyConfig};
use sgd_escape::experiments::fashion_session::FashionSettings;
use sgd_escape::experiments::one_hidden_layer::OneHiddenLayerConfig;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if mode % 2 == 0 {
        match fields_from_json(&text) {
            Err(e) => assert_eq!(e.field, "config"),
            Ok(fields) => {
                let keys: Vec<String> = fields.iter().map(|(k, _)| k.clone()).collect();
                match ToyConfig::from_fields(fields.clone()) {
                    Ok(c) => {
                        assert_eq!(ToyConfig::from_fields(c.to_fields()), Ok(c.clone()));
                    }
                    Err(e) => assert!(
                        keys.contains(&e.field) || e.field == "runs" || e.field == "batchSize",
                        "{e}"
                    ),
                }
                // Errors name a given key (an unknown one, even ""), or a real setting.
                let named = |field: &str| keys.iter().any(|k| k == field) || !field.is_empty();
                if let Err(e) = FashionSettings::from_fields(fields.clone()) {
                    assert!(named(&e.field) && !e.message.is_empty(), "{e}");
                }
                if let Err(e) = OneHiddenLayerConfig::from_fields(fields) {
                    assert!(named(&e.field) && !e.message.is_empty(), "{e}");
                }
            }
        }
    } else {
        // A command line, one argument per line; never reading a file (`--config`, `--start`,
        // `--from-json` are only parsed, not run).
        let args: Vec<String> = text.split('\n').map(str::to_string).collect();
        // (Code 0: the help or version text, asked for by `-h`, `--help` or `--version`.)
        let named = |e: &cli::CliError| e.code == 0 || e.message.contains('`');
        if let Err(e) = cli::parse_toy(&args) {
            assert!(named(&e), "{}", e.message);
        }
        if let Err(e) = cli::fashion::parse(&args) {
            assert!(named(&e), "{}", e.message);
        }
        if let Err(e) = cli::parse_one_hidden_layer(&args) {
            assert!(named(&e), "{}", e.message);
        }
    }
});
