//! The schema's own consistency, and the committed JSON export.

use super::*;

#[test]
fn keys_are_unique_per_figure_and_distinct_from_page_keys() {
    for f in Figure::ALL {
        let mut keys: Vec<&str> = f
            .settings()
            .iter()
            .flat_map(|s| std::iter::once(s.key).chain(s.aliases.iter().copied()))
            .collect();
        keys.extend(
            PAGE_KEYS
                .iter()
                .flat_map(|s| std::iter::once(s.key).chain(s.aliases.iter().copied())),
        );
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            keys.len(),
            "{}: a key twice in {keys:?}",
            f.id()
        );
        let mut flags: Vec<&str> = f.settings().iter().filter_map(|s| s.cli).collect();
        let n = flags.len();
        flags.sort();
        flags.dedup();
        assert_eq!(flags.len(), n, "{}: a CLI flag twice", f.id());
    }
}

#[test]
fn defaults_and_preset_values_are_valid_values_of_their_settings() {
    use crate::config::FieldValue;
    let field = |v: &Value| match v {
        Value::Integer(x) => FieldValue::Number(*x as f64),
        Value::Number(x) => FieldValue::Number(*x),
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::Text(t) => FieldValue::Text(t.to_string()),
        Value::List(items) => FieldValue::List(
            items
                .iter()
                .map(|s| FieldValue::Text(s.to_string()))
                .collect(),
        ),
        Value::Unset(_) => FieldValue::Null,
    };
    let check = |s: &Setting, v: &Value| {
        if matches!(v, Value::Unset(_)) {
            return;
        }
        let value = field(v);
        let ok = match s.kind {
            Kind::Integer => s.parse_integer(&value).is_ok(),
            Kind::Number => s.parse_number(&value).is_ok(),
            Kind::Seed => s.parse_seed(&value).is_ok(),
            Kind::Boolean => s.parse_boolean(&value).is_ok(),
            Kind::Methods => s.parse_methods(&value).is_ok(),
            Kind::Choice | Kind::Parts => true,
        };
        assert!(ok, "`{}`: {v:?}", s.key);
    };
    for f in Figure::ALL {
        for s in f.settings() {
            check(s, &s.default);
            if let Some(v) = &s.cli_default {
                check(s, v);
            }
            assert!(!s.label.is_empty() && !s.help.is_empty(), "{}", s.key);
        }
        for p in f.presets() {
            assert_eq!(p.figure, f);
            for (key, v) in p.values {
                check(
                    f.setting(key).unwrap_or_else(|| panic!("{}: {key}", p.id)),
                    v,
                );
            }
        }
    }
    for s in &PAGE_KEYS {
        check(s, &s.default);
    }
}

#[test]
fn figures_are_found_by_id_and_alias() {
    for f in Figure::ALL {
        assert_eq!(Figure::from_id(f.id()), Some(f));
    }
    assert_eq!(Figure::from_id("ohl"), Some(Figure::OneHiddenLayer));
    assert_eq!(Figure::from_id("later"), None);
}

#[test]
fn www_lib_schema_json_is_the_export() {
    let committed = include_str!("../../www/lib/schema.json");
    assert!(
        committed == export::schema_json(),
        "www/lib/schema.json differs from the schema in src/schema/; regenerate it with\n    \
         cargo run --release --bin sgd-escape -- schema > www/lib/schema.json"
    );
}

/// Each figure's API setter and `to_fields`, as (set every key to a value, the fields).
fn api_round_trip(f: Figure, values: &[(String, crate::config::FieldValue)]) -> Vec<String> {
    use crate::config::ToyConfig;
    use crate::experiments::fashion_session::FashionSettings;
    use crate::experiments::one_hidden_layer::OneHiddenLayerConfig;
    let fields = |r: Result<
        Vec<(String, crate::config::FieldValue)>,
        crate::config::ConfigError,
    >| { r.unwrap_or_else(|e| panic!("{}: {e}", f.id())) };
    let out = match f {
        Figure::Toy => fields(ToyConfig::from_fields(values.to_vec()).map(|c| c.to_fields())),
        Figure::Fashion => {
            fields(FashionSettings::from_fields(values.to_vec()).map(|c| c.to_fields()))
        }
        Figure::OneHiddenLayer => {
            fields(OneHiddenLayerConfig::from_fields(values.to_vec()).map(|c| c.to_fields()))
        }
        Figure::Sweep => {
            fields(crate::sweep::SweepConfig::from_fields(values.to_vec()).map(|c| c.to_fields()))
        }
    };
    // What was set is what is read back.
    for (k, v) in values {
        let back = out.iter().find(|(key, _)| key == k).map(|(_, v)| v);
        if !matches!(v, crate::config::FieldValue::List(_)) {
            assert_eq!(back, Some(v), "{}: `{k}`", f.id());
        }
    }
    out.into_iter().map(|(k, _)| k).collect()
}

#[test]
fn every_api_setting_is_read_by_its_setter_and_written_by_to_fields() {
    // A key typed in the schema but not in the setter (or the other way round) fails here:
    // the setter rejects a schema key, or `to_fields` misses or adds one.
    for f in Figure::ALL {
        for s in f.settings().iter().filter(|s| s.api) {
            let mut values = Vec::new();
            for bound in [s.min, s.max].into_iter().flatten() {
                let excluded = s.min_exclusive && Some(bound) == s.min;
                let numeric = matches!(s.kind, Kind::Integer | Kind::Seed | Kind::Number);
                if numeric && !excluded {
                    values.push(bound);
                }
            }
            for x in values {
                let v = crate::config::FieldValue::Number(x);
                let mut pairs = vec![(s.key.to_string(), v)];
                // Cross-field rules of the 2-D figure (and the sweep, which takes its
                // settings): room for any runs or batch.
                let toy = matches!(f, Figure::Toy | Figure::Sweep);
                if toy && s.key == "runs" {
                    pairs.push(("samples".into(), crate::config::FieldValue::Number(1.0)));
                }
                if toy && s.key == "batchSize" {
                    pairs.push(("samples".into(), crate::config::FieldValue::Number(x)));
                    pairs.push(("runs".into(), crate::config::FieldValue::Number(1.0)));
                }
                if toy && s.key == "sharpLambda2" {
                    pairs.push(("sharpLambda1".into(), crate::config::FieldValue::Number(x)));
                }
                if toy && s.key == "samples" {
                    pairs.push(("runs".into(), crate::config::FieldValue::Number(1.0)));
                }
                // The sweep's range: negative values are angles, large ones eigenvalues.
                if f == Figure::Sweep && (s.key == "from" || s.key == "to") {
                    let vary = if x < 0.0 { "angle" } else { "sharpness" };
                    pairs.push(("vary".into(), crate::config::FieldValue::Text(vary.into())));
                }
                api_round_trip(f, &pairs);
            }
        }
        assert_eq!(api_round_trip(f, &[]), f.api_keys(), "{}", f.id());
    }
}

#[test]
fn out_of_range_values_are_rejected_naming_the_key_and_range() {
    use crate::config::FieldValue;
    for f in Figure::ALL {
        for s in f.settings().iter().filter(|s| s.api) {
            let Some(max) = s.max else { continue };
            if s.kind == Kind::Methods {
                continue;
            }
            let over = if s.kind == Kind::Number {
                max * 1.5
            } else {
                max + 1.0
            };
            let e = match f {
                Figure::Toy => crate::config::ToyConfig::from_fields(vec![(
                    s.key.to_string(),
                    FieldValue::Number(over),
                )])
                .err(),
                Figure::Fashion => {
                    crate::experiments::fashion_session::FashionSettings::from_fields(vec![(
                        s.key.to_string(),
                        FieldValue::Number(over),
                    )])
                    .err()
                }
                Figure::OneHiddenLayer => {
                    crate::experiments::one_hidden_layer::OneHiddenLayerConfig::from_fields(vec![(
                        s.key.to_string(),
                        FieldValue::Number(over),
                    )])
                    .err()
                }
                Figure::Sweep => crate::sweep::SweepConfig::from_fields(vec![(
                    s.key.to_string(),
                    FieldValue::Number(over),
                )])
                .err(),
            };
            let e = e.unwrap_or_else(|| panic!("{}: `{}` = {over} accepted", f.id(), s.key));
            assert_eq!(e.field, s.key);
            assert!(e.message.contains(&s.must()), "{e}");
        }
    }
}

#[test]
fn docs_api_md_tables_are_the_export() {
    let doc = include_str!("../../docs/API.md");
    let (begin, end) = ("<!-- schema-tables -->\n", "<!-- /schema-tables -->");
    let start = doc
        .find(begin)
        .expect("docs/API.md has the schema-tables markers")
        + begin.len();
    let stop = doc[start..].find(end).expect("the closing marker") + start;
    assert!(
        doc[start..stop] == export::markdown(),
        "docs/API.md's tables differ from the schema; regenerate them with\n    \
         cargo run --release --bin sgd-escape -- schema --markdown\n\
         and paste the output between the schema-tables markers"
    );
}
