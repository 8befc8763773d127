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
