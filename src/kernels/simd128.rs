//! The explicit wasm simd128 kernels (f32x4), compiled only for wasm32 with `+simd128`.
//!
//! Each one reproduces its [`super::portable`] counterpart bit for bit: the same products and
//! sums in the same order, element-wise IEEE f32 multiply and add only (no FMA, no relaxed
//! SIMD), and the same scalar tail.

use super::LANES;
use core::arch::wasm32::*;

/// 4 f32 lanes at `p` (any alignment: wasm's `v128.load` is unaligned).
///
/// # Safety
/// `p..p + 4` must be in bounds of one slice.
#[inline(always)]
unsafe fn load(p: *const f32) -> v128 {
    v128_load(p as *const v128)
}

/// y += alpha x: `y[i] + alpha * x[i]` four lanes at a time, then the last 1..=3 floats in
/// the first lanes of one more vector (loaded and stored lane by lane: the same operations
/// per float as a scalar tail, in one vector step instead of up to three scalar ones; the
/// CNN's rows of 50 and 10 floats end in 2).
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    let n = y.len();
    let x = &x[..n];
    let va = f32x4_splat(alpha);
    let body = n - n % 4;
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let mut i = 0;
    while i < body {
        // SAFETY: i + 4 <= body <= n = x.len() = y.len().
        unsafe {
            let r = f32x4_add(load(yp.add(i)), f32x4_mul(va, load(xp.add(i))));
            v128_store(yp.add(i) as *mut v128, r);
        }
        i += 4;
    }
    if body < n {
        let rest = n - body;
        // SAFETY: body + rest = n = x.len() = y.len().
        unsafe {
            let xv = load_lanes(xp.add(body), rest);
            let r = f32x4_add(load_lanes(yp.add(body), rest), f32x4_mul(va, xv));
            store_lanes(yp.add(body), rest, r);
        }
    }
}
axpy_strided_by_rows!(#[inline]);

/// Most units (4-float chunks of `y`'s rows) one pass of [`axpy_patches`] holds in registers:
/// 8 accumulators, the splatted coefficient and a loaded chunk of `x` leave room in the 16
/// xmm registers of V8 on x64 for its own temporaries.
const PATCH_UNITS: usize = 8;

/// [`super::axpy_patches`]: every 4-float chunk of `y`'s rows (its "units", the last of a row
/// partial when `cols` is not a multiple of 4) held in a register across all the terms, in
/// groups of up to [`PATCH_UNITS`] units: rows of 4 chunks or more (a 5 x 50 filter, a dense
/// layer's 50 outputs) row by row in even spans (13 chunks: 6 and 7) whose loads sit at
/// constant offsets from the row, narrower rows in even groups across rows; 5 rows of 5 into
/// 25 contiguous floats (conv1's filter) in 7 registers, see [`patches_5x5`]. Per term and
/// unit, one load of `x`, one multiply and one add; `y` loaded and stored once per group. Each element of `y` still gets
/// `y + alpha * x`, the product rounded and then the sum, per term in order: the bits of that
/// many [`axpy_strided`] calls (and of the portable kernel). A partial unit reads a whole chunk
/// of `x` (hence [`super::PATCH_SLACK`]); its extra lanes never reach `y`, which is loaded and
/// stored lane by lane there.
///
/// Why (docs/speed.md): conv1's and conv2's weight gradients, one [`axpy_strided`] per window
/// through memory, were a fifth of `cnn-grad` in the SIMD wasm build. Measured, holding `y` in
/// registers alone gained little there (without FMA the multiplies and adds are the bound, not
/// the loads and stores of `y`); the 5 x 5 path's fewer registers per window did.
#[allow(clippy::too_many_arguments)]
#[inline]
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
    if (rows, cols, y_stride) == (5, 5, 5) {
        return patches_5x5(alphas, offsets, x, x_stride, y);
    }
    let chunks = cols.div_ceil(4);
    if chunks >= PATCH_UNITS / 2 {
        // Wide rows (conv2's 50 floats, a dense layer's): each group a span of one row's
        // chunks, its loads at constant offsets from the row's start (no address arithmetic
        // per unit in the loop over the terms); spans as even as can be.
        let spans = chunks.div_ceil(PATCH_UNITS);
        for r in 0..rows {
            for s in 0..spans {
                let c0 = chunks * s / spans;
                let n = chunks * (s + 1) / spans - c0;
                let at = Span {
                    x: r * x_stride + 4 * c0,
                    y: r * y_stride + 4 * c0,
                    last: cols - 4 * (c0 + n - 1),
                };
                match n {
                    8 => patch_span::<8>(alphas, offsets, x, y, at),
                    7 => patch_span::<7>(alphas, offsets, x, y, at),
                    6 => patch_span::<6>(alphas, offsets, x, y, at),
                    5 => patch_span::<5>(alphas, offsets, x, y, at),
                    4 => patch_span::<4>(alphas, offsets, x, y, at),
                    3 => patch_span::<3>(alphas, offsets, x, y, at),
                    2 => patch_span::<2>(alphas, offsets, x, y, at),
                    _ => patch_span::<1>(alphas, offsets, x, y, at),
                }
            }
        }
        return;
    }
    // Narrow rows: groups of units across rows.
    let units = rows * chunks;
    // Groups as even as can be (sizes differing by at most 1).
    let groups = units.div_ceil(PATCH_UNITS);
    let unit = |u: usize| -> Unit {
        let (r, c) = (u / chunks, u % chunks);
        Unit {
            x: r * x_stride + c * 4,
            y: r * y_stride + c * 4,
            lanes: (cols - c * 4).min(4),
        }
    };
    for g in 0..groups {
        let u0 = units * g / groups;
        let n = units * (g + 1) / groups - u0;
        let group: [Unit; PATCH_UNITS] = core::array::from_fn(|k| unit(u0 + k.min(n - 1)));
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
    }
}

/// [`axpy_patches`] of 5 rows of 5 into 25 contiguous floats of `y` (conv1's 5 x 5 filter):
/// `y` in 7 registers (floats 0..4, 4..8, ..., 24) instead of 10 units of 4 + 1 lanes. A
/// register that straddles two rows of the patch is spliced from two loads of `x` by one
/// shuffle, so a term costs 10 loads, 3 shuffles and 7 multiplies and adds (instead of 10),
/// every load at a constant offset from its row; each element still gets its terms' products
/// added in order, the same bits.
#[inline(always)]
fn patches_5x5(alphas: &[f32], offsets: &[u32], x: &[f32], x_stride: usize, y: &mut [f32]) {
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    // SAFETY: axpy_patches_check proved y.len() >= 25 and every patch's 5 rows of 5 (at
    // offset + r x_stride), plus PATCH_SLACK (>= 3) floats, inside `x`: the loads below read
    // floats 0..4 and 1..5 of rows 0..4 and 4..8 of row 4.
    unsafe {
        let mut acc: [v128; 7] = core::array::from_fn(|k| {
            if k < 6 {
                load(yp.add(4 * k))
            } else {
                v128_load32_zero(yp.add(24) as *const u32)
            }
        });
        for (&alpha, &offset) in alphas.iter().zip(offsets) {
            let a = f32x4_splat(alpha);
            let r: [*const f32; 5] =
                core::array::from_fn(|k| xp.add(offset as usize + k * x_stride));
            let row = |k: usize| (load(r[k]), load(r[k].add(1)));
            let ((l0, l0b), (l1, l1b), (l2, l2b), (l3, l3b)) = (row(0), row(1), row(2), row(3));
            let v = [
                l0,                                   // r0[0..4]
                i32x4_shuffle::<3, 4, 5, 6>(l0b, l1), // r0[4], r1[0..3]
                i32x4_shuffle::<2, 3, 4, 5>(l1b, l2), // r1[3..5], r2[0..2]
                i32x4_shuffle::<1, 2, 3, 4>(l2b, l3), // r2[2..5], r3[0]
                l3b,                                  // r3[1..5]
                load(r[4]),                           // r4[0..4]
                load(r[4].add(4)),                    // r4[4] (and 3 unused floats)
            ];
            for k in 0..7 {
                acc[k] = f32x4_add(acc[k], f32x4_mul(a, v[k]));
            }
        }
        for (k, &v) in acc.iter().enumerate().take(6) {
            v128_store(yp.add(4 * k) as *mut v128, v);
        }
        v128_store32_lane::<0>(acc[6], yp.add(24) as *mut u32);
    }
}

/// A span of chunks of one row of [`axpy_patches`]: where it starts in `y` and, from a patch's
/// offset, in `x`, and the floats of its last chunk (1..=4; the others have 4).
#[derive(Clone, Copy)]
struct Span {
    x: usize,
    y: usize,
    last: usize,
}

/// `N` consecutive chunks of a row of [`axpy_patches`] over every term, at constant offsets.
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[inline(always)]
fn patch_span<const N: usize>(alphas: &[f32], offsets: &[u32], x: &[f32], y: &mut [f32], at: Span) {
    let lanes = |k: usize| if k + 1 == N { at.last.min(4) } else { 4 };
    // SAFETY: axpy_patches_check proved every patch's rows, plus PATCH_SLACK (>= 3) floats,
    // inside `x` (chunk k reads x[offset + at.x + 4 k..][..4], within its row's cols rounded up
    // to 4), and the rows of `y` inside `y` (chunk k's loads and stores of `y` cover its lanes
    // only).
    unsafe {
        let yp = y.as_mut_ptr().add(at.y);
        let xp = x.as_ptr().add(at.x);
        let mut acc: [v128; N] = core::array::from_fn(|k| load_lanes(yp.add(4 * k), lanes(k)));
        for (&alpha, &offset) in alphas.iter().zip(offsets) {
            let a = f32x4_splat(alpha);
            let p = xp.add(offset as usize);
            for k in 0..N {
                acc[k] = f32x4_add(acc[k], f32x4_mul(a, load(p.add(4 * k))));
            }
        }
        for k in 0..N {
            store_lanes(yp.add(4 * k), lanes(k), acc[k]);
        }
    }
}

/// One register of [`axpy_patches`]: a chunk of up to 4 floats of a row of `y` (at `y`) and
/// where its floats sit in a patch of `x` (at `x` from the patch's offset).
#[derive(Clone, Copy)]
struct Unit {
    x: usize,
    y: usize,
    lanes: usize,
}

/// `N` units of [`axpy_patches`] over every term.
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[inline(always)]
fn patch_group<const N: usize>(
    alphas: &[f32],
    offsets: &[u32],
    x: &[f32],
    y: &mut [f32],
    group: &[Unit; PATCH_UNITS],
) {
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let xo: [usize; N] = core::array::from_fn(|u| group[u].x);
    // SAFETY: axpy_patches_check proved every patch's rows, plus PATCH_SLACK (>= 3) floats,
    // inside `x` (a unit reads x[offset + unit.x..][..4], within its row's cols rounded up to
    // 4), and the rows of `y` inside `y` (a unit's loads and stores of `y` cover its lanes
    // only).
    unsafe {
        let mut acc: [v128; N] =
            core::array::from_fn(|u| load_lanes(yp.add(group[u].y), group[u].lanes));
        for (&alpha, &offset) in alphas.iter().zip(offsets) {
            let a = f32x4_splat(alpha);
            let p = xp.add(offset as usize);
            for u in 0..N {
                acc[u] = f32x4_add(acc[u], f32x4_mul(a, load(p.add(xo[u]))));
            }
        }
        for u in 0..N {
            store_lanes(yp.add(group[u].y), group[u].lanes, acc[u]);
        }
    }
}

/// The first `lanes` (1..=4) floats at `p` in the first lanes of a vector (the others 0).
///
/// # Safety
/// `p..p + lanes` must be in bounds of one slice.
#[inline(always)]
unsafe fn load_lanes(p: *const f32, lanes: usize) -> v128 {
    match lanes {
        1 => v128_load32_zero(p as *const u32),
        2 => v128_load64_zero(p as *const u64),
        3 => v128_load32_lane::<2>(v128_load64_zero(p as *const u64), p.add(2) as *const u32),
        _ => load(p),
    }
}

/// Stores the first `lanes` (1..=4) lanes of `v` at `p`.
///
/// # Safety
/// `p..p + lanes` must be in bounds of one slice.
#[inline(always)]
unsafe fn store_lanes(p: *mut f32, lanes: usize, v: v128) {
    match lanes {
        1 => v128_store32_lane::<0>(v, p as *mut u32),
        2 => v128_store64_lane::<0>(v, p as *mut u64),
        3 => {
            v128_store64_lane::<0>(v, p as *mut u64);
            v128_store32_lane::<2>(v, p.add(2) as *mut u32);
        }
        _ => v128_store(p as *mut v128, v),
    }
}

/// a . b: lanes 0..4 of every chunk of 8 accumulate in `lo`, lanes 4..8 in `hi`, so lane k of
/// `lo` is the portable partial sum s_k and lane k of `hi` is s_{k+4}; `lo + hi` is then
/// (s0 + s4, s1 + s5, s2 + s6, s3 + s7), reduced as the portable tree, plus the same tail.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len();
    let b = &b[..n];
    let body = n - n % LANES;
    let (ap, bp) = (a.as_ptr(), b.as_ptr());
    let mut lo = f32x4_splat(0.0);
    let mut hi = f32x4_splat(0.0);
    let mut i = 0;
    while i < body {
        // SAFETY: i + 8 <= body <= n = a.len() = b.len().
        unsafe {
            lo = f32x4_add(lo, f32x4_mul(load(ap.add(i)), load(bp.add(i))));
            hi = f32x4_add(hi, f32x4_mul(load(ap.add(i + 4)), load(bp.add(i + 4))));
        }
        i += LANES;
    }
    let mut tail = 0.0f32;
    for (&p, &q) in a[body..].iter().zip(&b[body..]) {
        tail += p * q;
    }
    let s = f32x4_add(lo, hi);
    let left = f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s);
    let right = f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s);
    (left + right) + tail
}

/// `z[j] = b[j] + dot(x, row j of w)`, with the simd128 [`dot`].
#[inline]
pub fn affine_t(w: &[f32], x: &[f32], b: &[f32], z: &mut [f32]) {
    debug_assert_eq!(w.len(), x.len() * z.len());
    debug_assert_eq!(b.len(), z.len());
    if x.is_empty() {
        z.copy_from_slice(b);
        return;
    }
    for ((zj, row), &bj) in z.iter_mut().zip(w.chunks_exact(x.len())).zip(b) {
        *zj = bj + dot(x, row);
    }
}

/// Zeroes `g` where `a <= 0`: the lane mask of `a <= 0` clears those lanes of `g` to +0.0
/// (NaN compares false and keeps `g`, as in the portable kernel).
#[inline]
pub fn relu_mask(a: &[f32], g: &mut [f32]) {
    let n = g.len();
    let a = &a[..n];
    let body = n - n % 4;
    let zero = f32x4_splat(0.0);
    let (ap, gp) = (a.as_ptr(), g.as_mut_ptr());
    let mut i = 0;
    while i < body {
        // SAFETY: i + 4 <= body <= n = a.len() = g.len().
        unsafe {
            let dead = f32x4_le(load(ap.add(i)), zero);
            let r = v128_andnot(load(gp.add(i)), dead);
            v128_store(gp.add(i) as *mut v128, r);
        }
        i += 4;
    }
    for (gi, &ai) in g[body..].iter_mut().zip(&a[body..]) {
        if ai <= 0.0 {
            *gi = 0.0;
        }
    }
}

/// `out[s] = dot(xs[s], row)`: each input keeps its own `lo`/`hi` accumulators (so each result
/// is [`dot`]'s, bit for bit), and every 8-float chunk of `row` is loaded once for all inputs.
#[inline]
pub fn dots(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    match xs.len() {
        4 => dots_n::<4>(row, xs, out),
        3 => dots_n::<3>(row, xs, out),
        2 => dots_n::<2>(row, xs, out),
        1 => out[0] = dot(xs[0], row),
        _ => {}
    }
}

#[inline(always)]
fn dots_n<const N: usize>(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    let n = row.len();
    let body = n - n % LANES;
    let xs: [&[f32]; N] = core::array::from_fn(|s| &xs[s][..n]);
    let xp: [*const f32; N] = core::array::from_fn(|s| xs[s].as_ptr());
    let rp = row.as_ptr();
    let mut lo = [f32x4_splat(0.0); N];
    let mut hi = [f32x4_splat(0.0); N];
    let mut i = 0;
    while i < body {
        // SAFETY: i + 8 <= body <= n = row.len() = xs[s].len().
        unsafe {
            let (r0, r1) = (load(rp.add(i)), load(rp.add(i + 4)));
            for s in 0..N {
                lo[s] = f32x4_add(lo[s], f32x4_mul(load(xp[s].add(i)), r0));
                hi[s] = f32x4_add(hi[s], f32x4_mul(load(xp[s].add(i + 4)), r1));
            }
        }
        i += LANES;
    }
    for s in 0..N {
        let mut tail = 0.0f32;
        for (&p, &q) in xs[s][body..].iter().zip(&row[body..]) {
            tail += p * q;
        }
        let v = f32x4_add(lo[s], hi[s]);
        let left = f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v);
        let right = f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v);
        out[s] = (left + right) + tail;
    }
}

/// `y += alphas[k] xs[k]` for k in order: four lanes of `y` are loaded once, get every term
/// added in order, and are stored once (bit for bit the sequence of [`axpy`] calls).
#[inline]
pub fn axpy_multi(alphas: &[f32], xs: &[&[f32]], y: &mut [f32]) {
    for (a, x) in alphas.chunks(super::BLOCK).zip(xs.chunks(super::BLOCK)) {
        match a.len() {
            4 => axpy_n::<4>(a, x, y),
            3 => axpy_n::<3>(a, x, y),
            2 => axpy_n::<2>(a, x, y),
            _ => axpy(a[0], x[0], y),
        }
    }
}

#[inline(always)]
fn axpy_n<const N: usize>(alphas: &[f32], xs: &[&[f32]], y: &mut [f32]) {
    let n = y.len();
    let xs: [&[f32]; N] = core::array::from_fn(|k| &xs[k][..n]);
    let xp: [*const f32; N] = core::array::from_fn(|k| xs[k].as_ptr());
    let va: [v128; N] = core::array::from_fn(|k| f32x4_splat(alphas[k]));
    let body = n - n % 4;
    let yp = y.as_mut_ptr();
    let mut i = 0;
    while i < body {
        // SAFETY: i + 4 <= body <= n = y.len() = xs[k].len().
        unsafe {
            let mut v = load(yp.add(i));
            for k in 0..N {
                v = f32x4_add(v, f32x4_mul(va[k], load(xp[k].add(i))));
            }
            v128_store(yp.add(i) as *mut v128, v);
        }
        i += 4;
    }
    for i in body..n {
        let mut v = y[i];
        for k in 0..N {
            v += alphas[k] * xs[k][i];
        }
        y[i] = v;
    }
}

/// Rows per register tile of [`dots_rows`] and [`axpy_rows`].
const TILE_ROWS: usize = 2;
/// Samples per register tile of [`dots_rows`]: 2 rows x 2 samples keep 8 accumulators (lo and
/// hi halves of every dot) and read 8 vectors per 16 arithmetic operations ([`dots`]: 10).
const TILE_SAMPLES: usize = 2;

/// `out[s * stride + j] = dot(xs[s], row j of w)`, in tiles of [`TILE_ROWS`] rows x
/// [`TILE_SAMPLES`] samples; each product keeps [`dot`]'s accumulators, tail and reduction.
#[inline]
pub fn dots_rows(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    let n_rows = w.len().checked_div(n).unwrap_or(0);
    let mut j = 0;
    while j < n_rows {
        let r = (n_rows - j).min(TILE_ROWS);
        let mut s = 0;
        while s < xs.len() {
            let c = (xs.len() - s).min(TILE_SAMPLES);
            let xt = &xs[s..s + c];
            match (r, c) {
                (2, 4) => dots_tile::<2, 4>(w, j, xt, out, s, stride),
                (2, 3) => dots_tile::<2, 3>(w, j, xt, out, s, stride),
                (2, 2) => dots_tile::<2, 2>(w, j, xt, out, s, stride),
                (2, _) => dots_tile::<2, 1>(w, j, xt, out, s, stride),
                (_, 4) => dots_tile::<1, 4>(w, j, xt, out, s, stride),
                (_, 3) => dots_tile::<1, 3>(w, j, xt, out, s, stride),
                (_, 2) => dots_tile::<1, 2>(w, j, xt, out, s, stride),
                _ => dots_tile::<1, 1>(w, j, xt, out, s, stride),
            }
            s += c;
        }
        j += r;
    }
}

/// One tile of [`dots_rows`]: rows j..j + R against inputs xs (S of them, the block's samples
/// s0..s0 + S).
#[inline(always)]
fn dots_tile<const R: usize, const S: usize>(
    w: &[f32],
    j: usize,
    xs: &[&[f32]],
    out: &mut [f32],
    s0: usize,
    stride: usize,
) {
    let n = xs[0].len();
    let body = n - n % LANES;
    let rows: [&[f32]; R] = core::array::from_fn(|r| &w[(j + r) * n..(j + r + 1) * n]);
    let xs: [&[f32]; S] = core::array::from_fn(|s| &xs[s][..n]);
    let rp: [*const f32; R] = core::array::from_fn(|r| rows[r].as_ptr());
    let xp: [*const f32; S] = core::array::from_fn(|s| xs[s].as_ptr());
    let mut lo = [[f32x4_splat(0.0); S]; R];
    let mut hi = [[f32x4_splat(0.0); S]; R];
    let mut i = 0;
    while i < body {
        // SAFETY: i + 8 <= body <= n = every row's and input's length.
        unsafe {
            let wl: [v128; R] = core::array::from_fn(|r| load(rp[r].add(i)));
            for s in 0..S {
                let x = load(xp[s].add(i));
                for r in 0..R {
                    lo[r][s] = f32x4_add(lo[r][s], f32x4_mul(x, wl[r]));
                }
            }
            let wh: [v128; R] = core::array::from_fn(|r| load(rp[r].add(i + 4)));
            for s in 0..S {
                let x = load(xp[s].add(i + 4));
                for r in 0..R {
                    hi[r][s] = f32x4_add(hi[r][s], f32x4_mul(x, wh[r]));
                }
            }
        }
        i += LANES;
    }
    for r in 0..R {
        for s in 0..S {
            let mut tail = 0.0f32;
            for (&p, &q) in xs[s][body..].iter().zip(&rows[r][body..]) {
                tail += p * q;
            }
            let v = f32x4_add(lo[r][s], hi[r][s]);
            let left = f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v);
            let right = f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v);
            out[(s0 + s) * stride + j + r] = (left + right) + tail;
        }
    }
}

/// For every row j of `y`: `row j += alphas[s * stride + j] xs[s]` for s in order, two rows at
/// a time (each 4-lane chunk of both rows is loaded and stored once for all the block's
/// terms); a row whose coefficients are all zero is skipped.
#[inline]
pub fn axpy_rows(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    match xs.len() {
        4 => axpy_rows_n::<4>(alphas, stride, xs, y),
        3 => axpy_rows_n::<3>(alphas, stride, xs, y),
        2 => axpy_rows_n::<2>(alphas, stride, xs, y),
        1 => axpy_rows_n::<1>(alphas, stride, xs, y),
        _ => {}
    }
}

#[inline(always)]
fn axpy_rows_n<const S: usize>(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let n = xs[0].len();
    if n == 0 {
        return;
    }
    let xs: [&[f32]; S] = core::array::from_fn(|s| &xs[s][..n]);
    let n_rows = y.len() / n;
    let coef = |j: usize| -> [f32; S] { core::array::from_fn(|s| alphas[s * stride + j]) };
    let live = |a: &[f32; S]| a.iter().any(|&v| v != 0.0);
    let mut j = 0;
    while j < n_rows {
        let a0 = coef(j);
        if j + 1 < n_rows {
            let a1 = coef(j + 1);
            match (live(&a0), live(&a1)) {
                (true, true) => {
                    let (r0, r1) = y[j * n..(j + 2) * n].split_at_mut(n);
                    axpy_pair::<S>(&a0, &a1, &xs, r0, r1);
                }
                (true, false) => axpy_n::<S>(&a0, &xs, &mut y[j * n..(j + 1) * n]),
                (false, true) => axpy_n::<S>(&a1, &xs, &mut y[(j + 1) * n..(j + 2) * n]),
                (false, false) => {}
            }
            j += 2;
        } else {
            if live(&a0) {
                axpy_n::<S>(&a0, &xs, &mut y[j * n..(j + 1) * n]);
            }
            j += 1;
        }
    }
}

/// Two rows of [`axpy_rows`] at once: per 4-lane chunk, 2 loads and 2 stores of `y` and S
/// loads of the inputs for 2 S multiply-adds.
#[inline(always)]
fn axpy_pair<const S: usize>(
    a0: &[f32; S],
    a1: &[f32; S],
    xs: &[&[f32]; S],
    y0: &mut [f32],
    y1: &mut [f32],
) {
    let n = y0.len();
    let y1 = &mut y1[..n];
    let xp: [*const f32; S] = core::array::from_fn(|s| xs[s].as_ptr());
    let v0: [v128; S] = core::array::from_fn(|s| f32x4_splat(a0[s]));
    let v1: [v128; S] = core::array::from_fn(|s| f32x4_splat(a1[s]));
    let body = n - n % 4;
    let (p0, p1) = (y0.as_mut_ptr(), y1.as_mut_ptr());
    let mut i = 0;
    while i < body {
        // SAFETY: i + 4 <= body <= n = y0.len() = y1.len() = xs[s].len().
        unsafe {
            let mut u0 = load(p0.add(i));
            let mut u1 = load(p1.add(i));
            for s in 0..S {
                let x = load(xp[s].add(i));
                u0 = f32x4_add(u0, f32x4_mul(v0[s], x));
                u1 = f32x4_add(u1, f32x4_mul(v1[s], x));
            }
            v128_store(p0.add(i) as *mut v128, u0);
            v128_store(p1.add(i) as *mut v128, u1);
        }
        i += 4;
    }
    for i in body..n {
        let (mut u0, mut u1) = (y0[i], y1[i]);
        for s in 0..S {
            u0 += a0[s] * xs[s][i];
            u1 += a1[s] * xs[s][i];
        }
        y0[i] = u0;
        y1[i] = u1;
    }
}

/// [`super::portable::conv2d`] with its 8-column blocks in two f32x4 vectors per channel:
/// per tap, the two source vectors are loaded once and each channel's weight is splatted;
/// every lane is one output's sequential sum, as in the portable code. Columns past the last
/// full block of 8 go through the portable one-column blocks.
#[allow(clippy::too_many_arguments)]
#[inline]
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
    use super::portable::{conv2d_check, conv_block, Block, CONV_CHANNELS, CONV_COLUMNS};
    conv2d_check(src, row_stride, taps, w, bias, out_h, out_w, out);
    let n = bias.len();
    let mut n0 = 0;
    while n0 < n {
        let c = (n - n0).min(CONV_CHANNELS);
        for y in 0..out_h {
            let mut x = 0;
            while x < out_w {
                let full = out_w - x >= CONV_COLUMNS;
                let at = Block {
                    n0,
                    base: y * row_stride + x,
                    out: (n0 * out_h + y) * out_w + x,
                    plane: out_h * out_w,
                };
                match (c, full) {
                    (5, true) => conv_block_simd::<5>(src, taps, w, bias, at, out),
                    (4, true) => conv_block_simd::<4>(src, taps, w, bias, at, out),
                    (3, true) => conv_block_simd::<3>(src, taps, w, bias, at, out),
                    (2, true) => conv_block_simd::<2>(src, taps, w, bias, at, out),
                    (1, true) => conv_block_simd::<1>(src, taps, w, bias, at, out),
                    (5, false) => conv_block::<5, 1>(src, taps, w, bias, at, out),
                    (4, false) => conv_block::<4, 1>(src, taps, w, bias, at, out),
                    (3, false) => conv_block::<3, 1>(src, taps, w, bias, at, out),
                    (2, false) => conv_block::<2, 1>(src, taps, w, bias, at, out),
                    _ => conv_block::<1, 1>(src, taps, w, bias, at, out),
                }
                x += if full { CONV_COLUMNS } else { 1 };
            }
        }
        n0 += c;
    }
}

/// `C` channels x 8 columns of [`conv2d`] in 2 C accumulator vectors.
#[inline(always)]
fn conv_block_simd<const C: usize>(
    src: &[f32],
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    at: super::portable::Block,
    out: &mut [f32],
) {
    let n = bias.len();
    let mut lo = [f32x4_splat(0.0); C];
    let mut hi = [f32x4_splat(0.0); C];
    let (sp, wp) = (src.as_ptr(), w.as_ptr());
    for (k, &t) in taps.iter().enumerate() {
        // SAFETY: conv2d_check proved base + t + 8 <= src.len() for every tap of a full
        // block, and w.len() = K N with k < K, n0 + C <= N.
        unsafe {
            let s = sp.add(at.base + t as usize);
            let (s0, s1) = (load(s), load(s.add(4)));
            let wk = wp.add(k * n + at.n0);
            for c in 0..C {
                let wc = f32x4_splat(*wk.add(c));
                lo[c] = f32x4_add(lo[c], f32x4_mul(wc, s0));
                hi[c] = f32x4_add(hi[c], f32x4_mul(wc, s1));
            }
        }
    }
    for c in 0..C {
        let b = f32x4_splat(bias[at.n0 + c]);
        let o = &mut out[at.out + c * at.plane..][..8];
        // SAFETY: o has 8 elements.
        unsafe {
            v128_store(o.as_mut_ptr() as *mut v128, f32x4_add(lo[c], b));
            v128_store(o.as_mut_ptr().add(4) as *mut v128, f32x4_add(hi[c], b));
        }
    }
}

/// [`super::portable::max_pool_relu`] four windows of a row at a time: the two rows of 8
/// floats under them are loaded once and split into their even and odd columns (the windows'
/// four candidates, in the portable order), and each lane keeps the portable comparison chain
/// (a later candidate replaces the best only if strictly greater) with lane-wise compares and
/// selects, the index beside the value; the ReLU is a select of the maximum or +0. Windows
/// past the last group of 4 in a row go through the portable code.
///
/// Why (docs/speed.md): with a branch per candidate (V8's selects were slower still, see the
/// portable kernel) the CNN's pools took a fifth of `cnn-grad` in the SIMD wasm build.
#[inline]
pub fn max_pool_relu(plane: &[f32], side: usize, am: &mut [u16], a: &mut [f32]) {
    use super::portable::{max_pool_check, window_max};
    max_pool_check(plane, side, am, a);
    let half = side / 2;
    let pp = plane.as_ptr();
    let zero = f32x4_splat(0.0);
    // Plane indices of the candidates of the windows 0..4 of a row relative to the first's.
    let lanes = i32x4(0, 2, 4, 6);
    let (right, down, diag) = (
        i32x4_splat(1),
        i32x4_splat(side as i32),
        i32x4_splat(side as i32 + 1),
    );
    for py in 0..half {
        let mut px = 0;
        while px + 4 <= half {
            let m0 = 2 * py * side + 2 * px;
            let w = py * half + px;
            // SAFETY: the two rows' floats m0..m0 + 8 and m0 + side..m0 + side + 8 lie in the
            // plane (2 px + 8 <= 2 half <= side; max_pool_check: plane.len() >= side^2), and
            // w + 4 <= half^2 <= am.len(), a.len().
            unsafe {
                let r0 = (load(pp.add(m0)), load(pp.add(m0 + 4)));
                let r1 = (load(pp.add(m0 + side)), load(pp.add(m0 + side + 4)));
                let e0 = i32x4_shuffle::<0, 2, 4, 6>(r0.0, r0.1);
                let o0 = i32x4_shuffle::<1, 3, 5, 7>(r0.0, r0.1);
                let e1 = i32x4_shuffle::<0, 2, 4, 6>(r1.0, r1.1);
                let o1 = i32x4_shuffle::<1, 3, 5, 7>(r1.0, r1.1);
                let first = i32x4_add(i32x4_splat(m0 as i32), lanes);
                let (mut top, mut best) = (e0, first);
                for (v, step) in [(o0, right), (e1, down), (o1, diag)] {
                    let wins = f32x4_gt(v, top);
                    top = v128_bitselect(v, top, wins);
                    best = v128_bitselect(i32x4_add(first, step), best, wins);
                }
                let relu = v128_and(top, f32x4_gt(top, zero));
                v128_store(a.as_mut_ptr().add(w) as *mut v128, relu);
                let idx = u16x8_narrow_i32x4(best, best);
                v128_store64_lane::<0>(idx, am.as_mut_ptr().add(w) as *mut u64);
            }
            px += 4;
        }
        for px in px..half {
            let w = py * half + px;
            let (best, top) = window_max(plane, 2 * py * side + 2 * px, side);
            am[w] = best as u16;
            a[w] = if top > 0.0 { top } else { 0.0 };
        }
    }
}
