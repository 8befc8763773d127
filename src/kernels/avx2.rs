//! The fast x86-64 kernels: AVX2 (8 f32 lanes) with fused multiply-add, chosen at run time by
//! [`super::select`] when the CPU has both features.
//!
//! Same contracts as [`super::portable`] except the rounding: a fused multiply-add rounds
//! once where the exact kernels round the product and the sum, and the dots sum in their own
//! order (more and wider accumulators), so results differ in the last bits; the tolerance tests
//! (`tests/kernels_fast.rs`) bound by how much. Tails shorter than a register go through masked
//! loads and stores, so short vectors (the MLP's 14 hidden units) stay in SIMD code.
//!
//! Every function is `#[target_feature(enable = "avx2,fma")]`: calling one is only sound on a
//! CPU with AVX2 and FMA, which [`super::select`] and [`super::FastKernels`] check first.

use core::arch::x86_64::*;

/// f32 lanes per register.
const W: usize = 8;

/// `-1` (all bits) for the first 8 entries then 0: `MASKS[8 - k..]` masks the first k lanes.
static MASKS: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];

/// The mask of the first `k` lanes (k < 8).
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(super) fn mask(k: usize) -> __m256i {
    debug_assert!(k < W);
    // SAFETY: 8 - k + 8 <= 16 entries.
    unsafe { _mm256_loadu_si256(MASKS.as_ptr().add(W - k) as *const __m256i) }
}

/// The sum of the 8 lanes.
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(super) fn hsum(v: __m256) -> f32 {
    let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
    let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    let s = _mm_add_ss(s, _mm_movehdup_ps(s));
    _mm_cvtss_f32(s)
}

/// y += alpha x.
#[target_feature(enable = "avx2,fma")]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    let n = y.len();
    let x = &x[..n];
    let va = _mm256_set1_ps(alpha);
    let body = n - n % W;
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let mut i = 0;
    // SAFETY: every access is at i..i + 8 <= body <= n, then i..i + 4 <= n, then i < n.
    unsafe {
        while i < body {
            let r = _mm256_fmadd_ps(va, _mm256_loadu_ps(xp.add(i)), _mm256_loadu_ps(yp.add(i)));
            _mm256_storeu_ps(yp.add(i), r);
            i += W;
        }
        // The tail without masks: 4 lanes if there are, then one float at a time, each the
        // same single-rounding fused multiply-add as a lane of `_mm256_fmadd_ps` (the same
        // bits). A masked store cannot forward to the next masked load of the same floats,
        // and the CNN's backward pass updates the same filter rows window after window (5-
        // and 50-float rows): with masked tails that stall took most of `cnn-grad`
        // (docs/speed.md). Intrinsics, not a scalar loop, which LLVM would turn back into
        // masked vector code (the loop is known to run under 8 times).
        if n - i >= 4 {
            let r = _mm_fmadd_ps(
                _mm256_castps256_ps128(va),
                _mm_loadu_ps(xp.add(i)),
                _mm_loadu_ps(yp.add(i)),
            );
            _mm_storeu_ps(yp.add(i), r);
            i += 4;
        }
        while i < n {
            let r = _mm_fmadd_ss(
                _mm256_castps256_ps128(va),
                _mm_load_ss(xp.add(i)),
                _mm_load_ss(yp.add(i)),
            );
            _mm_store_ss(yp.add(i), r);
            i += 1;
        }
    }
}
axpy_strided_by_rows!(#[target_feature(enable = "avx2,fma")]);

/// [`super::axpy_patches`]: every 8-float chunk of `y`'s rows (its "units", the last of a row
/// partial) held in a register across all the terms, in groups of up to 8 units (the 35 units
/// of a 5 x 50 filter in 5 groups of 7, the 5 of a 5 x 5 filter in one): per term and unit, one
/// load of `x` and one fused multiply-add, `y` loaded and stored once per group. Each element
/// of `y` still gets `alpha * x + y`, one rounding, per term in order: the bits of that many
/// [`axpy_strided`] calls. The partial units read whole chunks of `x` (hence
/// [`super::PATCH_SLACK`]); their extra lanes are masked off when `y` is stored.
///
/// Why (docs/speed.md): the CNN's backward pass updated each filter's gradient window after
/// window in memory, 5 rows per call with 4- and 1-float tails, which took most of `cnn-grad`.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2,fma")]
pub fn axpy_patches(
    alphas: &[f32],
    offsets: &[u32],
    x: &[f32],
    x_stride: usize,
    y: &mut [f32],
    y_stride: usize,
    rows: usize,
    cols: usize,
) {
    super::portable::axpy_patches_check(alphas, offsets, x, x_stride, y, y_stride, rows, cols);
    if alphas.is_empty() || rows == 0 || cols == 0 {
        return;
    }
    let chunks = cols.div_ceil(W);
    let units = rows * chunks;
    let groups = units.div_ceil(W);
    let size = units.div_ceil(groups);
    let unit = |u: usize| -> Unit {
        let (r, c) = (u / chunks, u % chunks);
        Unit {
            x: r * x_stride + c * W,
            y: r * y_stride + c * W,
            lanes: (cols - c * W).min(W),
        }
    };
    let mut u0 = 0;
    while u0 < units {
        let n = (units - u0).min(size);
        let group: [Unit; W] = core::array::from_fn(|k| unit(u0 + k.min(n - 1)));
        match n {
            8 => patch_group::<8>(alphas, offsets, x, y, &group),
            7 => patch_group::<7>(alphas, offsets, x, y, &group),
            6 => patch_group::<6>(alphas, offsets, x, y, &group),
            5 => patch_group::<5>(alphas, offsets, x, y, &group),
            4 => patch_group::<4>(alphas, offsets, x, y, &group),
            3 => patch_group::<3>(alphas, offsets, x, y, &group),
            2 => patch_group::<2>(alphas, offsets, x, y, &group),
            _ => patch_group::<1>(alphas, offsets, x, y, &group),
        }
        u0 += n;
    }
}

/// One register of [`axpy_patches`]: a chunk of up to 8 floats of a row of `y` (at `y`) and
/// where its floats sit in a patch of `x` (at `x` from the patch's offset).
#[derive(Clone, Copy)]
struct Unit {
    x: usize,
    y: usize,
    lanes: usize,
}

/// `N` units of [`axpy_patches`] over every term.
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[inline]
#[target_feature(enable = "avx2,fma")]
fn patch_group<const N: usize>(
    alphas: &[f32],
    offsets: &[u32],
    x: &[f32],
    y: &mut [f32],
    group: &[Unit; W],
) {
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let xo: [usize; N] = core::array::from_fn(|u| group[u].x);
    // SAFETY: axpy_patches_check proved every patch's rows, plus PATCH_SLACK floats, inside
    // `x` (a unit reads x[offset + unit.x..][..8], within the row's cols rounded up to 8), and
    // the rows of `y` inside `y` (loads and stores masked to each unit's lanes).
    unsafe {
        let m: [__m256i; N] = core::array::from_fn(|u| mask_or_all(group[u].lanes));
        let mut acc: [__m256; N] =
            core::array::from_fn(|u| _mm256_maskload_ps(yp.add(group[u].y), m[u]));
        for (&alpha, &offset) in alphas.iter().zip(offsets) {
            let a = _mm256_set1_ps(alpha);
            let p = xp.add(offset as usize);
            for u in 0..N {
                acc[u] = _mm256_fmadd_ps(a, _mm256_loadu_ps(p.add(xo[u])), acc[u]);
            }
        }
        for u in 0..N {
            _mm256_maskstore_ps(yp.add(group[u].y), m[u], acc[u]);
        }
    }
}

/// The mask of the first `lanes` lanes (all 8 when `lanes` is 8).
#[inline]
#[target_feature(enable = "avx2,fma")]
fn mask_or_all(lanes: usize) -> __m256i {
    if lanes >= W {
        _mm256_set1_epi32(-1)
    } else {
        mask(lanes)
    }
}

/// a . b with four 8-lane accumulators.
#[target_feature(enable = "avx2,fma")]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len();
    let b = &b[..n];
    let (ap, bp) = (a.as_ptr(), b.as_ptr());
    let mut acc = [_mm256_setzero_ps(); 4];
    let mut i = 0;
    // SAFETY: every access is at i..i + 8 <= n, or masked to n.
    unsafe {
        while i + 4 * W <= n {
            for (k, s) in acc.iter_mut().enumerate() {
                let j = i + k * W;
                *s = _mm256_fmadd_ps(_mm256_loadu_ps(ap.add(j)), _mm256_loadu_ps(bp.add(j)), *s);
            }
            i += 4 * W;
        }
        while i + W <= n {
            acc[0] = _mm256_fmadd_ps(
                _mm256_loadu_ps(ap.add(i)),
                _mm256_loadu_ps(bp.add(i)),
                acc[0],
            );
            i += W;
        }
        if i < n {
            let m = mask(n - i);
            acc[1] = _mm256_fmadd_ps(
                _mm256_maskload_ps(ap.add(i), m),
                _mm256_maskload_ps(bp.add(i), m),
                acc[1],
            );
        }
    }
    hsum(_mm256_add_ps(
        _mm256_add_ps(acc[0], acc[1]),
        _mm256_add_ps(acc[2], acc[3]),
    ))
}

/// `z[j] = b[j] + dot(x, row j of w)`.
#[target_feature(enable = "avx2,fma")]
pub fn affine_t(w: &[f32], x: &[f32], b: &[f32], z: &mut [f32]) {
    debug_assert_eq!(w.len(), x.len() * z.len());
    if x.is_empty() {
        z.copy_from_slice(b);
        return;
    }
    for ((zj, row), &bj) in z.iter_mut().zip(w.chunks_exact(x.len())).zip(b) {
        *zj = bj + dot(x, row);
    }
}

/// `out[s] = dot(xs[s], row)` for up to 4 inputs, each chunk of `row` loaded once.
#[target_feature(enable = "avx2,fma")]
pub fn dots(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    match xs.len() {
        4 => tile::<1, 4>(&[row], xs, out, 1),
        3 => tile::<1, 3>(&[row], xs, out, 1),
        2 => tile::<1, 2>(&[row], xs, out, 1),
        1 => out[0] = dot(xs[0], row),
        _ => {}
    }
}

/// `out[s * stride + j] = dot(xs[s], row j of w)` for up to 8 inputs, in register tiles of 3
/// rows x up to 4 samples: 12 accumulators (the 16 registers hold them, the 3 row chunks and
/// one input chunk), 7 loads per 12 fused multiply-adds. Each output is still one 8-lane
/// accumulator summed over the chunks in order and reduced by [`hsum`], whatever the tiling,
/// so the results are those of [`dot`]'s single-register path, bit for bit.
///
/// Why (docs/speed.md): the former 2 x 4 tiles kept 8 accumulators, exactly the fused
/// multiply-adds in flight that 2 ports of 4-cycle latency need, so any stall idled the ports
/// (measured under load, the 3 x 4 tiles made mlp-grad a few percent faster); the row tiles go
/// over every group of 4 samples before moving on, so a block of 8 samples reads each weight
/// row once from L2.
#[target_feature(enable = "avx2,fma")]
pub fn dots_rows(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    if wide() {
        // SAFETY: the CPU has AVX-512F (checked), AVX2 and FMA (this function's contract).
        return unsafe { super::avx512::dots_rows(w, xs, out, stride) };
    }
    dots_rows_ymm(w, xs, out, stride)
}

/// Whether the first-layer kernels may use their AVX-512 versions (bit for bit the same
/// results; see `avx512.rs`).
#[inline]
fn wide() -> bool {
    std::is_x86_feature_detected!("avx512f")
}

/// [`dots_rows`] in AVX2 registers only.
#[target_feature(enable = "avx2,fma")]
pub(super) fn dots_rows_ymm(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    if n == 0 {
        return;
    }
    let n_rows = w.len() / n;
    let mut j = 0;
    while j < n_rows {
        let r = (n_rows - j).min(3);
        let rows: [&[f32]; 3] = core::array::from_fn(|k| &w[(j + k.min(r - 1)) * n..][..n]);
        for (g, group) in xs.chunks(4).enumerate() {
            let out = &mut out[g * 4 * stride + j..];
            match (r, group.len()) {
                (3, 4) => tile::<3, 4>(&rows, group, out, stride),
                (3, 3) => tile::<3, 3>(&rows, group, out, stride),
                (3, 2) => tile::<3, 2>(&rows, group, out, stride),
                (3, _) => tile::<3, 1>(&rows, group, out, stride),
                (2, 4) => tile::<2, 4>(&rows, group, out, stride),
                (2, 3) => tile::<2, 3>(&rows, group, out, stride),
                (2, 2) => tile::<2, 2>(&rows, group, out, stride),
                (2, _) => tile::<2, 1>(&rows, group, out, stride),
                (_, 4) => tile::<1, 4>(&rows, group, out, stride),
                (_, 3) => tile::<1, 3>(&rows, group, out, stride),
                (_, 2) => tile::<1, 2>(&rows, group, out, stride),
                _ => tile::<1, 1>(&rows, group, out, stride),
            }
        }
        j += r;
    }
}

/// R rows x S inputs: `out[s * stride + r] = dot(xs[s], rows[r])`, one accumulator each.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn tile<const R: usize, const S: usize>(
    rows: &[&[f32]],
    xs: &[&[f32]],
    out: &mut [f32],
    stride: usize,
) {
    let n = rows[0].len();
    let rp: [*const f32; R] = core::array::from_fn(|r| rows[r][..n].as_ptr());
    let xp: [*const f32; S] = core::array::from_fn(|s| xs[s][..n].as_ptr());
    let mut acc = [[_mm256_setzero_ps(); S]; R];
    let body = n - n % W;
    let mut i = 0;
    // SAFETY: every row and input has length n; accesses are at i..i + 8 <= body, or masked.
    unsafe {
        while i < body {
            let wv: [__m256; R] = core::array::from_fn(|r| _mm256_loadu_ps(rp[r].add(i)));
            for s in 0..S {
                let x = _mm256_loadu_ps(xp[s].add(i));
                for r in 0..R {
                    acc[r][s] = _mm256_fmadd_ps(x, wv[r], acc[r][s]);
                }
            }
            i += W;
        }
        if body < n {
            let m = mask(n - body);
            let wv: [__m256; R] = core::array::from_fn(|r| _mm256_maskload_ps(rp[r].add(body), m));
            for s in 0..S {
                let x = _mm256_maskload_ps(xp[s].add(body), m);
                for r in 0..R {
                    acc[r][s] = _mm256_fmadd_ps(x, wv[r], acc[r][s]);
                }
            }
        }
    }
    for r in 0..R {
        for s in 0..S {
            out[s * stride + r] = hsum(acc[r][s]);
        }
    }
}

/// `y += alphas[k] xs[k]` for every k in order, 4 terms per load and store of `y`.
#[target_feature(enable = "avx2,fma")]
pub fn axpy_multi(alphas: &[f32], xs: &[&[f32]], y: &mut [f32]) {
    for (a, x) in alphas.chunks(4).zip(xs.chunks(4)) {
        match a.len() {
            4 => rows_n::<1, 4>(&[a], x, &mut [&mut *y]),
            3 => rows_n::<1, 3>(&[a], x, &mut [&mut *y]),
            2 => rows_n::<1, 2>(&[a], x, &mut [&mut *y]),
            _ => axpy(a[0], x[0], y),
        }
    }
}

/// For every row j of `y`: `row j += alphas[s * stride + j] xs[s]` for s in order (up to 8
/// inputs), two rows per pass (2 loads and 2 stores of `y` and S input loads per 2 S fused
/// multiply-adds); the terms of a group of 4 inputs whose coefficients for a row are all zero
/// are skipped. A pair of rows takes every group before the next pair, so a block of 8
/// samples streams the gradient (44 KB for 784-14, which with the weights overflows L1)
/// through the cache once instead of twice; each element still gets its terms in sample
/// order, one fused multiply-add each, as that many [`axpy`] calls.
#[target_feature(enable = "avx2,fma")]
pub fn axpy_rows(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    if wide() {
        // SAFETY: the CPU has AVX-512F (checked), AVX2 and FMA (this function's contract).
        return unsafe { super::avx512::axpy_rows(alphas, stride, xs, y) };
    }
    axpy_rows_ymm(alphas, stride, xs, y)
}

/// [`axpy_rows`] in AVX2 registers only.
#[target_feature(enable = "avx2,fma")]
pub(super) fn axpy_rows_ymm(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    if n == 0 {
        return;
    }
    let n_rows = y.len() / n;
    let mut j = 0;
    while j < n_rows {
        let r = (n_rows - j).min(2);
        for (g, group) in xs.chunks(4).enumerate() {
            let a = &alphas[g * 4 * stride..];
            let rows = &mut y[j * n..(j + r) * n];
            match group.len() {
                4 => axpy_pair::<4>(a, stride, group, rows, j, n),
                3 => axpy_pair::<3>(a, stride, group, rows, j, n),
                2 => axpy_pair::<2>(a, stride, group, rows, j, n),
                _ => axpy_pair::<1>(a, stride, group, rows, j, n),
            }
        }
        j += r;
    }
}

/// Rows j (and j + 1 when `rows` holds two) of [`axpy_rows`] for one group of S inputs.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn axpy_pair<const S: usize>(
    alphas: &[f32],
    stride: usize,
    xs: &[&[f32]],
    rows: &mut [f32],
    j: usize,
    n: usize,
) {
    let coef = |j: usize| -> [f32; S] { core::array::from_fn(|s| alphas[s * stride + j]) };
    let live = |a: &[f32; S]| a.iter().any(|&v| v != 0.0);
    let a0 = coef(j);
    if rows.len() == 2 * n {
        let a1 = coef(j + 1);
        match (live(&a0), live(&a1)) {
            (true, true) => {
                let (r0, r1) = rows.split_at_mut(n);
                rows_n::<2, S>(&[&a0[..], &a1[..]], xs, &mut [r0, r1]);
            }
            (true, false) => rows_n::<1, S>(&[&a0[..]], xs, &mut [&mut rows[..n]]),
            (false, true) => rows_n::<1, S>(&[&a1[..]], xs, &mut [&mut rows[n..]]),
            (false, false) => {}
        }
    } else if live(&a0) {
        rows_n::<1, S>(&[&a0[..]], xs, &mut [rows]);
    }
}

/// `ys[r] += a[r][s] xs[s]` for s in order, R rows x S inputs per pass over the chunks.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn rows_n<const R: usize, const S: usize>(a: &[&[f32]], xs: &[&[f32]], ys: &mut [&mut [f32]]) {
    let n = ys[0].len();
    let va: [[__m256; S]; R] =
        core::array::from_fn(|r| core::array::from_fn(|s| _mm256_set1_ps(a[r][s])));
    let xp: [*const f32; S] = core::array::from_fn(|s| xs[s][..n].as_ptr());
    let yp: [*mut f32; R] = core::array::from_fn(|r| ys[r][..n].as_mut_ptr());
    let body = n - n % W;
    let mut i = 0;
    // SAFETY: every row and input has length n; accesses are at i..i + 8 <= body, or masked.
    unsafe {
        while i < body {
            let mut u: [__m256; R] = core::array::from_fn(|r| _mm256_loadu_ps(yp[r].add(i)));
            for s in 0..S {
                let x = _mm256_loadu_ps(xp[s].add(i));
                for r in 0..R {
                    u[r] = _mm256_fmadd_ps(va[r][s], x, u[r]);
                }
            }
            for r in 0..R {
                _mm256_storeu_ps(yp[r].add(i), u[r]);
            }
            i += W;
        }
        if body < n {
            let m = mask(n - body);
            let mut u: [__m256; R] =
                core::array::from_fn(|r| _mm256_maskload_ps(yp[r].add(body), m));
            for s in 0..S {
                let x = _mm256_maskload_ps(xp[s].add(body), m);
                for r in 0..R {
                    u[r] = _mm256_fmadd_ps(va[r][s], x, u[r]);
                }
            }
            for r in 0..R {
                _mm256_maskstore_ps(yp[r].add(body), m, u[r]);
            }
        }
    }
}

/// Zeroes `g` where `a <= 0` (NaN compares false and keeps `g`): exact, like the portable one.
#[target_feature(enable = "avx2,fma")]
pub fn relu_mask(a: &[f32], g: &mut [f32]) {
    let n = g.len();
    let a = &a[..n];
    let body = n - n % W;
    let zero = _mm256_setzero_ps();
    let (ap, gp) = (a.as_ptr(), g.as_mut_ptr());
    let mut i = 0;
    // SAFETY: accesses at i..i + 8 <= body <= n.
    unsafe {
        while i < body {
            let dead = _mm256_cmp_ps::<_CMP_LE_OQ>(_mm256_loadu_ps(ap.add(i)), zero);
            _mm256_storeu_ps(
                gp.add(i),
                _mm256_andnot_ps(dead, _mm256_loadu_ps(gp.add(i))),
            );
            i += W;
        }
    }
    for (gi, &ai) in g[body..].iter_mut().zip(&a[body..]) {
        if ai <= 0.0 {
            *gi = 0.0;
        }
    }
}

/// [`super::portable::conv2d`] with fused multiply-adds: blocks of 5 channels x 2 registers
/// (10 accumulator registers; per tap 2 source loads and 5 weight broadcasts feed 10 fused
/// multiply-adds): 16 columns of a row, or, where fewer than 16 but at least 8 columns are
/// left, 8 columns of two rows; then 8-column blocks of a last lone row, then a masked block
/// for the last 1..7 columns. Each output is still a sum over the taps in order, but fused,
/// so it differs from the exact kernels in the last bits (and the blocking changes no bit).
///
/// Why the row pairs (docs/speed.md): the CNN's conv2 has 8 columns and conv1 24 (16 + 8), and
/// a block of 5 accumulators keeps too few fused multiply-adds in flight for 2 ports of
/// 4-cycle latency; pairing rows made those blocks as wide as the 16-column ones.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2,fma")]
pub fn conv2d(
    src: &[f32],
    row_stride: usize,
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    out_h: usize,
    out_w: usize,
    out: &mut [f32],
) {
    use super::portable::{conv2d_check, Block, CONV_CHANNELS};
    conv2d_check(src, row_stride, taps, w, bias, out_h, out_w, out);
    let n = bias.len();
    let mut n0 = 0;
    while n0 < n {
        let c = (n - n0).min(CONV_CHANNELS);
        let at = |y: usize, x: usize| Block {
            n0,
            base: y * row_stride + x,
            out: (n0 * out_h + y) * out_w + x,
            plane: out_h * out_w,
        };
        let mut y = 0;
        while y < out_h {
            let rows = (out_h - y).min(2);
            let mut x = 0;
            while x < out_w {
                let cols = (out_w - x).min(2 * W);
                let v = if cols == 2 * W { 2 } else { 1 };
                let used = if cols >= W { v * W } else { cols };
                if v == 1 && used == W && rows == 2 {
                    // 8 columns of rows y and y + 1.
                    let steps = (row_stride, out_w);
                    conv_dispatch(c, 2, src, taps, w, bias, at(y, x), out, W, steps);
                } else {
                    for yy in y..y + rows {
                        let steps = (W, W);
                        conv_dispatch(c, v, src, taps, w, bias, at(yy, x), out, used, steps);
                    }
                }
                x += used;
            }
            y += rows;
        }
        n0 += c;
    }
}

/// [`conv_block`] for `c` channels and `v` registers.
#[allow(clippy::too_many_arguments)]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn conv_dispatch(
    c: usize,
    v: usize,
    src: &[f32],
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    at: super::portable::Block,
    out: &mut [f32],
    cols: usize,
    steps: (usize, usize),
) {
    match (c, v) {
        (5, 2) => conv_block::<5, 2>(src, taps, w, bias, at, out, cols, steps),
        (4, 2) => conv_block::<4, 2>(src, taps, w, bias, at, out, cols, steps),
        (3, 2) => conv_block::<3, 2>(src, taps, w, bias, at, out, cols, steps),
        (2, 2) => conv_block::<2, 2>(src, taps, w, bias, at, out, cols, steps),
        (1, 2) => conv_block::<1, 2>(src, taps, w, bias, at, out, cols, steps),
        (5, _) => conv_block::<5, 1>(src, taps, w, bias, at, out, cols, steps),
        (4, _) => conv_block::<4, 1>(src, taps, w, bias, at, out, cols, steps),
        (3, _) => conv_block::<3, 1>(src, taps, w, bias, at, out, cols, steps),
        (2, _) => conv_block::<2, 1>(src, taps, w, bias, at, out, cols, steps),
        _ => conv_block::<1, 1>(src, taps, w, bias, at, out, cols, steps),
    }
}

/// `C` channels x `V` registers of 8 columns of [`conv2d`], register v at `v * steps.0` floats
/// after the block's base in `src` and `v * steps.1` after its first output (the next 8
/// columns: (8, 8); the same columns of the next row: (row stride, out_w)); `cols` (8 V, or
/// under 8 with V = 1: then the loads and stores are masked to the first `cols` columns).
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[allow(clippy::too_many_arguments)]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn conv_block<const C: usize, const V: usize>(
    src: &[f32],
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    at: super::portable::Block,
    out: &mut [f32],
    cols: usize,
    (src_step, out_step): (usize, usize),
) {
    let n = bias.len();
    let mut acc = [[_mm256_setzero_ps(); V]; C];
    let (sp, wp) = (src.as_ptr(), w.as_ptr());
    let m = mask(cols % W);
    let full = cols >= W;
    // (The last register's floats: 8, or the first `cols`.)
    let span = (V - 1) * out_step + if full { W } else { cols };
    // SAFETY: conv2d_check proved base + t + cols <= src.len() for every tap and every block
    // of an output row (a register v of a block is one: the next columns or the next row's;
    // loads past `cols` are masked off), w.len() = K N with k < K and n0 + C <= N, and the
    // block's outputs lie in `out` (the `span` below; stores past `cols` masked off).
    unsafe {
        for (k, &t) in taps.iter().enumerate() {
            let s = sp.add(at.base + t as usize);
            let sv: [__m256; V] = core::array::from_fn(|v| {
                if full {
                    _mm256_loadu_ps(s.add(v * src_step))
                } else {
                    _mm256_maskload_ps(s, m)
                }
            });
            let wk = wp.add(k * n + at.n0);
            for c in 0..C {
                let wc = _mm256_broadcast_ss(&*wk.add(c));
                for v in 0..V {
                    acc[c][v] = _mm256_fmadd_ps(wc, sv[v], acc[c][v]);
                }
            }
        }
        for c in 0..C {
            let b = _mm256_set1_ps(bias[at.n0 + c]);
            let o = out[at.out + c * at.plane..][..span].as_mut_ptr();
            for v in 0..V {
                let r = _mm256_add_ps(acc[c][v], b);
                if full {
                    _mm256_storeu_ps(o.add(v * out_step), r);
                } else {
                    _mm256_maskstore_ps(o, m, r);
                }
            }
        }
    }
}

/// `out[i] = libm::expf(z[i] - shift)`, bit for bit: libm's expf (FreeBSD's e_expf.c) on 8
/// lanes, its operations in its order (no fused multiply-add: each product and sum rounded as
/// there), for every argument with 2^-14 < |x| < 87.34 (k = round(x / ln 2) within the normal
/// exponents) or |x| <= 2^-14 (`1 + x`); any other lane (overflow, underflow, NaN) is
/// recomputed by libm itself. Measured (`perf record`, mlp-grad, docs/speed.md): the 20
/// scalar expf calls of a sample's cross-entropy and softmax took 14% of the MLP's full-batch
/// gradient.
#[target_feature(enable = "avx2,fma")]
pub fn exp_sub(z: &[f32], shift: f32, out: &mut [f32]) {
    let n = out.len();
    let z = &z[..n];
    let s = _mm256_set1_ps(shift);
    let (zp, op) = (z.as_ptr(), out.as_mut_ptr());
    let mut i = 0;
    while i < n {
        let k = (n - i).min(W);
        // The last k < 8 lanes through masks (the others compute exp(0 - shift), unused).
        let m = mask(k % W);
        // SAFETY: lanes i..i + 8 <= n, or masked to n.
        let x = unsafe {
            if k == W {
                _mm256_loadu_ps(zp.add(i))
            } else {
                _mm256_maskload_ps(zp.add(i), m)
            }
        };
        let (y, bad) = expf8(_mm256_sub_ps(x, s));
        // SAFETY: as for the load.
        unsafe {
            if k == W {
                _mm256_storeu_ps(op.add(i), y);
            } else {
                _mm256_maskstore_ps(op.add(i), m, y);
            }
        }
        if bad & ((1 << k) - 1) != 0 {
            for l in 0..k {
                if bad >> l & 1 != 0 {
                    out[i + l] = libm::expf(z[i + l] - shift);
                }
            }
        }
        i += k;
    }
}

/// libm's expf on 8 lanes (see [`exp_sub`]), and the bit mask of the lanes it does not cover.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn expf8(x: __m256) -> (__m256, i32) {
    // libm's constants (its decimal literals, 6.9314575195e-01 and so on, by their bits).
    let ln2_hi = f32::from_bits(0x3f31_7200);
    let ln2_lo = f32::from_bits(0x35bf_be8e);
    let inv_ln2 = f32::from_bits(0x3fb8_aa3b);
    let p1 = f32::from_bits(0x3e2a_aa8f); // 1.6666625440e-1
    let p2 = f32::from_bits(0xbb35_5215); // -2.7667332906e-3
    let bits = _mm256_castps_si256(x);
    let hx = _mm256_and_si256(bits, _mm256_set1_epi32(0x7fff_ffff));
    let negative = _mm256_srai_epi32::<31>(bits); // all ones where the sign bit is set
    let above = |t: i32| _mm256_cmpgt_epi32(hx, _mm256_set1_epi32(t));
    // libm's special cases (|x| >= 87.33655, NaN): left to libm.
    let bad = above(0x42ae_ac4f);
    // |x| > 1.5 ln 2: k = (INV_LN2 x + (0.5 or -0.5)) as i32; 0.5 ln 2 < |x| <= 1.5 ln 2:
    // k = 1 - 2 sign; otherwise k = 0.
    let half = _mm256_blendv_ps(
        _mm256_set1_ps(0.5),
        _mm256_set1_ps(-0.5),
        _mm256_castsi256_ps(negative),
    );
    let k_far = _mm256_cvttps_epi32(_mm256_add_ps(
        _mm256_mul_ps(_mm256_set1_ps(inv_ln2), x),
        half,
    ));
    let k_near = _mm256_or_si256(negative, _mm256_set1_epi32(1)); // 1 or -1
    let k = _mm256_blendv_epi8(
        _mm256_and_si256(above(0x3eb1_7218), k_near),
        k_far,
        above(0x3f85_1592),
    );
    // k = 0 gives hi = x - 0 = x, lo = 0, x - lo = x: libm's k = 0 branch, bit for bit.
    let kf = _mm256_cvtepi32_ps(k);
    let hi = _mm256_sub_ps(x, _mm256_mul_ps(kf, _mm256_set1_ps(ln2_hi)));
    let lo = _mm256_mul_ps(kf, _mm256_set1_ps(ln2_lo));
    let r = _mm256_sub_ps(hi, lo);
    let rr = _mm256_mul_ps(r, r);
    let c = _mm256_sub_ps(
        r,
        _mm256_mul_ps(
            rr,
            _mm256_add_ps(_mm256_set1_ps(p1), _mm256_mul_ps(rr, _mm256_set1_ps(p2))),
        ),
    );
    let q = _mm256_div_ps(_mm256_mul_ps(r, c), _mm256_sub_ps(_mm256_set1_ps(2.0), c));
    let y = _mm256_add_ps(_mm256_set1_ps(1.0), _mm256_add_ps(_mm256_sub_ps(q, lo), hi));
    // scalbnf(y, k) for |k| <= 126: y * 2^k (k = 0: y * 1 = y).
    let scale = _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(
        k,
        _mm256_set1_epi32(127),
    )));
    let y = _mm256_mul_ps(y, scale);
    // |x| <= 2^-14: 1 + x.
    let tiny = _mm256_cmpgt_epi32(_mm256_set1_epi32(0x3900_0001), hx);
    let y = _mm256_blendv_ps(
        y,
        _mm256_add_ps(_mm256_set1_ps(1.0), x),
        _mm256_castsi256_ps(tiny),
    );
    (y, _mm256_movemask_ps(_mm256_castsi256_ps(bad)))
}

/// [`super::FastKernels::affine_rows`]: `z[s * z_stride + j] = b[j] + dot(x_s, column j of w)` for
/// `count` inputs `x_s = x[s * x_stride..][..n]`, `w` in the flat layout (n x outputs,
/// row-major), bit for bit [`affine_t`] on the transposed matrix: every output is computed
/// with [`dot`]'s own operations (its accumulators' fused multiply-add chains, their sum and
/// [`hsum`]'s tree, then the bias), but with the lanes running over 8 outputs at once instead
/// of over the input. The masked lanes of `dot`'s last partial chunk, which add `0 * 0` to
/// their accumulator, do so here too.
///
/// Why (`perf record`, docs/speed.md): the 14 -> 10 layer of the MLP took 10 `dot` calls per
/// sample, each mostly reduction and call overhead; per sample this is 2 passes of 8 lanes.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2,fma")]
pub fn affine_rows(
    w: &[f32],
    b: &[f32],
    x: &[f32],
    x_stride: usize,
    z: &mut [f32],
    z_stride: usize,
    count: usize,
) {
    if wide() {
        // SAFETY: the CPU has AVX-512F (checked), AVX2 and FMA (this function's contract).
        return unsafe { super::avx512::affine_rows(w, b, x, x_stride, z, z_stride, count) };
    }
    affine_rows_ymm(w, b, x, x_stride, z, z_stride, count)
}

/// [`affine_rows`] in AVX2 registers only.
#[allow(clippy::too_many_arguments)]
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[target_feature(enable = "avx2,fma")]
pub(super) fn affine_rows_ymm(
    w: &[f32],
    b: &[f32],
    x: &[f32],
    x_stride: usize,
    z: &mut [f32],
    z_stride: usize,
    count: usize,
) {
    let outs = b.len();
    if outs == 0 || count == 0 {
        return;
    }
    let n = w.len() / outs;
    assert_eq!(w.len(), n * outs, "affine_rows: w must be n x outputs");
    if n == 0 {
        for s in 0..count {
            z[s * z_stride..][..outs].copy_from_slice(b);
        }
        return;
    }
    let chunks = n.div_ceil(W);
    let zero = _mm256_setzero_ps();
    for s in 0..count {
        let xs = &x[s * x_stride..][..n];
        let zs = &mut z[s * z_stride..][..outs];
        let mut j0 = 0;
        while j0 < outs {
            let lanes = (outs - j0).min(W);
            let m = mask_or_all(lanes);
            // Column block j0..j0 + lanes of row k of w (masked past the outputs).
            let wp = w[j0..].as_ptr();
            // SAFETY: row k's floats j0..j0 + lanes lie in w (k < n); loads masked to them.
            let row = |k: usize| unsafe { _mm256_maskload_ps(wp.add(k * outs), m) };
            let mut v = [zero; W];
            for l in 0..W {
                // Lane l of dot's chunk c, into accumulator `a` (a masked lane adds 0 * 0).
                let step = |c: usize, a: __m256| {
                    let k = c * W + l;
                    if k < n {
                        _mm256_fmadd_ps(_mm256_set1_ps(xs[k]), row(k), a)
                    } else {
                        _mm256_fmadd_ps(zero, zero, a)
                    }
                };
                // dot's accumulators: whole 32-float quads round the four, the remaining
                // whole chunks into the first, a last partial chunk into the second.
                let (mut a0, mut a1, mut a2, mut a3) = (zero, zero, zero, zero);
                let mut c = 0;
                for _ in 0..n / (4 * W) {
                    a0 = step(c, a0);
                    a1 = step(c + 1, a1);
                    a2 = step(c + 2, a2);
                    a3 = step(c + 3, a3);
                    c += 4;
                }
                while (c + 1) * W <= n {
                    a0 = step(c, a0);
                    c += 1;
                }
                if c < chunks {
                    a1 = step(c, a1);
                }
                v[l] = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
            }
            let dot = _mm256_add_ps(
                _mm256_add_ps(_mm256_add_ps(v[0], v[4]), _mm256_add_ps(v[2], v[6])),
                _mm256_add_ps(_mm256_add_ps(v[1], v[5]), _mm256_add_ps(v[3], v[7])),
            );
            // SAFETY: b and zs have `outs` floats; masked to j0..j0 + lanes.
            unsafe {
                let r = _mm256_add_ps(_mm256_maskload_ps(b[j0..].as_ptr(), m), dot);
                _mm256_maskstore_ps(zs[j0..].as_mut_ptr(), m, r);
            }
            j0 += lanes;
        }
    }
}

/// [`super::FastKernels::axpy_rows_each`]: for every row j of `y` (rows x n, n = the inputs' length),
/// `row j += alphas[s * stride + j] xs[s]` for s in order, each term skipped where its own
/// coefficient is zero: bit for bit one [`axpy_rows`] call per input, in order. Each chunk of a
/// row stays in a register across all the inputs.
///
/// Why (docs/speed.md): the MLP's second-layer weight gradient, one call per block of samples
/// instead of one per sample.
#[target_feature(enable = "avx2,fma")]
pub fn axpy_rows_each(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    if wide() {
        // SAFETY: the CPU has AVX-512F (checked), AVX2 and FMA (this function's contract).
        return unsafe { super::avx512::axpy_rows_each(alphas, stride, xs, y) };
    }
    axpy_rows_each_ymm(alphas, stride, xs, y)
}

/// [`axpy_rows_each`] in AVX2 registers only.
#[target_feature(enable = "avx2,fma")]
pub(super) fn axpy_rows_each_ymm(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    if n == 0 {
        return;
    }
    let n_rows = y.len() / n;
    let body = n - n % W;
    for j in 0..n_rows {
        let mut coef = [0.0f32; 16];
        let mut src: [*const f32; 16] = [core::ptr::null(); 16];
        for group in xs.chunks(16).enumerate() {
            let (g, group) = group;
            let mut live = 0;
            for (s, x) in group.iter().enumerate() {
                let a = alphas[(g * 16 + s) * stride + j];
                if a != 0.0 {
                    coef[live] = a;
                    src[live] = x[..n].as_ptr();
                    live += 1;
                }
            }
            if live == 0 {
                continue;
            }
            let yp = y[j * n..][..n].as_mut_ptr();
            let va: [__m256; 16] = core::array::from_fn(|t| _mm256_set1_ps(coef[t]));
            let mut i = 0;
            // SAFETY: every live input and the row have n floats; accesses at i..i + 8 <=
            // body, or masked to n.
            unsafe {
                while i < body {
                    let mut u = _mm256_loadu_ps(yp.add(i));
                    for t in 0..live {
                        u = _mm256_fmadd_ps(va[t], _mm256_loadu_ps(src[t].add(i)), u);
                    }
                    _mm256_storeu_ps(yp.add(i), u);
                    i += W;
                }
                if body < n {
                    let m = mask(n - body);
                    let mut u = _mm256_maskload_ps(yp.add(body), m);
                    for t in 0..live {
                        u = _mm256_fmadd_ps(va[t], _mm256_maskload_ps(src[t].add(body), m), u);
                    }
                    _mm256_maskstore_ps(yp.add(body), m, u);
                }
            }
        }
    }
}

/// [`super::FastKernels::combine_rows`]: for each of `count` outputs `y_s = y[s * y_stride..][..n]`,
/// `y_s = sum over the rows j of w (rows x n) in order of alphas[s * a_stride + j] row j`,
/// from +0, one fused multiply-add per term, then (with `relu_of`) zeroed where
/// `relu_of[s * y_stride..][..n]` is <= 0: bit for bit `y_s.fill(0.0)`, [`axpy_multi`] over
/// the rows and [`relu_mask`]. Each chunk of `y_s` stays in a register across the rows.
///
/// Why (docs/speed.md): the MLP's back-propagated delta of the hidden layer, one call per
/// block of samples instead of several per sample.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2,fma")]
pub fn combine_rows(
    alphas: &[f32],
    a_stride: usize,
    w: &[f32],
    n: usize,
    y: &mut [f32],
    y_stride: usize,
    count: usize,
    relu_of: Option<&[f32]>,
) {
    if n == 0 || count == 0 {
        return;
    }
    let rows = w.len() / n;
    let zero = _mm256_setzero_ps();
    // relu_mask's operation: zero where the activation is <= 0 (NaN keeps the value).
    let masked = |u: __m256, a: __m256| _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LE_OQ>(a, zero), u);
    assert_eq!(w.len(), rows * n, "combine_rows: w must be rows x n");
    let body = n - n % W;
    let wp = w.as_ptr();
    for s in 0..count {
        let a = &alphas[s * a_stride..][..rows];
        let yp = y[s * y_stride..][..n].as_mut_ptr();
        let ap = relu_of.map(|r| r[s * y_stride..][..n].as_ptr());
        let mut i = 0;
        // SAFETY: row j of w is w[j * n..][..n], y_s and relu_of's row have n floats;
        // accesses at i..i + 8 <= body, or masked to n.
        unsafe {
            while i < body {
                let mut u = _mm256_setzero_ps();
                for (j, &aj) in a.iter().enumerate() {
                    u = _mm256_fmadd_ps(_mm256_set1_ps(aj), _mm256_loadu_ps(wp.add(j * n + i)), u);
                }
                if let Some(ap) = ap {
                    u = masked(u, _mm256_loadu_ps(ap.add(i)));
                }
                _mm256_storeu_ps(yp.add(i), u);
                i += W;
            }
            if body < n {
                let m = mask(n - body);
                let mut u = _mm256_setzero_ps();
                for (j, &aj) in a.iter().enumerate() {
                    let wv = _mm256_maskload_ps(wp.add(j * n + body), m);
                    u = _mm256_fmadd_ps(_mm256_set1_ps(aj), wv, u);
                }
                if let Some(ap) = ap {
                    u = masked(u, _mm256_maskload_ps(ap.add(body), m));
                }
                _mm256_maskstore_ps(yp.add(body), m, u);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn have() -> bool {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// `n` values of [`super::super::check::vector`] with tiny ones of both signs mixed in,
    /// whose products underflow to +0 or -0 (so the signed zeros of the fused chains count).
    fn values(seed: u64, tag: u64, n: usize) -> Vec<f32> {
        let mut v = super::super::check::vector(seed, tag, n);
        for (i, x) in v.iter_mut().enumerate() {
            if i % 5 == 3 {
                *x = if i % 2 == 0 { 1e-25 } else { -1e-25 };
            }
        }
        v
    }

    /// [`super::affine_rows_ymm`] against one [`super::affine_t`] call per input (on the
    /// transposed matrix), bit for bit: every input length around the dot's chunks and quads,
    /// outputs around the 8 lanes, 1..=9 inputs at strides with gaps left untouched.
    #[test]
    fn affine_rows_is_one_affine_t_per_input_bit_for_bit() {
        if !have() {
            return;
        }
        for seed in [1, 7] {
            for n in (1..70).chain([784]) {
                for outs in [1, 2, 7, 8, 9, 10, 14, 16, 17] {
                    let w = values(seed, 100 + outs as u64, n * outs);
                    let mut wt = vec![0.0f32; n * outs];
                    for i in 0..n {
                        for j in 0..outs {
                            wt[j * n + i] = w[i * outs + j];
                        }
                    }
                    let b = values(seed, 200, outs);
                    let count = 1 + (n + outs) % 9;
                    let (xs, zs) = (n + 3, outs + 2);
                    let x = values(seed, 300 + n as u64, count * xs);
                    let mut got = vec![7.0f32; count * zs];
                    let mut want = got.clone();
                    // SAFETY: checked by have().
                    unsafe {
                        super::affine_rows_ymm(&w, &b, &x, xs, &mut got, zs, count);
                        for s in 0..count {
                            let z = &mut want[s * zs..][..outs];
                            super::affine_t(&wt, &x[s * xs..][..n], &b, z);
                        }
                    }
                    let what = format!("n = {n}, {outs} outputs, {count} inputs");
                    assert_eq!(bits(&got), bits(&want), "affine_rows, {what}");
                }
            }
        }
    }

    /// [`super::axpy_rows_each`] against one [`super::axpy_rows`] call per input, and
    /// [`super::combine_rows`] against `fill(0.0)` and one [`super::axpy_multi`], bit for bit:
    /// coefficients with zeros of both signs and all-zero rows, 1..=17 inputs.
    #[test]
    fn axpy_rows_each_and_combine_rows_are_their_per_input_calls_bit_for_bit() {
        if !have() {
            return;
        }
        for seed in [1, 7] {
            for n in (1..40).chain([63, 64, 65, 784]) {
                for rows in [1, 2, 5, 10, 14] {
                    let count = 1 + (n + rows) % 17;
                    let stride = rows + 1;
                    let mut alphas = values(seed, 400 + rows as u64, count * stride);
                    for (i, a) in alphas.iter_mut().enumerate() {
                        match i % 7 {
                            2 => *a = 0.0,
                            4 => *a = -0.0,
                            _ => {}
                        }
                    }
                    // Row 0 dead for every input.
                    for s in 0..count {
                        alphas[s * stride] = 0.0;
                    }
                    let xs: Vec<Vec<f32>> = (0..count)
                        .map(|s| values(seed, 500 + s as u64, n))
                        .collect();
                    let refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
                    let what = format!("n = {n}, {rows} rows, {count} inputs");
                    let y0 = values(seed, 600, rows * n);
                    let (mut got, mut want) = (y0.clone(), y0);
                    // SAFETY: checked by have().
                    unsafe {
                        super::axpy_rows_each(&alphas, stride, &refs, &mut got);
                        for (s, x) in refs.iter().enumerate() {
                            super::axpy_rows(&alphas[s * stride..], stride, &[x], &mut want);
                        }
                    }
                    assert_eq!(bits(&got), bits(&want), "axpy_rows_each, {what}");
                    // combine_rows: w = the rows (rows x n), outputs at a stride with gaps.
                    let w = values(seed, 700, rows * n);
                    let w_rows: Vec<&[f32]> = w.chunks_exact(n).collect();
                    let ys = n + 2;
                    let mut got = vec![7.0f32; count * ys];
                    let mut want = got.clone();
                    // SAFETY: checked by have().
                    unsafe {
                        super::combine_rows(&alphas, stride, &w, n, &mut got, ys, count, None);
                        for s in 0..count {
                            let y = &mut want[s * ys..][..n];
                            y.fill(0.0);
                            super::axpy_multi(&alphas[s * stride..][..rows], &w_rows, y);
                        }
                    }
                    assert_eq!(bits(&got), bits(&want), "combine_rows, {what}");
                    // With the ReLU mask (activations with zeros of both signs and a NaN).
                    let mut act = values(seed, 800, count * ys);
                    act[0] = f32::NAN;
                    // SAFETY: checked by have().
                    unsafe {
                        super::combine_rows(
                            &alphas,
                            stride,
                            &w,
                            n,
                            &mut got,
                            ys,
                            count,
                            Some(&act),
                        );
                        for s in 0..count {
                            super::relu_mask(&act[s * ys..][..n], &mut want[s * ys..][..n]);
                        }
                    }
                    assert_eq!(bits(&got), bits(&want), "combine_rows + relu_mask, {what}");
                }
            }
        }
    }

    /// Shifts tried (the subtraction in the kernel is exercised too).
    const SHIFTS: [f32; 3] = [0.0, 1.75, -3.5e-5];

    /// [`super::exp_sub`] against libm on the bit patterns `start, start + step, ...` below
    /// `end`, minus each shift.
    fn exp_sub_matches_libm_on(start: u64, end: u64, step: u64, shifts: &[f32]) {
        let chunk = step << 20;
        for from in (start..end).step_by(chunk as usize) {
            let to = end.min(from + chunk);
            let z: Vec<f32> = (from..to)
                .step_by(step as usize)
                .map(|b| f32::from_bits(b as u32))
                .collect();
            exp_sub_matches_libm_at(&z, shifts);
        }
    }

    fn exp_sub_matches_libm_at(z: &[f32], shifts: &[f32]) {
        for &shift in shifts {
            let mut got = vec![0.0f32; z.len()];
            // SAFETY: checked by have().
            unsafe { super::exp_sub(z, shift, &mut got) };
            for (&v, &g) in z.iter().zip(&got) {
                let want = libm::expf(v - shift);
                assert!(
                    g.to_bits() == want.to_bits() || (g.is_nan() && want.is_nan()),
                    "expf({v:e} - {shift}) = {want:e} ({:#x}), got {g:e} ({:#x})",
                    want.to_bits(),
                    g.to_bits()
                );
            }
        }
    }

    #[test]
    fn exp_sub_is_libm_expf_bit_for_bit() {
        if !have() {
            return;
        }
        // Every 257th bit pattern (both signs, NaNs and infinities included), then densely
        // around the branch points of libm's expf (2^-14, 0.5 ln 2, 1.5 ln 2, 87.33, 88.72,
        // 103.97) and the arguments of the softmaxes (-110..0).
        exp_sub_matches_libm_on(0, 1 << 32, 257, &SHIFTS);
        for t in [
            0x3900_0000u64,
            0x3eb1_7218,
            0x3f85_1592,
            0x42ae_ac50,
            0x42b1_7218,
            0x42cf_f1b5,
        ] {
            for sign in [0, 1u64 << 31] {
                exp_sub_matches_libm_on((t | sign) - 4096, (t | sign) + 4096, 1, &SHIFTS);
            }
        }
        let (lo, hi) = ((-110.0f32).to_bits() as u64, (-0.0f32).to_bits() as u64);
        exp_sub_matches_libm_on(hi, lo, 61, &SHIFTS);
        // Lengths 0..20 (the 8-lane chunks and their tails).
        for n in 0..20 {
            let z: Vec<f32> = (0..n).map(|i| i as f32 * 0.37 - 3.0).collect();
            let mut got = vec![0.0f32; n];
            // SAFETY: checked by have().
            unsafe { super::exp_sub(&z, 0.25, &mut got) };
            for (&v, &g) in z.iter().zip(&got) {
                assert_eq!(g.to_bits(), libm::expf(v - 0.25).to_bits(), "n = {n}");
            }
        }
    }

    /// Every f32 argument (about a minute): `cargo test --release --lib exp_sub_every -- --ignored`.
    #[test]
    #[ignore]
    fn exp_sub_every_argument_is_libm_expf() {
        if have() {
            exp_sub_matches_libm_on(0, 1 << 32, 1, &[0.0]);
        }
    }
}
