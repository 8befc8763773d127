//! The fast aarch64 kernels: NEON (4 f32 lanes, part of every aarch64 CPU) with fused
//! multiply-add, chosen at run time by [`super::select`].
//!
//! Same contracts as [`super::portable`] except the rounding (one rounding per fused
//! multiply-add, sums in their own order), as the x86-64 AVX2 kernels; the tolerance tests
//! (`tests/kernels_fast.rs`) bound the differences.

use core::arch::aarch64::*;

/// f32 lanes per register.
const W: usize = 4;

/// y += alpha x.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    let n = y.len();
    let x = &x[..n];
    let body = n - n % W;
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let mut i = 0;
    while i < body {
        // SAFETY: i + 4 <= body <= n = x.len() = y.len().
        unsafe {
            let r = vfmaq_n_f32(vld1q_f32(yp.add(i)), vld1q_f32(xp.add(i)), alpha);
            vst1q_f32(yp.add(i), r);
        }
        i += W;
    }
    for (yi, &xi) in y[body..].iter_mut().zip(&x[body..]) {
        *yi = xi.mul_add(alpha, *yi);
    }
}
axpy_strided_by_rows!(#[inline]);
axpy_patches_by_terms!(#[inline]);

/// a . b with four 4-lane accumulators.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len();
    let b = &b[..n];
    let (ap, bp) = (a.as_ptr(), b.as_ptr());
    // SAFETY: vdupq_n_f32 has no preconditions.
    let mut acc = unsafe { [vdupq_n_f32(0.0); 4] };
    let mut i = 0;
    // SAFETY: every load is at i..i + 4 <= n.
    unsafe {
        while i + 4 * W <= n {
            for (k, s) in acc.iter_mut().enumerate() {
                let j = i + k * W;
                *s = vfmaq_f32(*s, vld1q_f32(ap.add(j)), vld1q_f32(bp.add(j)));
            }
            i += 4 * W;
        }
        while i + W <= n {
            acc[0] = vfmaq_f32(acc[0], vld1q_f32(ap.add(i)), vld1q_f32(bp.add(i)));
            i += W;
        }
    }
    let mut tail = 0.0f32;
    for (&p, &q) in a[i..].iter().zip(&b[i..]) {
        tail = p.mul_add(q, tail);
    }
    // SAFETY: register arithmetic only.
    unsafe {
        vaddvq_f32(vaddq_f32(
            vaddq_f32(acc[0], acc[1]),
            vaddq_f32(acc[2], acc[3]),
        )) + tail
    }
}

/// `z[j] = b[j] + dot(x, row j of w)`.
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
pub fn dots(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    match xs.len() {
        4 => tile::<1, 4>(&[row], xs, out, 1),
        3 => tile::<1, 3>(&[row], xs, out, 1),
        2 => tile::<1, 2>(&[row], xs, out, 1),
        1 => out[0] = dot(xs[0], row),
        _ => {}
    }
}

/// `out[s * stride + j] = dot(xs[s], row j of w)` in register tiles of 2 rows x up to 4
/// samples (8 accumulators of NEON's 32 registers).
pub fn dots_rows(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    if n == 0 {
        return;
    }
    let n_rows = w.len() / n;
    let mut j = 0;
    while j < n_rows {
        let r = (n_rows - j).min(2);
        let rows: [&[f32]; 2] = [&w[j * n..(j + 1) * n], &w[(j + r - 1) * n..(j + r) * n]];
        let out = &mut out[j..];
        match (r, xs.len()) {
            (2, 4) => tile::<2, 4>(&rows, xs, out, stride),
            (2, 3) => tile::<2, 3>(&rows, xs, out, stride),
            (2, 2) => tile::<2, 2>(&rows, xs, out, stride),
            (2, _) => tile::<2, 1>(&rows, xs, out, stride),
            (_, 4) => tile::<1, 4>(&rows, xs, out, stride),
            (_, 3) => tile::<1, 3>(&rows, xs, out, stride),
            (_, 2) => tile::<1, 2>(&rows, xs, out, stride),
            _ => tile::<1, 1>(&rows, xs, out, stride),
        }
        j += r;
    }
}

/// R rows x S inputs: `out[s * stride + r] = dot(xs[s], rows[r])`.
#[inline(always)]
fn tile<const R: usize, const S: usize>(
    rows: &[&[f32]],
    xs: &[&[f32]],
    out: &mut [f32],
    stride: usize,
) {
    let n = rows[0].len();
    let rp: [*const f32; R] = core::array::from_fn(|r| rows[r][..n].as_ptr());
    let xp: [*const f32; S] = core::array::from_fn(|s| xs[s][..n].as_ptr());
    // SAFETY: vdupq_n_f32 has no preconditions.
    let mut acc = unsafe { [[vdupq_n_f32(0.0); S]; R] };
    let body = n - n % W;
    let mut i = 0;
    while i < body {
        // SAFETY: every row and input has length n; loads at i..i + 4 <= body.
        unsafe {
            let wv: [float32x4_t; R] = core::array::from_fn(|r| vld1q_f32(rp[r].add(i)));
            for s in 0..S {
                let x = vld1q_f32(xp[s].add(i));
                for r in 0..R {
                    acc[r][s] = vfmaq_f32(acc[r][s], x, wv[r]);
                }
            }
        }
        i += W;
    }
    for r in 0..R {
        for s in 0..S {
            let mut tail = 0.0f32;
            for (&p, &q) in xs[s][body..n].iter().zip(&rows[r][body..n]) {
                tail = p.mul_add(q, tail);
            }
            // SAFETY: register arithmetic only.
            out[s * stride + r] = unsafe { vaddvq_f32(acc[r][s]) } + tail;
        }
    }
}

/// `y += alphas[k] xs[k]` for every k in order, 4 terms per load and store of `y`.
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

/// For every row j of `y`: `row j += alphas[s * stride + j] xs[s]` for s in order, two rows
/// per pass; a row whose coefficients are all zero is skipped.
pub fn axpy_rows(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    match xs.len() {
        4 => axpy_rows_n::<4>(alphas, stride, xs, y),
        3 => axpy_rows_n::<3>(alphas, stride, xs, y),
        2 => axpy_rows_n::<2>(alphas, stride, xs, y),
        1 => axpy_rows_n::<1>(alphas, stride, xs, y),
        _ => {}
    }
}

fn axpy_rows_n<const S: usize>(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let n = xs[0].len();
    if n == 0 {
        return;
    }
    let n_rows = y.len() / n;
    let coef = |j: usize| -> [f32; S] { core::array::from_fn(|s| alphas[s * stride + j]) };
    let live = |a: &[f32; S]| a.iter().any(|&v| v != 0.0);
    let mut j = 0;
    while j < n_rows {
        let a0 = coef(j);
        if j + 1 < n_rows {
            let a1 = coef(j + 1);
            let rows = &mut y[j * n..(j + 2) * n];
            match (live(&a0), live(&a1)) {
                (true, true) => {
                    let (r0, r1) = rows.split_at_mut(n);
                    rows_n::<2, S>(&[&a0[..], &a1[..]], xs, &mut [r0, r1]);
                }
                (true, false) => rows_n::<1, S>(&[&a0[..]], xs, &mut [&mut rows[..n]]),
                (false, true) => rows_n::<1, S>(&[&a1[..]], xs, &mut [&mut rows[n..]]),
                (false, false) => {}
            }
            j += 2;
        } else {
            if live(&a0) {
                rows_n::<1, S>(&[&a0[..]], xs, &mut [&mut y[j * n..(j + 1) * n]]);
            }
            j += 1;
        }
    }
}

/// `ys[r] += a[r][s] xs[s]` for s in order, R rows x S inputs per pass over the chunks.
#[inline(always)]
fn rows_n<const R: usize, const S: usize>(a: &[&[f32]], xs: &[&[f32]], ys: &mut [&mut [f32]]) {
    let n = ys[0].len();
    let xp: [*const f32; S] = core::array::from_fn(|s| xs[s][..n].as_ptr());
    let yp: [*mut f32; R] = core::array::from_fn(|r| ys[r][..n].as_mut_ptr());
    let body = n - n % W;
    let mut i = 0;
    while i < body {
        // SAFETY: every row and input has length n; accesses at i..i + 4 <= body.
        unsafe {
            let mut u: [float32x4_t; R] = core::array::from_fn(|r| vld1q_f32(yp[r].add(i)));
            for s in 0..S {
                let x = vld1q_f32(xp[s].add(i));
                for r in 0..R {
                    u[r] = vfmaq_n_f32(u[r], x, a[r][s]);
                }
            }
            for r in 0..R {
                vst1q_f32(yp[r].add(i), u[r]);
            }
        }
        i += W;
    }
    for (r, y) in ys.iter_mut().enumerate() {
        for i in body..n {
            let mut u = y[i];
            for s in 0..S {
                u = xs[s][i].mul_add(a[r][s], u);
            }
            y[i] = u;
        }
    }
}

/// Zeroes `g` where `a <= 0` (NaN compares false and keeps `g`): exact, like the portable one.
pub fn relu_mask(a: &[f32], g: &mut [f32]) {
    let n = g.len();
    let a = &a[..n];
    let body = n - n % W;
    let (ap, gp) = (a.as_ptr(), g.as_mut_ptr());
    let mut i = 0;
    while i < body {
        // SAFETY: accesses at i..i + 4 <= body <= n.
        unsafe {
            let dead = vclezq_f32(vld1q_f32(ap.add(i)));
            let kept = vbicq_u32(vreinterpretq_u32_f32(vld1q_f32(gp.add(i))), dead);
            vst1q_f32(gp.add(i), vreinterpretq_f32_u32(kept));
        }
        i += W;
    }
    for (gi, &ai) in g[body..].iter_mut().zip(&a[body..]) {
        if ai <= 0.0 {
            *gi = 0.0;
        }
    }
}

/// [`super::portable::conv2d`] with fused multiply-adds: blocks of 5 channels x 8 columns in
/// two NEON registers per channel, then one-column blocks (the portable order, fused).
#[allow(clippy::too_many_arguments)]
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
        for y in 0..out_h {
            let mut x = 0;
            while x < out_w {
                let full = out_w - x >= 2 * W;
                let at = Block {
                    n0,
                    base: y * row_stride + x,
                    out: (n0 * out_h + y) * out_w + x,
                    plane: out_h * out_w,
                };
                match (c, full) {
                    (5, true) => conv_block::<5>(src, taps, w, bias, at, out),
                    (4, true) => conv_block::<4>(src, taps, w, bias, at, out),
                    (3, true) => conv_block::<3>(src, taps, w, bias, at, out),
                    (2, true) => conv_block::<2>(src, taps, w, bias, at, out),
                    (1, true) => conv_block::<1>(src, taps, w, bias, at, out),
                    _ => conv_column(src, taps, w, bias, at, out, c),
                }
                x += if full { 2 * W } else { 1 };
            }
        }
        n0 += c;
    }
}

/// `C` channels x 8 columns of [`conv2d`] in 2 C accumulator registers.
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[inline(always)]
fn conv_block<const C: usize>(
    src: &[f32],
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    at: super::portable::Block,
    out: &mut [f32],
) {
    let n = bias.len();
    // SAFETY: vdupq_n_f32 has no preconditions.
    let (mut lo, mut hi) = unsafe { ([vdupq_n_f32(0.0); C], [vdupq_n_f32(0.0); C]) };
    let (sp, wp) = (src.as_ptr(), w.as_ptr());
    // SAFETY: conv2d_check proved base + t + 8 <= src.len() for every tap of a full block,
    // and w.len() = K N with k < K, n0 + C <= N; the outputs lie in `out`.
    unsafe {
        for (k, &t) in taps.iter().enumerate() {
            let s = sp.add(at.base + t as usize);
            let (s0, s1) = (vld1q_f32(s), vld1q_f32(s.add(W)));
            let wk = wp.add(k * n + at.n0);
            for c in 0..C {
                let wc = *wk.add(c);
                lo[c] = vfmaq_n_f32(lo[c], s0, wc);
                hi[c] = vfmaq_n_f32(hi[c], s1, wc);
            }
        }
        for c in 0..C {
            let b = vdupq_n_f32(bias[at.n0 + c]);
            let o = out[at.out + c * at.plane..][..2 * W].as_mut_ptr();
            vst1q_f32(o, vaddq_f32(lo[c], b));
            vst1q_f32(o.add(W), vaddq_f32(hi[c], b));
        }
    }
}

/// One output column of `c` channels of [`conv2d`], fused scalar sums in tap order.
fn conv_column(
    src: &[f32],
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    at: super::portable::Block,
    out: &mut [f32],
    c: usize,
) {
    let n = bias.len();
    for ch in 0..c {
        let mut s = 0.0f32;
        for (k, &t) in taps.iter().enumerate() {
            s = w[k * n + at.n0 + ch].mul_add(src[at.base + t as usize], s);
        }
        out[at.out + ch * at.plane] = s + bias[at.n0 + ch];
    }
}
