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

/// y += alpha x: `y[i] + alpha * x[i]` four lanes at a time, then the scalar tail.
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
    for (yi, &xi) in y[body..].iter_mut().zip(&x[body..]) {
        *yi += alpha * xi;
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
