//! The one-hidden-layer study of docs/protocols.md 3.2 (native).
#![cfg(not(target_arch = "wasm32"))]

use sgd_escape::experiments::one_hidden_layer::{OneHiddenLayerConfig, OneHiddenLayerRun};

#[test]
fn sgd_noise_indicator_ends_clearly_above_its_isotropic_reference() {
    let mut run = OneHiddenLayerRun::new(OneHiddenLayerConfig::default());
    while run.step_epoch() {}
    let records = run.records();
    assert_eq!(records.len(), 32);
    for r in records {
        eprintln!(
            "epoch {:2}: loss {:.4} acc {:.3}  Tr(H Sigma) {:.4e}  iso {:.4e}  ratio {:.1}",
            r.epoch,
            r.train_loss,
            r.train_accuracy,
            r.tr_h_sigma,
            r.tr_h_sigma_iso,
            r.tr_h_sigma / r.tr_h_sigma_iso
        );
    }
    let last = records.last().unwrap();
    assert!(
        last.train_accuracy > 0.95,
        "training works: {}",
        last.train_accuracy
    );
    // The paper's Figure 4: Tr(H Sigma) is an order of magnitude above the reference.
    assert!(last.tr_h_sigma > 5.0 * last.tr_h_sigma_iso, "{last:?}");
    assert!(records.iter().all(|r| r.tr_h_sigma > r.tr_h_sigma_iso));
}
