//! The fast native kernels (AVX2 + FMA on x86-64, NEON on aarch64) against error bounds.
//!
//! They fuse multiply and add and sum in their own order, so they are not bit-identical to the
//! exact kernels; instead every result must lie within the classical forward-error bound of
//! floating-point summation (Higham, Accuracy and Stability of Numerical Algorithms, 3.1):
//! for any order of summing k products, fused or not, |computed - exact| <= gamma_k sum |terms|
//! with gamma_k = k u / (1 - k u), u = 2^-24 (f32). The exact value is computed in f64 (a
//! product of two f32 is exact in f64, and the f64 sum's own error is 2^29 times smaller). The
//! exact kernels satisfy the same bound, so fast and exact differ by at most twice that.
//!
//! On the MLP (the 1200 training images; at the shipped stage-1 minimum, where per-sample
//! gradients nearly cancel, and at the initial weights), the gradient and HVP of the fast
//! path must differ from the exact one by at most gamma_N (1 + max |z|) times the per-sample
//! magnitudes (1/n) sum_i |g_i| (componentwise; 2-norms over the components), and the loss
//! by the same factor times (1/n) sum_i 2 max_j |z_ij| (the loss lse(z) - z_y cancels two
//! numbers of the logits' size). N = 2 (784 + 14 + 10 + 1200): the longest chain of
//! roundings is a 784-term first-layer dot, the later layers' dots and the 1200-term sum over
//! samples, and both paths contribute (factor 2); 1 + max |z| because softmax turns an
//! absolute error of a logit into a relative error of a probability. This is the standard
//! first-order model (each per-sample term perturbed relatively by its chain), not a proof;
//! the measured differences are printed and sit far below it.
//!
//! The per-kernel tests call [`FastKernels`] directly; only the two MLP tests switch the
//! process-wide choice, one at a time (a lock), and no other test in this binary uses it.
#![cfg(not(target_arch = "wasm32"))]

use sgd_escape::bench::BenchSuite;
use sgd_escape::kernels::{self, check, portable, FastKernels, Kernels, BLOCK};
use sgd_escape::landscape::mlp::Mlp;
use sgd_escape::landscape::network::Architecture;

const U: f64 = 1.0 / (1u64 << 24) as f64;

fn gamma(k: usize) -> f64 {
    let ku = k as f64 * U;
    ku / (1.0 - ku)
}

/// The fast kernels, or None (printed) on a CPU without them.
fn fast() -> Option<FastKernels> {
    let f = FastKernels::new();
    if f.is_none() {
        eprintln!("this CPU has no fast kernels (AVX2 + FMA / NEON): nothing to bound");
    }
    f
}

/// Exact dot product (f64) and the sum of |products|.
fn exact_dot(a: &[f32], b: &[f32]) -> (f64, f64) {
    a.iter().zip(b).fold((0.0, 0.0), |(s, m), (&p, &q)| {
        let t = p as f64 * q as f64;
        (s + t, m + t.abs())
    })
}

/// |got - exact| within gamma_k * magnitude (+ the f64 reference's own rounding).
fn assert_within(got: f32, exact: f64, magnitude: f64, k: usize, what: &str) {
    let bound = gamma(k.max(1)) * magnitude + 1e-15 * magnitude;
    let err = (got as f64 - exact).abs();
    assert!(
        err <= bound,
        "{what}: error {err:e} beyond bound {bound:e} (exact {exact}, got {got})"
    );
}

const SEEDS: [u64; 3] = [1, 2, 20190609];

#[test]
fn dot_dots_and_dots_rows_are_within_the_summation_bound() {
    let Some(f) = fast() else { return };
    for seed in SEEDS {
        for n in check::lengths() {
            let (a, b) = (check::vector(seed, 1, n), check::vector(seed, 2, n));
            let (e, m) = exact_dot(&a, &b);
            assert_within(f.dot(&a, &b), e, m, n, &format!("dot n={n}"));
            assert_within(
                portable::dot(&a, &b),
                e,
                m,
                n,
                &format!("portable dot n={n}"),
            );

            let xs: Vec<Vec<f32>> = (0..BLOCK as u64)
                .map(|s| check::vector(seed, 10 + s, n))
                .collect();
            let refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
            for count in 1..=BLOCK {
                let mut out = vec![0.0f32; count];
                f.dots(&a, &refs[..count], &mut out);
                for s in 0..count {
                    let (e, m) = exact_dot(&a, refs[s]);
                    assert_within(out[s], e, m, n, &format!("dots n={n} s={s}/{count}"));
                }
            }
            if n == 0 {
                continue;
            }
            for rows in 1..=5 {
                let w = check::vector(seed, 20, rows * n);
                let b = check::vector(seed, 21, rows);
                let mut z = vec![0.0f32; rows];
                f.affine_t(&w, &a, &b, &mut z);
                for (j, row) in w.chunks_exact(n).enumerate() {
                    let (e, m) = exact_dot(&a, row);
                    let (e, m) = (e + b[j] as f64, m + (b[j] as f64).abs());
                    assert_within(z[j], e, m, n + 1, &format!("affine_t n={n} j={j}"));
                }
                for count in 1..=BLOCK {
                    let stride = rows + 1;
                    let mut out = vec![0.0f32; BLOCK * stride];
                    f.dots_rows(&w, &refs[..count], &mut out, stride);
                    for s in 0..count {
                        for (j, row) in w.chunks_exact(n).enumerate() {
                            let (e, m) = exact_dot(refs[s], row);
                            assert_within(
                                out[s * stride + j],
                                e,
                                m,
                                n,
                                &format!("dots_rows n={n} rows={rows} s={s}/{count} j={j}"),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// `y + sum_k a_k x_k` in f64 and its magnitude |y| + sum |a_k x_k|, per element.
fn exact_axpys(y: &[f32], terms: &[(f32, &[f32])]) -> Vec<(f64, f64)> {
    (0..y.len())
        .map(|i| {
            terms
                .iter()
                .fold((y[i] as f64, (y[i] as f64).abs()), |(s, m), &(a, x)| {
                    let t = a as f64 * x[i] as f64;
                    (s + t, m + t.abs())
                })
        })
        .collect()
}

#[test]
fn axpy_axpy_multi_and_axpy_rows_are_within_the_summation_bound() {
    let Some(f) = fast() else { return };
    for seed in SEEDS {
        for n in check::lengths() {
            let x = check::vector(seed, 3, n);
            let y0 = check::vector(seed, 4, n);
            let alpha = check::vector(seed, 5, 1)[0];
            let mut y = y0.clone();
            f.axpy(alpha, &x, &mut y);
            for (i, (e, m)) in exact_axpys(&y0, &[(alpha, &x)]).into_iter().enumerate() {
                assert_within(y[i], e, m, 1, &format!("axpy n={n} i={i}"));
            }

            let xs: Vec<Vec<f32>> = (0..9u64).map(|k| check::vector(seed, 30 + k, n)).collect();
            let alphas = check::vector(seed, 40, 9);
            for count in 1..=9 {
                let refs: Vec<&[f32]> = xs[..count].iter().map(|x| x.as_slice()).collect();
                let mut y = y0.clone();
                f.axpy_multi(&alphas[..count], &refs, &mut y);
                let terms: Vec<(f32, &[f32])> = alphas[..count]
                    .iter()
                    .copied()
                    .zip(refs.iter().copied())
                    .collect();
                for (i, (e, m)) in exact_axpys(&y0, &terms).into_iter().enumerate() {
                    assert_within(y[i], e, m, count, &format!("axpy_multi n={n} k={count}"));
                }
            }

            if n == 0 {
                continue;
            }
            for rows in 1..=5 {
                let stride = rows + 2;
                let coef = check::row_alphas(seed, rows, stride);
                let y0 = check::vector(seed, 50, rows * n);
                for count in 1..=BLOCK {
                    let refs: Vec<&[f32]> = xs[..count].iter().map(|x| x.as_slice()).collect();
                    let mut y = y0.clone();
                    f.axpy_rows(&coef, stride, &refs, &mut y);
                    for j in 0..rows {
                        let row0 = &y0[j * n..(j + 1) * n];
                        let row = &y[j * n..(j + 1) * n];
                        let a: Vec<f32> = (0..count).map(|s| coef[s * stride + j]).collect();
                        if a.iter().all(|&v| v == 0.0) {
                            let same = row
                                .iter()
                                .zip(row0)
                                .all(|(p, q)| p.to_bits() == q.to_bits());
                            assert!(same, "axpy_rows: all-zero row {j} was touched");
                            continue;
                        }
                        let terms: Vec<(f32, &[f32])> =
                            a.iter().copied().zip(refs.iter().copied()).collect();
                        for (i, (e, m)) in exact_axpys(row0, &terms).into_iter().enumerate() {
                            assert_within(
                                row[i],
                                e,
                                m,
                                count,
                                &format!("axpy_rows n={n} rows={rows} j={j} k={count}"),
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn relu_mask_is_exact() {
    let Some(f) = fast() else { return };
    for n in check::lengths() {
        let mut a = check::vector(7, 9, n);
        if n > 3 {
            a[3] = f32::NAN;
        }
        let g0 = check::vector(7, 10, n);
        let (mut got, mut want) = (g0.clone(), g0);
        f.relu_mask(&a, &mut got);
        portable::relu_mask(&a, &mut want);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want), "relu_mask n={n}");
    }
}

#[test]
fn axpy_strided_is_its_rows_fused_axpys_bit_for_bit() {
    let Some(f) = fast() else { return };
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    // The CNN's two shapes, and short / tailed rows at strides that interleave and overlap.
    for (rows, cols, xs, ys) in [
        (5, 5, 28, 5),
        (5, 50, 120, 50),
        (4, 13, 13, 20),
        (3, 9, 0, 4),
    ] {
        let x = check::vector(8, 1, rows * xs.max(cols) + cols);
        let y0 = check::vector(8, 2, rows * ys.max(cols) + cols);
        let alpha = -0.37f32;
        let (mut got, mut want) = (y0.clone(), y0);
        f.axpy_strided(alpha, &x, xs, &mut got, ys, rows, cols);
        for r in 0..rows {
            f.axpy(alpha, &x[r * xs..][..cols], &mut want[r * ys..][..cols]);
        }
        assert_eq!(
            bits(&got),
            bits(&want),
            "{rows} x {cols}, strides {xs} / {ys}"
        );
    }
}

fn norm(v: impl Iterator<Item = f64>) -> f64 {
    v.map(|x| x * x).sum::<f64>().sqrt()
}

/// The MLP's loss, gradient and HVP with the kernels `k`.
fn mlp_values(suite: &BenchSuite, theta: &[f32], k: Kernels) -> (f32, Vec<f32>, Vec<f32>) {
    kernels::select(k);
    let ctx = suite.context();
    let d = &ctx.data;
    let mut ws = ctx.network.workspace();
    let mut g = vec![0.0f32; ctx.dim()];
    let loss = ctx
        .network
        .loss_grad(theta, &d.train_inputs, &d.train_labels, &mut g, &mut ws);
    let mut hv = vec![0.0f32; ctx.dim()];
    ctx.network.hvp(
        theta,
        &d.train_inputs,
        &d.train_labels,
        suite.direction(),
        &mut hv,
        &mut ws,
    );
    (loss, g, hv)
}

/// With the fast kernels selected: the MLP's loss and gradient (the later layers a block of
/// samples at a time on x86-64), its loss alone, and a minibatch's loss and gradient, against
/// [`Mlp::loss_grad_sample_by_sample`], bit for bit.
fn blocked_later_layers_are_sample_by_sample(
    mlp: &Mlp,
    theta: &[f32],
    inputs: &[f32],
    labels: &[u8],
) {
    let what = format!("{:?}, {} samples", mlp.sizes(), labels.len());
    let mut ws = mlp.workspace();
    let (mut blocked, mut one) = (vec![0.0f32; theta.len()], vec![0.0f32; theta.len()]);
    let lb = mlp.loss_grad(theta, inputs, labels, &mut blocked, &mut ws);
    let lo = mlp.loss_grad_sample_by_sample(theta, inputs, labels, &mut one, &mut ws);
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        lb.to_bits(),
        lo.to_bits(),
        "{what}: loss of the gradient pass"
    );
    assert_eq!(bits(&blocked), bits(&one), "{what}: gradient");
    let l = mlp.loss(theta, inputs, labels, &mut ws);
    assert_eq!(l.to_bits(), lo.to_bits(), "{what}: loss pass");
    // A minibatch of indices (repeats included) against its rows copied out in order.
    let n = labels.len();
    let idx: Vec<usize> = (0..n + 5).map(|i| (i * 5 + 3) % n).collect();
    let d_in = inputs.len() / n;
    let rows: Vec<f32> = idx
        .iter()
        .flat_map(|&i| inputs[i * d_in..][..d_in].iter().copied())
        .collect();
    let ys: Vec<u8> = idx.iter().map(|&i| labels[i]).collect();
    let lb = mlp.loss_grad_indices(theta, inputs, labels, &idx, &mut blocked, &mut ws);
    let lo = mlp.loss_grad_sample_by_sample(theta, &rows, &ys, &mut one, &mut ws);
    assert_eq!(lb.to_bits(), lo.to_bits(), "{what}: minibatch loss");
    assert_eq!(bits(&blocked), bits(&one), "{what}: minibatch gradient");
}

#[test]
fn mlp_blocked_later_layers_are_sample_by_sample_bit_for_bit_on_odd_shapes() {
    if fast().is_none() {
        return;
    }
    let _choice = CHOICE.lock().unwrap_or_else(|e| e.into_inner());
    kernels::select(Kernels::Auto);
    // Hidden widths around the 8 lanes and the dot's 32-float quads, classes around the 8 and
    // 16 lanes, batches that end in a partial block; large weights and negative biases leave
    // hidden units dead (zero deltas) and saturate the softmax.
    for (t, sizes) in [
        [784, 14, 10],
        [20, 9, 17],
        [40, 33, 3],
        [5, 1, 2],
        [70, 16, 10],
        [12, 40, 33],
    ]
    .iter()
    .enumerate()
    {
        let mlp = Mlp::new(sizes);
        for (k, (n, scale)) in [(13usize, 0.3f32), (8, 3.0), (1, 1.0)]
            .into_iter()
            .enumerate()
        {
            let tag = (10 * t + k) as u64;
            let theta: Vec<f32> = check::vector(5, tag, mlp.parameter_count())
                .iter()
                .map(|&v| (v * scale).clamp(-50.0, 50.0))
                .collect();
            let inputs = check::vector(6, tag, n * sizes[0]);
            let labels: Vec<u8> = (0..n).map(|i| ((i * 7 + t) % sizes[2]) as u8).collect();
            blocked_later_layers_are_sample_by_sample(&mlp, &theta, &inputs, &labels);
        }
    }
    kernels::select(Kernels::Portable);
}

/// Serialises the tests that switch the process-wide kernel choice.
static CHOICE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn mlp_loss_gradient_and_hvp_are_within_the_bound_at_the_minimum_and_at_init() {
    if fast().is_none() {
        return;
    }
    let _choice = CHOICE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/");
    let read = |f: &str| std::fs::read(format!("{dir}{f}")).expect("www/data file");
    let suite = BenchSuite::new(
        &read("fmnist-train1200-images-idx3-ubyte.gz"),
        &read("fmnist-train1200-labels-idx1-ubyte.gz"),
        &read("fmnist-test2000-images-idx3-ubyte.gz"),
        &read("fmnist-test2000-labels-idx1-ubyte.gz"),
        Some(&read("fashion-minimum-seed0.bin")),
    )
    .expect("suite");
    let ctx = suite.context();
    let sizes = ctx.network.sizes().to_vec();
    let n = ctx.data.train_len();
    let chain = 2 * (sizes.iter().sum::<usize>() + n);
    for (name, theta) in [
        ("minimum", suite.theta().to_vec()),
        ("init", ctx.initial_weights()),
    ] {
        let (lp, gp, hp) = mlp_values(&suite, &theta, Kernels::Portable);
        assert_eq!(kernels::implementation(), "portable");
        // Per-sample magnitudes (exact kernels): (1/n) sum_i |g_i|, (1/n) sum_i |H_i v|.
        let d = &ctx.data;
        let mut ws = ctx.network.workspace();
        let (mut sg, mut sh) = (vec![0.0f64; ctx.dim()], vec![0.0f64; ctx.dim()]);
        let mut tmp = vec![0.0f32; ctx.dim()];
        for i in 0..n {
            ctx.network.loss_grad_indices(
                &theta,
                &d.train_inputs,
                &d.train_labels,
                &[i],
                &mut tmp,
                &mut ws,
            );
            sg.iter_mut()
                .zip(&tmp)
                .for_each(|(s, &g)| *s += (g as f64).abs() / n as f64);
            ctx.network.hvp_indices(
                &theta,
                &d.train_inputs,
                &d.train_labels,
                &[i],
                suite.direction(),
                &mut tmp,
                &mut ws,
            );
            sh.iter_mut()
                .zip(&tmp)
                .for_each(|(s, &h)| *s += (h as f64).abs() / n as f64);
        }
        // The logits' size: softmax turns an absolute error of a logit into a relative error
        // of a probability, and the loss lse(z) - z_y cancels two numbers of that size.
        let (mut zmax, mut lmag) = (0.0f64, 0.0f64);
        let mut z = vec![0.0f32; ctx.network.classes()];
        for i in 0..n {
            let x = &d.train_inputs[i * sizes[0]..(i + 1) * sizes[0]];
            ctx.network.logits(&theta, x, &mut z, &mut ws);
            let m = z.iter().fold(0.0f64, |m, &v| m.max((v as f64).abs()));
            zmax = zmax.max(m);
            lmag += 2.0 * m / n as f64;
        }
        let (lf, gf, hf) = mlp_values(&suite, &theta, Kernels::Auto);
        assert_ne!(
            kernels::implementation(),
            "portable",
            "the fast kernels ran"
        );
        let mlp = ctx
            .network
            .as_mlp()
            .expect("the bench's network is the MLP");
        blocked_later_layers_are_sample_by_sample(mlp, &theta, &d.train_inputs, &d.train_labels);
        kernels::select(Kernels::Portable);

        let bound = gamma(chain) * (1.0 + zmax);
        let loss_err = (lf as f64 - lp as f64).abs() / (lp as f64 + lmag);
        let grad_err =
            norm(gf.iter().zip(&gp).map(|(&a, &b)| a as f64 - b as f64)) / norm(sg.iter().copied());
        let hvp_err =
            norm(hf.iter().zip(&hp).map(|(&a, &b)| a as f64 - b as f64)) / norm(sh.iter().copied());
        let grad_rel = norm(gf.iter().zip(&gp).map(|(&a, &b)| a as f64 - b as f64))
            / norm(gp.iter().map(|&x| x as f64));
        eprintln!(
            "{name}: fast vs exact: loss {loss_err:.1e}, gradient {grad_err:.1e}, HVP \
             {hvp_err:.1e} of the per-sample magnitudes (bound gamma_{chain} (1 + {zmax:.1}) = \
             {bound:.1e}); \
             gradient {grad_rel:.1e} of its own norm"
        );
        assert!(loss_err <= bound, "{name}: loss {loss_err:e} > {bound:e}");
        assert!(
            grad_err <= bound,
            "{name}: gradient {grad_err:e} > {bound:e}"
        );
        assert!(hvp_err <= bound, "{name}: HVP {hvp_err:e} > {bound:e}");
    }
}

#[test]
fn conv2d_is_within_the_summation_bound() {
    let Some(f) = fast() else { return };
    // (in_h, in_w, in_c, kernel, channels): the CNN's two convolutions, then every column
    // tail (1..=20 outputs wide, so 16-, 8- and masked blocks all occur) and channel count.
    let mut shapes = vec![(28, 28, 1, 5, 10), (12, 12, 10, 5, 10)];
    for out_w in 1..=20 {
        shapes.push((4, out_w + 2, 2, 3, 1 + out_w % 7));
    }
    for seed in SEEDS {
        for (t, &(h, w_in, ci, k, n)) in shapes.iter().enumerate() {
            let (out_h, out_w) = (h - k + 1, w_in - k + 1);
            let src = check::vector(seed, 70 + t as u64, ci * h * w_in);
            let taps: Vec<u32> = (0..k)
                .flat_map(|dy| (0..k).flat_map(move |dx| (0..ci).map(move |c| (dy, dx, c))))
                .map(|(dy, dx, c)| (c * h * w_in + dy * w_in + dx) as u32)
                .collect();
            let w = check::vector(seed, 71, taps.len() * n);
            let bias = check::vector(seed, 72, n);
            let mut got = vec![0.0f32; n * out_h * out_w];
            f.conv2d(&src, w_in, &taps, &w, &bias, out_h, out_w, &mut got);
            for o in 0..n {
                for y in 0..out_h {
                    for x in 0..out_w {
                        let (mut e, mut m) = (bias[o] as f64, (bias[o] as f64).abs());
                        for (j, &tap) in taps.iter().enumerate() {
                            let p = w[j * n + o] as f64 * src[y * w_in + tap as usize + x] as f64;
                            e += p;
                            m += p.abs();
                        }
                        assert_within(
                            got[(o * out_h + y) * out_w + x],
                            e,
                            m,
                            taps.len() + 1,
                            &format!("conv2d shape {t} channel {o} at ({y}, {x})"),
                        );
                    }
                }
            }
        }
    }
}
