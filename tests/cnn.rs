//! The paper's CNN (src/landscape/cnn.rs) against an independent f64 reference written plainly
//! below from the documented layout (dense loops, TensorFlow's conventions), against central
//! differences, and its forward values against tests/fixtures/cnn_forward.json, computed by the
//! NumPy script tests/fixtures/cnn_forward.py independently of the Rust code.
#![cfg(not(target_arch = "wasm32"))]
// The reference is written plainly, with index loops on purpose.
#![allow(clippy::needless_range_loop)]

use sgd_escape::data::fashion::pixels_to_unit_range;
use sgd_escape::data::load_pair;
use sgd_escape::landscape::cnn::{Cnn, PARAMS};
use sgd_escape::landscape::network::Architecture;
use sgd_escape::rng::Rng;

// ---------------------------------------------------------------------------------------------
// The f64 reference: NHWC tensors as plain nested index arithmetic.

/// What the reference computes for a batch.
struct Reference {
    loss: f64,
    grad: Vec<f64>,
    /// Per sample, the logits.
    logits: Vec<[f64; 10]>,
    /// The smallest |pre-activation| of every ReLU, and the smallest gap between a pooling
    /// window's maximum and a different value in it (exact ties excluded): how far the point
    /// is from a kink.
    margin: f64,
    /// Pooling windows (both pools, all samples) whose maximum is attained more than once.
    tied_windows: usize,
}

/// Max-pool 2x2/2 of an s x s x 10 tensor (index (y * s + x) * 10 + c): the pooled values and
/// the argmax (the first maximum in row-major window order) as an index into the input.
fn pool(z: &[f64], s: usize, margin: &mut f64, ties: &mut usize) -> (Vec<f64>, Vec<usize>) {
    let h = s / 2;
    let mut out = vec![0.0; h * h * 10];
    let mut arg = vec![0; h * h * 10];
    for py in 0..h {
        for px in 0..h {
            for c in 0..10 {
                let cand = [
                    ((2 * py) * s + 2 * px) * 10 + c,
                    ((2 * py) * s + 2 * px + 1) * 10 + c,
                    ((2 * py + 1) * s + 2 * px) * 10 + c,
                    ((2 * py + 1) * s + 2 * px + 1) * 10 + c,
                ];
                let mut best = cand[0];
                for &i in &cand[1..] {
                    if z[i] > z[best] {
                        best = i;
                    }
                }
                let equal = cand.iter().filter(|&&i| z[i] == z[best]).count();
                if equal > 1 {
                    *ties += 1;
                }
                for &i in &cand {
                    if z[i] != z[best] {
                        *margin = margin.min(z[best] - z[i]);
                    }
                }
                out[(py * h + px) * 10 + c] = z[best];
                arg[(py * h + px) * 10 + c] = best;
            }
        }
    }
    (out, arg)
}

fn relu(v: &[f64], margin: &mut f64) -> Vec<f64> {
    v.iter()
        .map(|&x| {
            *margin = margin.min(x.abs());
            x.max(0.0)
        })
        .collect()
}

/// Loss, gradient and logits of the mean cross-entropy, in f64, with dense backpropagation.
fn reference(theta: &[f64], images: &[f64], labels: &[u8]) -> Reference {
    let w1 = |dy: usize, dx: usize, co: usize| theta[(dy * 5 + dx) * 10 + co];
    let b1 = &theta[250..260];
    let w2 = |dy: usize, dx: usize, ci: usize, co: usize| {
        theta[260 + ((dy * 5 + dx) * 10 + ci) * 10 + co]
    };
    let b2 = &theta[2760..2770];
    let f1 = |i: usize, j: usize| theta[2770 + i * 50 + j];
    let bf1 = &theta[10770..10820];
    let f2 = |j: usize, k: usize| theta[10820 + j * 10 + k];
    let bf2 = &theta[11320..11330];
    let n = labels.len();
    let mut grad = vec![0.0; PARAMS];
    let (mut loss, mut margin, mut ties) = (0.0, f64::INFINITY, 0);
    let mut all_logits = Vec::new();
    for s in 0..n {
        let x = &images[s * 784..(s + 1) * 784];
        // conv1: 24 x 24 x 10.
        let mut z1 = vec![0.0; 24 * 24 * 10];
        for y in 0..24 {
            for xx in 0..24 {
                for co in 0..10 {
                    let mut acc = b1[co];
                    for dy in 0..5 {
                        for dx in 0..5 {
                            acc += x[(y + dy) * 28 + xx + dx] * w1(dy, dx, co);
                        }
                    }
                    z1[(y * 24 + xx) * 10 + co] = acc;
                }
            }
        }
        let (p1, arg1) = pool(&z1, 24, &mut margin, &mut ties);
        let a1 = relu(&p1, &mut margin);
        // conv2: 8 x 8 x 10.
        let mut z2 = vec![0.0; 8 * 8 * 10];
        for y in 0..8 {
            for xx in 0..8 {
                for co in 0..10 {
                    let mut acc = b2[co];
                    for dy in 0..5 {
                        for dx in 0..5 {
                            for ci in 0..10 {
                                acc += a1[((y + dy) * 12 + xx + dx) * 10 + ci] * w2(dy, dx, ci, co);
                            }
                        }
                    }
                    z2[(y * 8 + xx) * 10 + co] = acc;
                }
            }
        }
        let (p2, arg2) = pool(&z2, 8, &mut margin, &mut ties);
        let f = relu(&p2, &mut margin); // (h, w, c) order already
        let mut u = vec![0.0; 50];
        for j in 0..50 {
            u[j] = bf1[j] + (0..160).map(|i| f[i] * f1(i, j)).sum::<f64>();
        }
        let h = relu(&u, &mut margin);
        let mut z = [0.0; 10];
        for k in 0..10 {
            z[k] = bf2[k] + (0..50).map(|j| h[j] * f2(j, k)).sum::<f64>();
        }
        all_logits.push(z);
        let max = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
        let y = labels[s] as usize;
        loss += lse - z[y];
        // Backward, dense.
        let mut dz = [0.0; 10];
        for k in 0..10 {
            dz[k] = (z[k] - lse).exp() - if k == y { 1.0 } else { 0.0 };
        }
        let mut dh = vec![0.0; 50];
        for j in 0..50 {
            for k in 0..10 {
                grad[10820 + j * 10 + k] += h[j] * dz[k];
                dh[j] += f2(j, k) * dz[k];
            }
            if u[j] <= 0.0 {
                dh[j] = 0.0;
            }
        }
        for k in 0..10 {
            grad[11320 + k] += dz[k];
        }
        let mut df = vec![0.0; 160];
        for i in 0..160 {
            for j in 0..50 {
                grad[2770 + i * 50 + j] += f[i] * dh[j];
                df[i] += f1(i, j) * dh[j];
            }
            if p2[i] <= 0.0 {
                df[i] = 0.0;
            }
        }
        for j in 0..50 {
            grad[10770 + j] += dh[j];
        }
        let mut dz2 = vec![0.0; 8 * 8 * 10];
        for i in 0..160 {
            dz2[arg2[i]] += df[i];
        }
        let mut da1 = vec![0.0; 12 * 12 * 10];
        for y in 0..8 {
            for xx in 0..8 {
                for co in 0..10 {
                    let g = dz2[(y * 8 + xx) * 10 + co];
                    grad[2760 + co] += g;
                    for dy in 0..5 {
                        for dx in 0..5 {
                            for ci in 0..10 {
                                let a = ((y + dy) * 12 + xx + dx) * 10 + ci;
                                grad[260 + ((dy * 5 + dx) * 10 + ci) * 10 + co] += a1[a] * g;
                                da1[a] += w2(dy, dx, ci, co) * g;
                            }
                        }
                    }
                }
            }
        }
        let mut dz1 = vec![0.0; 24 * 24 * 10];
        for i in 0..1440 {
            if p1[i] > 0.0 {
                dz1[arg1[i]] += da1[i];
            }
        }
        for y in 0..24 {
            for xx in 0..24 {
                for co in 0..10 {
                    let g = dz1[(y * 24 + xx) * 10 + co];
                    grad[250 + co] += g;
                    for dy in 0..5 {
                        for dx in 0..5 {
                            grad[(dy * 5 + dx) * 10 + co] += x[(y + dy) * 28 + xx + dx] * g;
                        }
                    }
                }
            }
        }
    }
    for g in &mut grad {
        *g /= n as f64;
    }
    Reference {
        loss: loss / n as f64,
        grad,
        logits: all_logits,
        margin,
        tied_windows: ties,
    }
}

// ---------------------------------------------------------------------------------------------

fn to64(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// The first `n` training images of the page's data (pixels in [-1, 1]) and their labels.
fn fashion_images(n: usize) -> (Vec<f32>, Vec<u8>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/");
    let read = |f: &str| std::fs::read(format!("{dir}{f}")).expect("www/data file");
    let pair = load_pair(
        &read("fmnist-train1200-images-idx3-ubyte.gz"),
        &read("fmnist-train1200-labels-idx1-ubyte.gz"),
    )
    .expect("idx");
    (
        pixels_to_unit_range(&pair.images.pixels[..n * 784]),
        pair.labels[..n].to_vec(),
    )
}

/// A random problem away from kinks: weights of sd `sd` (biases too), `n` images of random
/// normal pixels (no ties), random labels.
fn random_case(n: usize, sd: f32, seed: u64) -> (Vec<f32>, Vec<f32>, Vec<u8>) {
    for attempt in 0..100u64 {
        let mut rng = Rng::for_stream(seed, &[attempt]);
        let theta = Cnn::new().init(&mut rng, sd);
        let images: Vec<f32> = (0..n * 784).map(|_| rng.normal() as f32).collect();
        let labels: Vec<u8> = (0..n).map(|_| rng.index(10) as u8).collect();
        let r = reference(&to64(&theta), &to64(&images), &labels);
        if r.margin > 1e-3 {
            return (theta, images, labels);
        }
    }
    panic!("no kink-free case");
}

/// Coordinates spread over every parameter block (both ends of each block and a stride).
fn probe_coordinates() -> Vec<usize> {
    let blocks = [
        0..250,
        250..260,
        260..2760,
        2760..2770,
        2770..10770,
        10770..10820,
        10820..11320,
        11320..11330,
    ];
    let mut ks = Vec::new();
    for b in blocks {
        ks.extend([b.start, b.start + 1, b.end - 1]);
        ks.extend((b.start..b.end).step_by(((b.end - b.start) / 12).max(1)));
    }
    ks.sort();
    ks.dedup();
    ks
}

#[test]
fn layout_and_init_follow_the_authors() {
    let cnn = Cnn::new();
    assert_eq!(cnn.parameter_count(), 11_330);
    assert_eq!((cnn.input_dim(), cnn.classes()), (784, 10));
    let theta = cnn.init(&mut Rng::for_stream(3, &[]), 0.02);
    // Every entry, biases included, from a normal of sd 0.02 truncated at 2 sd.
    assert!(theta.iter().all(|&x| x.abs() <= 0.04));
    let n = theta.len() as f64;
    let mean = theta.iter().map(|&x| x as f64).sum::<f64>() / n;
    let sd = (theta.iter().map(|&x| (x as f64).powi(2)).sum::<f64>() / n).sqrt();
    assert!(mean.abs() < 5.0 * 0.02 / n.sqrt(), "mean {mean}");
    // A normal truncated at 2 sd has sd 0.8796 of the untruncated one.
    assert!((sd / 0.02 - 0.8796).abs() < 0.02, "sd {sd}");
    for b in [250..260, 2760..2770, 10770..10820, 11320..11330] {
        assert!(theta[b].iter().any(|&x| x != 0.0), "biases are drawn too");
    }
    assert_eq!(theta, cnn.init(&mut Rng::for_stream(3, &[]), 0.02));
}

#[test]
fn the_reference_gradient_matches_central_differences() {
    let (theta, images, labels) = random_case(2, 0.3, 10);
    let t = to64(&theta);
    let x = to64(&images);
    let r = reference(&t, &x, &labels);
    let scale = max_abs(&r.grad);
    let h = 1e-6;
    for k in probe_coordinates() {
        let (mut tp, mut tm) = (t.clone(), t.clone());
        tp[k] += h;
        tm[k] -= h;
        let fd = (reference(&tp, &x, &labels).loss - reference(&tm, &x, &labels).loss) / (2.0 * h);
        assert!(
            (fd - r.grad[k]).abs() < 1e-6 * scale,
            "k = {k}: fd {fd} vs {}",
            r.grad[k]
        );
    }
}

#[test]
fn gradient_and_loss_match_the_reference() {
    let cnn = Cnn::new();
    let (theta, images, labels) = random_case(3, 0.3, 20);
    let r = reference(&to64(&theta), &to64(&images), &labels);
    let mut ws = cnn.workspace();
    let mut g = vec![0.0f32; PARAMS];
    let loss = cnn.loss_grad(&theta, &images, &labels, &mut g, &mut ws);
    assert!(
        (loss as f64 - r.loss).abs() < 1e-5 * (1.0 + r.loss),
        "{loss} vs {}",
        r.loss
    );
    assert_eq!(cnn.loss(&theta, &images, &labels, &mut ws), loss);
    let scale = max_abs(&r.grad);
    for k in 0..PARAMS {
        assert!(
            (g[k] as f64 - r.grad[k]).abs() < 2e-5 * scale,
            "k = {k}: {} vs {}",
            g[k],
            r.grad[k]
        );
    }
    let mut logits = [0.0f32; 10];
    for s in 0..3 {
        cnn.logits(
            &theta,
            &images[s * 784..(s + 1) * 784],
            &mut logits,
            &mut ws,
        );
        for k in 0..10 {
            assert!(
                (logits[k] as f64 - r.logits[s][k]).abs() < 1e-4 * (1.0 + r.logits[s][k].abs())
            );
        }
    }
}

#[test]
fn hvp_matches_central_differences_of_the_reference_gradient() {
    let cnn = Cnn::new();
    let (theta, images, labels) = random_case(2, 0.3, 30);
    let mut rng = Rng::for_stream(31, &[]);
    let v: Vec<f32> = (0..PARAMS).map(|_| rng.normal() as f32).collect();
    let mut ws = cnn.workspace();
    let mut hv = vec![0.0f32; PARAMS];
    cnn.hvp(&theta, &images, &labels, &v, &mut hv, &mut ws);
    // f64 reference: (g(t + h v) - g(t - h v)) / 2h.
    let (t, x) = (to64(&theta), to64(&images));
    let h = 1e-6;
    let tp: Vec<f64> = t.iter().zip(&v).map(|(a, b)| a + h * *b as f64).collect();
    let tm: Vec<f64> = t.iter().zip(&v).map(|(a, b)| a - h * *b as f64).collect();
    let (rp, rm) = (reference(&tp, &x, &labels), reference(&tm, &x, &labels));
    assert!(rp.margin > 0.0 && rm.margin > 0.0);
    let fd: Vec<f64> = rp
        .grad
        .iter()
        .zip(&rm.grad)
        .map(|(a, b)| (a - b) / (2.0 * h))
        .collect();
    let scale = max_abs(&fd);
    for k in 0..PARAMS {
        assert!(
            (hv[k] as f64 - fd[k]).abs() < 1e-4 * scale,
            "k = {k}: {} vs {}",
            hv[k],
            fd[k]
        );
    }
    // And central differences of the f32 gradient itself, to f32-sized tolerance.
    let h32 = 2e-5f32;
    let tp: Vec<f32> = theta.iter().zip(&v).map(|(a, b)| a + h32 * b).collect();
    let tm: Vec<f32> = theta.iter().zip(&v).map(|(a, b)| a - h32 * b).collect();
    let (mut gp, mut gm) = (vec![0.0f32; PARAMS], vec![0.0f32; PARAMS]);
    cnn.loss_grad(&tp, &images, &labels, &mut gp, &mut ws);
    cnn.loss_grad(&tm, &images, &labels, &mut gm, &mut ws);
    for k in 0..PARAMS {
        let fd32 = ((gp[k] - gm[k]) / (2.0 * h32)) as f64;
        assert!(
            (hv[k] as f64 - fd32).abs() < 2e-2 * scale,
            "k = {k}: {} vs {fd32}",
            hv[k]
        );
    }
}

#[test]
fn hvp_is_symmetric_on_real_images() {
    let cnn = Cnn::new();
    let (images, labels) = fashion_images(16);
    let theta = cnn.init(&mut Rng::for_stream(40, &[]), 0.1);
    let mut rng = Rng::for_stream(41, &[]);
    let u: Vec<f32> = (0..PARAMS).map(|_| rng.normal() as f32).collect();
    let v: Vec<f32> = (0..PARAMS).map(|_| rng.normal() as f32).collect();
    let mut ws = cnn.workspace();
    let (mut hu, mut hv) = (vec![0.0f32; PARAMS], vec![0.0f32; PARAMS]);
    cnn.hvp(&theta, &images, &labels, &u, &mut hu, &mut ws);
    cnn.hvp(&theta, &images, &labels, &v, &mut hv, &mut ws);
    let dot = |a: &[f32], b: &[f32]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| *x as f64 * *y as f64)
            .sum::<f64>()
    };
    let (vhu, uhv) = (dot(&v, &hu), dot(&u, &hv));
    let size = dot(&u, &hu).abs() + dot(&v, &hv).abs();
    assert!((vhu - uhv).abs() < 1e-4 * size, "{vhu} vs {uhv}");
    assert!(vhu != 0.0);
}

#[test]
fn tied_pooling_windows_route_to_the_first_maximum() {
    // Real images: their uniform background makes whole pooling windows exactly equal.
    let cnn = Cnn::new();
    let (images, labels) = fashion_images(4);
    let theta = cnn.init(&mut Rng::for_stream(50, &[]), 0.2);
    let r = reference(&to64(&theta), &to64(&images), &labels);
    assert!(r.tied_windows > 100, "only {} tied windows", r.tied_windows);
    let mut ws = cnn.workspace();
    let mut g = vec![0.0f32; PARAMS];
    cnn.loss_grad(&theta, &images, &labels, &mut g, &mut ws);
    let scale = max_abs(&r.grad);
    for k in 0..PARAMS {
        assert!(
            (g[k] as f64 - r.grad[k]).abs() < 2e-5 * scale,
            "k = {k}: {} vs {}",
            g[k],
            r.grad[k]
        );
    }
    // Routing to every tied position instead would count them several times: the bias
    // gradients, where the background's ties weigh most, agree with central differences
    // (a max of identical functions is smooth along every parameter).
    let (t, x) = (to64(&theta), to64(&images));
    let h = 1e-6;
    for k in (250..260).chain(2760..2770) {
        let (mut tp, mut tm) = (t.clone(), t.clone());
        tp[k] += h;
        tm[k] -= h;
        let fd = (reference(&tp, &x, &labels).loss - reference(&tm, &x, &labels).loss) / (2.0 * h);
        assert!(
            (fd - r.grad[k]).abs() < 1e-6 * scale,
            "k = {k}: {fd} vs {}",
            r.grad[k]
        );
        assert!((g[k] as f64 - fd).abs() < 2e-5 * scale, "k = {k}");
    }
}

#[test]
fn minibatch_variants_equal_the_copied_sub_batch() {
    let cnn = Cnn::new();
    let (images, labels) = fashion_images(10);
    let theta = cnn.init(&mut Rng::for_stream(60, &[]), 0.1);
    let idx = [3usize, 0, 7, 7, 9];
    let mut sub_x = Vec::new();
    let mut sub_y = Vec::new();
    for &i in &idx {
        sub_x.extend_from_slice(&images[i * 784..(i + 1) * 784]);
        sub_y.push(labels[i]);
    }
    let mut ws = cnn.workspace();
    let (mut g1, mut g2) = (vec![0.0f32; PARAMS], vec![0.0f32; PARAMS]);
    let l1 = cnn.loss_grad_indices(&theta, &images, &labels, &idx, &mut g1, &mut ws);
    let l2 = cnn.loss_grad(&theta, &sub_x, &sub_y, &mut g2, &mut ws);
    assert_eq!((l1.to_bits(), &g1), (l2.to_bits(), &g2));
    assert_eq!(
        cnn.loss_indices(&theta, &images, &labels, &idx, &mut ws),
        l2
    );
    let v: Vec<f32> = (0..PARAMS).map(|k| (k as f32 * 0.37).sin()).collect();
    let (mut h1, mut h2) = (vec![0.0f32; PARAMS], vec![0.0f32; PARAMS]);
    cnn.hvp_indices(&theta, &images, &labels, &idx, &v, &mut h1, &mut ws);
    cnn.hvp(&theta, &sub_x, &sub_y, &v, &mut h2, &mut ws);
    assert_eq!(h1, h2);
    // Accuracy is the fraction of argmax-of-logits hits.
    let mut logits = [0.0f32; 10];
    let mut hits = 0;
    for s in 0..10 {
        let x = &images[s * 784..(s + 1) * 784];
        cnn.logits(&theta, x, &mut logits, &mut ws);
        let p = cnn.predict(&theta, x, &mut ws);
        let first_max = (0..10).fold(0, |b, k| if logits[k] > logits[b] { k } else { b });
        assert_eq!(p as usize, first_max);
        hits += (p == labels[s]) as usize;
    }
    assert_eq!(
        cnn.accuracy(&theta, &images, &labels, &mut ws),
        hits as f64 / 10.0
    );
    // A fresh workspace gives the same bits.
    let mut g3 = vec![0.0f32; PARAMS];
    cnn.loss_grad_indices(
        &theta,
        &images,
        &labels,
        &idx,
        &mut g3,
        &mut Default::default(),
    );
    assert_eq!(g1, g3);
}

/// The fixture's point: theta[i] = f32((k - 1000) / 20000), k = (7919 i + 13) mod 2001, exact
/// in both languages.
fn fixture_theta() -> Vec<f32> {
    (0..PARAMS)
        .map(|i| {
            let k = (7919 * i + 13) % 2001;
            ((k as f64 - 1000.0) / 20000.0) as f32
        })
        .collect()
}

#[test]
fn forward_values_match_the_numpy_fixture() {
    #[derive(serde::Deserialize)]
    struct Fixture {
        images: usize,
        logits: Vec<Vec<f64>>,
        loss: f64,
    }
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cnn_forward.json"
    ))
    .expect("fixture (regenerate with tests/fixtures/cnn_forward.py)");
    let want: Fixture = serde_json::from_str(&text).unwrap();
    let cnn = Cnn::new();
    let (images, labels) = fashion_images(want.images);
    let theta = fixture_theta();
    let mut ws = cnn.workspace();
    let loss = cnn.loss(&theta, &images, &labels, &mut ws) as f64;
    assert!(
        (loss - want.loss).abs() < 1e-5 * want.loss.abs(),
        "{loss} vs {}",
        want.loss
    );
    let mut logits = [0.0f32; 10];
    for (s, w) in want.logits.iter().enumerate() {
        cnn.logits(
            &theta,
            &images[s * 784..(s + 1) * 784],
            &mut logits,
            &mut ws,
        );
        let scale = max_abs(w);
        for k in 0..10 {
            assert!(
                (logits[k] as f64 - w[k]).abs() < 1e-5 * scale,
                "image {s} logit {k}: {} vs {}",
                logits[k],
                w[k]
            );
        }
    }
    // The f64 reference of this file agrees with NumPy too (to f64 rounding).
    let r = reference(&to64(&theta), &to64(&images), &labels);
    assert!((r.loss - want.loss).abs() < 1e-6 * want.loss.abs());
}

/// The weight-gradient kernel of the CNN's backward pass: the fast kernels' `axpy_patches`
/// (which keeps a filter's gradient in registers across the windows) is bit for bit as many of
/// their own `axpy_strided` calls, the sequence the backward pass made before it, on the CNN's
/// two filter shapes and on every column count up to 20. (The active kernels' version against
/// the portable ones: `kernels::check::axpy_patches`, in the library's and the browser tests.)
#[test]
fn fast_axpy_patches_is_its_terms_axpy_strided_calls_bit_for_bit() {
    use sgd_escape::kernels::{check, FastKernels};
    let Some(f) = FastKernels::new() else { return };
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for seed in [1, 7] {
        for (t, shape) in check::patch_shapes().into_iter().enumerate() {
            let (rows, cols, xs, ys, _) = shape;
            let (alphas, offsets, x, y0) = check::patch_inputs(seed, t as u64, shape);
            let (mut got, mut want) = (y0.clone(), y0);
            f.axpy_patches(&alphas, &offsets, &x, xs, &mut got, ys, rows, cols);
            for (&a, &o) in alphas.iter().zip(&offsets) {
                f.axpy_strided(a, &x[o as usize..], xs, &mut want, ys, rows, cols);
            }
            assert_eq!(bits(&got), bits(&want), "shape {shape:?}, seed {seed}");
        }
    }
}

/// The fast kernels' convolution, however it tiles the outputs into registers (16 columns of a
/// row, 8 columns of two rows, masked tails), computes every output as the same chain of fused
/// multiply-adds over the taps in order plus the bias: bit for bit a scalar `mul_add` chain,
/// on the CNN's two shapes and on every output height 1..=5 and width 1..=26 (pairs of rows
/// and lone last rows, every column tail).
#[test]
fn fast_conv2d_is_the_fused_tap_chain_bit_for_bit() {
    use sgd_escape::kernels::{check, FastKernels};
    let Some(f) = FastKernels::new() else { return };
    // (in_h, in_w, in_c, kernel, channels)
    let mut shapes = vec![(28, 28, 1, 5, 10), (12, 12, 10, 5, 10)];
    for out_h in 1..=5 {
        for out_w in 1..=26 {
            shapes.push((out_h + 2, out_w + 2, 2, 3, [1, 7, 10][out_w % 3]));
        }
    }
    for (t, &(h, w_in, ci, k, n)) in shapes.iter().enumerate() {
        let (out_h, out_w) = (h - k + 1, w_in - k + 1);
        let src = check::vector(5, 40 + t as u64, ci * h * w_in);
        let taps: Vec<u32> = (0..k)
            .flat_map(|dy| (0..k).flat_map(move |dx| (0..ci).map(move |c| (dy, dx, c))))
            .map(|(dy, dx, c)| (c * h * w_in + dy * w_in + dx) as u32)
            .collect();
        let w = check::vector(5, 900 + t as u64, taps.len() * n);
        let bias = check::vector(5, 1900 + t as u64, n);
        let mut got = vec![0.0f32; n * out_h * out_w];
        f.conv2d(&src, w_in, &taps, &w, &bias, out_h, out_w, &mut got);
        for o in 0..n {
            for y in 0..out_h {
                for x in 0..out_w {
                    let mut acc = 0.0f32;
                    for (kk, &tap) in taps.iter().enumerate() {
                        acc = w[kk * n + o].mul_add(src[y * w_in + x + tap as usize], acc);
                    }
                    let want = acc + bias[o];
                    let at = (o * out_h + y) * out_w + x;
                    assert_eq!(
                        got[at].to_bits(),
                        want.to_bits(),
                        "shape {t}: channel {o}, ({y}, {x})"
                    );
                }
            }
        }
    }
}
