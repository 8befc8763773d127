//! Issue 13's wasm exports in a real browser: seeking gives an uninterrupted run's positions
//! bit for bit, the landscape's settings reach the simulation, and the sweep and prediction
//! exports answer with their documented shapes and reject bad input by name.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use sgd_escape::web::theory::{landscape_analysis, sweep_point, wilson};
use sgd_escape::web::ToySimulation;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap()
}

fn error_message<T>(result: Result<T, wasm_bindgen::JsError>) -> String {
    let value: JsValue = match result {
        Ok(_) => panic!("the call should have been rejected"),
        Err(e) => e.into(),
    };
    get(&value, "message").as_string().unwrap()
}

fn small() -> JsValue {
    object(&[
        ("runs", JsValue::from(5)),
        ("seed", JsValue::from(3)),
        (
            "methods",
            js_sys::Array::of2(&"gld-eigvec".into(), &"sgd".into()).into(),
        ),
    ])
}

fn positions(sim: &ToySimulation, id: &str) -> Vec<f64> {
    sim.positions(JsValue::from_str(id)).unwrap().to_vec()
}

#[wasm_bindgen_test]
fn seek_gives_the_uninterrupted_positions_bit_for_bit() {
    let mut sim = ToySimulation::new(small()).unwrap();
    sim.step(JsValue::from(260)).unwrap();
    for target in [37u32, 250, 0, 101, 260, 199] {
        assert_eq!(sim.seek(JsValue::from(target)).unwrap(), target as f64);
        let mut fresh = ToySimulation::new(small()).unwrap();
        if target > 0 {
            fresh.step(JsValue::from(target)).unwrap();
        }
        for id in ["gld-eigvec", "sgd"] {
            let (a, b) = (positions(&sim, id), positions(&fresh, id));
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "{id} after seek({target})");
        }
    }
    assert_eq!(sim.frontier(), 260.0);
    assert!(error_message(sim.seek(JsValue::from(-1))).starts_with("`iteration` "));
    assert!(error_message(sim.seek(JsValue::from_str("3"))).starts_with("`iteration` "));
    // Still usable.
    assert_eq!(sim.seek(JsValue::from(261)).unwrap(), 261.0);
}

#[wasm_bindgen_test]
fn the_landscape_keys_shape_the_simulation() {
    let config = object(&[
        ("runs", JsValue::from(2)),
        ("sharpLambda1", JsValue::from(120.0)),
        ("sharpAngle", JsValue::from(30.0)),
        ("minimaDistance", JsValue::from(2.0)),
    ]);
    let sim = ToySimulation::new(config).unwrap();
    let a = sim.landscape().unwrap();
    let eigenvalues: Vec<f64> = serde_wasm_bindgen::from_value(get(&a, "eigenvalues")).unwrap();
    assert!((eigenvalues[0] - 120.0).abs() < 1e-9 && (eigenvalues[1] - 20.0).abs() < 1e-9);
    assert_eq!(get(&a, "gdStableLr").as_f64(), Some(2.0 / 120.0));
    let start = positions(&sim, "gd");
    assert!((start[0] - 2.0 / (2.0 * std::f64::consts::SQRT_2)).abs() < 1e-15);
    let msg = error_message(ToySimulation::new(object(&[(
        "sharpLambda2",
        JsValue::from(500.0),
    )])));
    assert!(msg.starts_with("`sharpLambda2` "), "{msg}");
    // The paper's landscape by default.
    let paper = landscape_analysis(JsValue::UNDEFINED).unwrap();
    let barrier = get(&paper, "barrier");
    assert!((get(&barrier, "height").as_f64().unwrap() - 1600.0 / 242.0).abs() < 1e-12);
    assert!(error_message(landscape_analysis(object(&[(
        "sharpAngle",
        JsValue::from(200.0)
    )])))
    .starts_with("`sharpAngle` "));
}

#[wasm_bindgen_test]
fn prediction_and_sweep_points_have_their_shapes() {
    let mut sim = ToySimulation::new(small()).unwrap();
    sim.step(JsValue::from(4)).unwrap();
    let p = sim
        .loss_prediction(JsValue::from_str("gld-eigvec"), JsValue::from(6))
        .unwrap();
    let predicted: Vec<f64> = serde_wasm_bindgen::from_value(get(&p, "predicted")).unwrap();
    let measured: Vec<Option<f64>> = serde_wasm_bindgen::from_value(get(&p, "measured")).unwrap();
    assert_eq!((predicted.len(), measured.len()), (7, 7));
    assert!(measured[4].is_some() && measured[5].is_none());
    assert!(
        error_message(sim.loss_prediction(JsValue::from_str("gd"), JsValue::from(3)))
            .starts_with("`methodId` ")
    );

    let config = object(&[
        ("vary", JsValue::from_str("angle")),
        ("runs", JsValue::from(4)),
        ("iterations", JsValue::from(10)),
    ]);
    let point = sweep_point(config.clone(), JsValue::from(0.0)).unwrap();
    assert_eq!(get(&point, "runs").as_f64(), Some(4.0));
    assert!((get(&point, "trHSigma").as_f64().unwrap() - 2.0).abs() < 1e-9);
    assert!(get(&point, "low95").as_f64().is_some());
    assert!(
        error_message(sweep_point(config.clone(), JsValue::from(400.0))).starts_with("`value` ")
    );
    let bad = object(&[("vary", JsValue::from_str("tilt"))]);
    assert!(error_message(sweep_point(bad, JsValue::from(0.0))).starts_with("`vary` "));
    assert!(error_message(wilson(JsValue::from(5), JsValue::from(3))).starts_with("`escaped` "));
}
