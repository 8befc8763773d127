//! The link parser and writer against the schema.

use super::*;
use crate::config::ToyConfig;
use encoding::{percent_decode, percent_encode};

/// The range of a setting as a notice states it.
fn range(figure: Figure, key: &str) -> String {
    let s = figure.link_setting(key).unwrap();
    format!("{}..={}", s.min.unwrap() as u64, s.max.unwrap() as u64)
}

#[test]
fn an_empty_hash_is_the_papers_protocol() {
    for h in ["", "#", "#&&", "&"] {
        let p = parse(h);
        assert_eq!(p, Permalink::default(), "{h:?}");
    }
}

#[test]
fn every_key_is_read() {
    let p = parse(
        "#figure=toy&methods=sgd,gd&runs=7&lr=0.01&noiseTrace=0&batchSize=3&samples=5\
         &dataSpread=0.5&seed=4294967295&iterations=900&speed=50&play=1&hide=gd\
         &controls=lr,noiseTrace&lecture=1&workers=3",
    );
    assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
    assert_eq!(p.toy.config.methods, vec![Method::Gd, Method::Sgd]);
    assert_eq!(
        (
            p.toy.config.runs,
            p.toy.config.batch_size,
            p.toy.config.samples
        ),
        (7, 3, 5)
    );
    assert_eq!(
        (
            p.toy.config.lr,
            p.toy.config.noise_trace,
            p.toy.config.data_spread
        ),
        (0.01, 0.0, 0.5)
    );
    assert_eq!(p.toy.config.seed, u32::MAX);
    assert_eq!(
        (p.toy.iterations, p.toy.speed, p.play, p.lecture),
        (900, 50, true, true)
    );
    assert_eq!(p.hide, vec![Method::Gd]);
    assert_eq!(p.controls, Some(vec!["lr", "noiseTrace"]));
    assert_eq!(p.toy.workers, Some(3));
}

#[test]
fn hashes_round_trip() {
    let mut p = parse("#preset=sgd-escapes&lr=0.0123456789&hide=sgd&controls=lr&lecture=1");
    p.play = true;
    p.toy.workers = Some(2);
    let again = parse(&to_hash(&p));
    assert_eq!(again, p);
    let d = Permalink::default();
    assert_eq!(parse(&to_hash(&d)), d);
}

#[test]
fn bad_values_fall_back_to_the_default_with_a_notice_naming_the_key_and_range() {
    let cases = [
        ("lr", "-1", "(0, 1]"),
        ("lr", "abc", "(0, 1]"),
        ("lr", "NaN", "(0, 1]"),
        ("lr", "1e400", "(0, 1]"),
        ("noiseTrace", "11", "[0, 10]"),
        ("runs", "1.5", "1..=100000"),
        ("runs", "", "1..=100000"),
        ("seed", "-1", "0..=4294967295"),
        ("methods", "gd,adam", "gld-const"),
        ("methods", "", "non-empty"),
        ("iterations", "0", "1..=10000000"),
        ("speed", "51", "1..=50"),
        ("play", "maybe", "1 or 0"),
        (
            "figure",
            "bar",
            "toy, fashion, one-hidden-layer, sweep (or ohl)",
        ),
        ("controls", "lr,<b>", "noiseTrace"),
        ("workers", "99", "1..=8"),
        ("preset", "nope", "paper-figure-2"),
    ];
    for (key, value, range) in cases {
        let p = parse(&format!("{key}={}", percent_encode(value)));
        let d = Permalink::default();
        assert_eq!(p.toy.config, d.toy.config, "{key}={value}");
        assert_eq!(
            (p.toy.iterations, p.toy.speed, p.play),
            (d.toy.iterations, d.toy.speed, d.play)
        );
        assert_eq!(p.notices.len(), 1, "{key}={value}: {:?}", p.notices);
        let n = &p.notices[0];
        assert_eq!(n.key, key);
        assert!(n.message.contains(range), "{key}={value}: {}", n.message);
        assert!(n.message.contains("using"), "{}", n.message);
    }
}

#[test]
fn settings_that_conflict_fall_back_with_a_notice() {
    let p = parse("samples=10&batchSize=20");
    assert_eq!((p.toy.config.samples, p.toy.config.batch_size), (10, 1));
    assert_eq!(p.notices[0].key, "batchSize");
    let p = parse("runs=100000&samples=10000");
    assert!(p.toy.config.validate().is_ok());
    assert_eq!(p.notices[0].key, "runs");
}

#[test]
fn unknown_and_repeated_keys_are_warnings_and_bounded() {
    let p = parse("lr=0.01&colour=red&lr=0.02");
    assert_eq!(p.toy.config.lr, 0.02);
    assert!(p.notices.is_empty());
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    let many: Vec<String> = (0..5000).map(|i| format!("k{i}=v")).collect();
    let p = parse(&many.join("&"));
    assert!(p.warnings.len() <= MAX_WARNINGS + 1);
    assert_eq!(p.notices.len(), 2, "{:?}", p.notices); // too long, too many pairs
    assert_eq!(p.toy.config, ToyConfig::default());
}

#[test]
fn hostile_text_is_quoted_short_and_never_panics() {
    let huge = "9".repeat(100_000);
    for h in [
        format!("lr={huge}"),
        "lr=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E=1".to_string(),
        "lr=%E2%82".to_string(),
        "lr=%".to_string(),
        "lr=%zz&seed=%ff%fe".to_string(),
        "=&==&=1&a==b".to_string(),
        "é=ü&lr=ß".repeat(3000),
    ] {
        let p = parse(&h);
        for n in &p.notices {
            assert!(n.message.chars().count() < 400, "{}", n.message);
        }
        assert!(p.toy.config.validate().is_ok());
    }
    assert_eq!(percent_decode("a%20b+c%zz%4"), "a b c%zz%4");
}

#[test]
fn presets_expand_and_explicit_keys_override_them() {
    let p = parse("seed=5&preset=sgd-escapes");
    assert_eq!(p.preset.map(|x| x.id), Some("sgd-escapes"));
    assert_eq!(p.toy.config.data_spread, 0.1);
    assert_eq!(p.toy.config.seed, 5);
    for preset in Preset::all() {
        assert!(
            parse(&format!("preset={}", preset.id))
                .toy
                .config
                .validate()
                .is_ok(),
            "{}",
            preset.id
        );
        let q = parse(&format!("preset={}", preset.id));
        assert_eq!(q.figure, preset.figure);
        assert!(q.notices.is_empty());
    }
}

#[test]
fn the_sgd_escapes_preset_lets_real_sgd_escape() {
    use crate::dynamics::ToyEnsemble;
    let link = parse("preset=sgd-escapes").toy;
    let config = link.config;
    let mut e = ToyEnsemble::new(config);
    e.step(link.iterations);
    let sgd = e.escaped_count(Method::Sgd).unwrap();
    let dynamic = e.escaped_count(Method::GldDynamic).unwrap();
    // ~45% against ~3% (tests/toy.rs); 100 runs: binomial sd about 5%.
    assert!(
        sgd >= 25 && dynamic <= 12,
        "SGD {sgd}, GLD dynamic {dynamic}"
    );
    assert_eq!(e.escaped_count(Method::Gd), Some(0));
}

#[test]
fn every_fashion_key_is_read_and_round_trips() {
    let p = parse(
        "#figure=fashion&methods=sgd,gd&seed=7&iterations=2500&logEvery=50&maxRecords=64\
         &workers=3&fromScratch=1&spectrum=gld-hessian&play=1&hide=gd&controls=settings,export\
         &lecture=1",
    );
    assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
    assert_eq!(p.figure, Figure::Fashion);
    let f = &p.fashion;
    assert_eq!(f.settings.methods, vec![Method::Gd, Method::Sgd]);
    assert_eq!(f.settings.config.seed, 7);
    assert_eq!((f.iterations, f.settings.log_every), (2500, 50));
    assert_eq!(f.settings.max_records, 64);
    assert_eq!((f.workers, f.from_scratch), (Some(3), true));
    assert_eq!(f.spectrum, Some(Method::GldHessian));
    assert_eq!((p.play, p.lecture), (true, true));
    assert_eq!(p.hide, vec![Method::Gd]);
    assert_eq!(p.controls, Some(vec!["settings", "export"]));
    // The 2-D settings are untouched by the shared keys of another figure.
    assert_eq!(p.toy.config, ToyConfig::default());
    assert_eq!(parse(&to_hash(&p)), p);
    let d = parse("figure=fashion");
    assert_eq!(d.fashion, FashionLink::default());
    assert_eq!(parse(&to_hash(&d)), d);
}

#[test]
fn every_ohl_key_is_read_and_round_trips() {
    let p =
        parse("figure=ohl&seed=9&epochs=12&samples=200&lr=0.002&epoch=5&play=1&controls=boundary");
    assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
    let c = &p.one_hidden_layer.config;
    assert_eq!((c.seed, c.epochs, c.samples, c.lr), (9, 12, 200, 0.002));
    assert_eq!(
        c.decay_start, 12,
        "the decay starts at the last epoch when there are fewer than 21"
    );
    assert_eq!(p.one_hidden_layer.epoch, 5);
    assert_eq!(parse(&to_hash(&p)), p);
    let d = parse("figure=ohl");
    assert_eq!(d.one_hidden_layer, OneHiddenLayerLink::default());
    assert_eq!(parse(&to_hash(&d)), d);
}

#[test]
fn fashion_and_one_hidden_layer_use_the_experiments_ranges_and_name_key_and_range() {
    let log_every = Figure::Fashion
        .link_setting("logEvery")
        .unwrap()
        .max
        .unwrap() as u64;
    let cases = [
        (
            "fashion",
            "logEvery",
            "0".to_string(),
            range(Figure::Fashion, "logEvery"),
        ),
        (
            "fashion",
            "logEvery",
            (log_every + 1).to_string(),
            range(Figure::Fashion, "logEvery"),
        ),
        (
            "fashion",
            "maxRecords",
            "2".into(),
            range(Figure::Fashion, "maxRecords"),
        ),
        ("fashion", "seed", "-3".into(), "0..=4294967295".into()),
        (
            "fashion",
            "methods",
            "gd,gd".into(),
            "distinct method ids".into(),
        ),
        (
            "fashion",
            "iterations",
            "10000001".into(),
            "1..=10000000".into(),
        ),
        ("fashion", "workers", "0".into(), "1..=8".into()),
        ("fashion", "fromScratch", "2".into(), "1 or 0".into()),
        ("fashion", "spectrum", "adam".into(), "gld-eigvec".into()),
        ("fashion", "controls", "lr".into(), "settings, paper".into()),
        (
            "ohl",
            "epochs",
            "0".into(),
            range(Figure::OneHiddenLayer, "epochs"),
        ),
        (
            "ohl",
            "samples",
            "9".into(),
            range(Figure::OneHiddenLayer, "samples"),
        ),
        ("ohl", "lr", "2".into(), "(0, 1]".into()),
        ("ohl", "seed", "x".into(), "0..=4294967295".into()),
        (
            "ohl",
            "epoch",
            "1.5".into(),
            range(Figure::OneHiddenLayer, "epoch"),
        ),
        ("ohl", "epoch", "32".into(), "0..=31".into()),
        (
            "ohl",
            "controls",
            "export,x".into(),
            "boundary, link, export".into(),
        ),
    ];
    for (figure, key, value, range) in cases {
        let p = parse(&format!("figure={figure}&{key}={}", percent_encode(&value)));
        assert_eq!(
            p.notices.len(),
            1,
            "{figure} {key}={value}: {:?}",
            p.notices
        );
        let n = &p.notices[0];
        assert_eq!(n.key, key);
        assert!(n.message.contains(&range), "{key}={value}: {}", n.message);
        assert!(n.message.contains("using"), "{}", n.message);
        assert_eq!(p.fashion, FashionLink::default(), "{key}={value}");
        assert_eq!(
            p.one_hidden_layer,
            OneHiddenLayerLink::default(),
            "{key}={value}"
        );
    }
}

#[test]
fn a_bad_value_puts_back_the_base_value_it_names() {
    let p = parse("figure=fashion&logEvery=10&logEvery=0");
    assert_eq!(p.fashion.settings.log_every, 100);
    assert!(
        p.notices[0].message.ends_with("using 100"),
        "{:?}",
        p.notices
    );
    let p = parse("preset=fashion-5-3&iterations=0");
    assert_eq!(p.fashion.iterations, 15_000);
    assert!(
        p.notices[0].message.ends_with("using 15000"),
        "{:?}",
        p.notices
    );
    let p = parse("figure=ohl&epochs=10&epochs=x&epoch=25");
    assert_eq!(
        (p.one_hidden_layer.config.epochs, p.one_hidden_layer.epoch),
        (31, 25)
    );
    assert_eq!(p.one_hidden_layer.config.decay_start, 21);
}

#[test]
fn keys_of_another_figure_are_warnings_not_changes() {
    let p = parse("figure=fashion&noiseTrace=0.5&epochs=3&runs=7");
    assert!(p.notices.is_empty());
    assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("not a setting of the fashion figure"));
    assert_eq!(
        (p.toy.clone(), p.one_hidden_layer.clone()),
        (ToyLink::default(), OneHiddenLayerLink::default())
    );
    // Shared names mean the shown figure's setting: samples and lr of the study here.
    let p = parse("lr=0.5&samples=50&figure=ohl");
    assert_eq!(
        (
            p.one_hidden_layer.config.lr,
            p.one_hidden_layer.config.samples
        ),
        (0.5, 50)
    );
    assert_eq!(p.toy.config, ToyConfig::default());
    let p = parse("figure=ohl&hide=gd");
    assert_eq!(p.warnings.len(), 1);
}

#[test]
fn presets_of_fashion_and_one_hidden_layer_set_their_state() {
    let p = parse("preset=fashion-5-3");
    assert_eq!(p.figure, Figure::Fashion);
    assert_eq!(p.fashion.settings.methods, Method::ALL.to_vec());
    assert_eq!(
        (p.fashion.iterations, p.fashion.settings.log_every),
        (15_000, 500)
    );
    assert_eq!(p.fashion.settings.config.seed, 0);
    assert_eq!(
        p.fashion.settings.config.network.id(),
        "cnn",
        "the paper's stage 2 runs its CNN"
    );
    assert_eq!(parse(&to_hash(&p)), p);
    let q = parse("preset=fashion-5-3&iterations=3000");
    assert_eq!(q.fashion.iterations, 3000);
    let p = parse("preset=paper-figure-4");
    assert_eq!(p.figure, Figure::OneHiddenLayer);
    assert_eq!(
        p.one_hidden_layer.config,
        crate::experiments::one_hidden_layer::OneHiddenLayerConfig::default()
    );
    assert_eq!(p.one_hidden_layer.epoch, 31);
    assert_eq!(parse(&to_hash(&p)), p);
}

#[test]
fn random_hashes_never_panic_and_always_give_a_valid_config() {
    // A cheap stand-in for the fuzz target: 3000 random hashes built from the schema's keys,
    // numbers, separators, escapes and non-ASCII text.
    let mut rng = crate::rng::Rng::for_stream(2019, &[]);
    let atoms: Vec<String> = all_keys()
        .iter()
        .map(|k| k.to_string())
        .chain(
            [
                "=",
                "&",
                "#",
                ",",
                "%",
                "%2",
                "%zz",
                "%E2%82",
                "+",
                "-1",
                "0",
                "1",
                "1.5",
                "1e400",
                "NaN",
                "inf",
                "0.005",
                "4294967296",
                "gd",
                "sgd",
                "gld-eigvec",
                "lr,noiseTrace",
                "fashion",
                "ohl",
                "toy",
                "figure=fashion&",
                "figure=ohl&",
                "fashion-5-3",
                "paper-figure-4",
                "settings,export",
                "é",
                "<script>",
                "\u{0}",
                "99999999999999999999",
            ]
            .iter()
            .map(|s| s.to_string()),
        )
        .collect();
    for _ in 0..3000 {
        let n = rng.index(40);
        let hash: String = (0..n)
            .map(|_| atoms[rng.index(atoms.len())].as_str())
            .collect();
        let p = parse(&hash);
        assert!(p.toy.config.validate().is_ok(), "{hash:?}");
        let toy_range = |key: &str| {
            let s = Figure::Toy.link_setting(key).unwrap();
            s.min.unwrap() as u64..=s.max.unwrap() as u64
        };
        assert!(
            toy_range("iterations").contains(&p.toy.iterations),
            "{hash:?}"
        );
        assert!(toy_range("speed").contains(&p.toy.speed), "{hash:?}");
        // What the page writes back reads back the same, with nothing to report.
        let again = parse(&to_hash(&p));
        assert!(
            again.notices.is_empty() && again.warnings.is_empty(),
            "{hash:?}"
        );
        assert_eq!(again.toy, p.toy, "{hash:?}");
        assert_eq!(again.fashion, p.fashion, "{hash:?}");
        assert_eq!(again.one_hidden_layer, p.one_hidden_layer, "{hash:?}");
        assert_eq!(again.figure, p.figure, "{hash:?}");
        assert!(
            p.one_hidden_layer.epoch <= p.one_hidden_layer.config.epochs as u64,
            "{hash:?}"
        );
    }
}

#[test]
fn seed_random_resolves_to_a_concrete_seed_the_link_then_carries() {
    type Seed = fn(&Permalink) -> u32;
    let cases: [(&str, Seed); 3] = [
        ("seed=random", |p: &Permalink| p.toy.config.seed),
        ("figure=fashion&seed=random", |p: &Permalink| {
            p.fashion.settings.config.seed
        }),
        ("figure=ohl&seed=%20random", |p: &Permalink| {
            p.one_hidden_layer.config.seed
        }),
    ];
    for (hash, seed) in cases {
        let p = parse(hash);
        assert!(p.notices.is_empty(), "{hash}: {:?}", p.notices);
        let written = to_hash(&p);
        assert!(
            written.contains(&format!("seed={}&", seed(&p))),
            "{written}"
        );
        assert_eq!(parse(&written), p, "{hash}");
    }
    let a = parse("seed=random").toy.config.seed;
    let b = parse("seed=random").toy.config.seed;
    assert_ne!(
        a, b,
        "two fresh seeds (a 1 in 2^32 chance of a false failure)"
    );
}

#[test]
fn the_toy_timeline_iteration_round_trips_and_is_at_most_iterations() {
    let p = parse("figure=toy&iterations=300&iteration=120");
    assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
    assert_eq!((p.toy.iterations, p.toy.iteration), (300, Some(120)));
    assert_eq!(parse(&to_hash(&p)), p);
    // Unset by default (the latest), and then not written.
    let d = parse("figure=toy&iterations=300");
    assert_eq!(d.toy.iteration, None);
    assert!(!to_hash(&d).contains("iteration="), "{}", to_hash(&d));
    // Past the pause-at iteration: a notice naming `iteration` and its bound; unset again.
    let bad = parse("figure=toy&iterations=300&iteration=301");
    assert_eq!(bad.notices.len(), 1, "{:?}", bad.notices);
    assert_eq!(bad.notices[0].key, "iteration");
    assert!(
        bad.notices[0].message.contains("0..=300"),
        "{}",
        bad.notices[0].message
    );
    assert_eq!(
        (bad.toy.iterations, bad.toy.iteration),
        (300, None),
        "{bad:?}"
    );
}

#[test]
fn sweep_links_round_trip_and_bad_ranges_fall_back() {
    use crate::sweep::Vary;
    let p = parse("figure=sweep&vary=spread&points=4&runs=20&seed=5&workers=2");
    assert!(p.notices.is_empty() && p.warnings.is_empty(), "{p:?}");
    assert_eq!(p.figure, Figure::Sweep);
    assert_eq!((p.sweep.vary, p.sweep.points), (Vary::Spread, 4));
    assert_eq!((p.sweep.from, p.sweep.to), (None, None));
    // Unset ends are the default range of what varies.
    let c = p.sweep.config();
    assert_eq!((c.from, c.to), Vary::Spread.default_range());
    assert_eq!((c.toy.runs, c.toy.seed, p.sweep.workers), (20, 5, Some(2)));
    assert_eq!(parse(&to_hash(&p)), p);
    let q = parse("figure=sweep&vary=sharpness&from=50&to=300");
    assert_eq!((q.sweep.from, q.sweep.to), (Some(50.0), Some(300.0)));
    assert_eq!(parse(&to_hash(&q)), q);
    // An angle past 180 degrees: within the schema's bounds, outside the angle's range.
    let bad = parse("figure=sweep&vary=angle&to=400");
    assert_eq!(bad.notices.len(), 1, "{:?}", bad.notices);
    assert_eq!(bad.notices[0].key, "to");
    assert_eq!(bad.sweep.to, None);
    // Out of the schema's bounds, and a key the sweep does not have.
    let bad = parse("figure=sweep&points=0&methods=gd&hide=gd");
    assert_eq!(bad.notices[0].key, "points");
    assert_eq!(bad.sweep.points, 10);
    assert_eq!(bad.warnings.len(), 2, "{:?}", bad.warnings);
    let preset = parse("preset=spread-sweep");
    assert_eq!(
        (preset.figure, preset.sweep.vary),
        (Figure::Sweep, Vary::Spread)
    );
}
