//! The portable kernels: plain Rust, the reference every other implementation must match bit
//! for bit. No fused multiply-add, and every addition in an order fixed by this code.

use super::LANES;

/// y += alpha x, element by element (`y[i] + alpha * x[i]`, one rounding for the product and
/// one for the sum).
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    debug_assert_eq!(x.len(), y.len());
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// a . b with [`LANES`] independent partial sums: element i of every full chunk of 8 goes to
/// partial sum i % 8, the last len % 8 elements to a separate tail sum (in order), and the
/// result is `((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))) + tail`.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (xa, xb) in ca.zip(cb) {
        for ((s, &p), &q) in acc.iter_mut().zip(xa).zip(xb) {
            *s += p * q;
        }
    }
    let mut tail = 0.0f32;
    for (&p, &q) in ra.iter().zip(rb) {
        tail += p * q;
    }
    let left = (acc[0] + acc[4]) + (acc[1] + acc[5]);
    let right = (acc[2] + acc[6]) + (acc[3] + acc[7]);
    (left + right) + tail
}

/// The transposed-weight affine map: `z[j] = b[j] + dot(x, w[j * x.len()..][..x.len()])` for
/// every output j (`w` is out x in, row-major: one contiguous row per output).
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

/// Zeroes `g` wherever the activation `a` is not positive (multiplies by ReLU'(z)).
#[inline]
pub fn relu_mask(a: &[f32], g: &mut [f32]) {
    debug_assert_eq!(a.len(), g.len());
    for (gi, &ai) in g.iter_mut().zip(a) {
        if ai <= 0.0 {
            *gi = 0.0;
        }
    }
}

/// `out[s] = dot(xs[s], row)` for every s (at most [`super::BLOCK`] inputs), bit for bit as
/// [`dot`]: each keeps its own [`LANES`] partial sums, tail and reduction tree. Done together
/// so every chunk of `row` is loaded once for all inputs (a forward pass over a block of
/// samples reads each weight row once instead of once per sample).
#[inline]
pub fn dots(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    debug_assert!(xs.len() <= super::BLOCK && out.len() == xs.len());
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
    let xs: [&[f32]; N] = std::array::from_fn(|s| &xs[s][..n]);
    let mut acc = [[0.0f32; LANES]; N];
    let mut i = 0;
    while i < body {
        let r = &row[i..i + LANES];
        for s in 0..N {
            let x = &xs[s][i..i + LANES];
            for l in 0..LANES {
                acc[s][l] += x[l] * r[l];
            }
        }
        i += LANES;
    }
    for s in 0..N {
        let mut tail = 0.0f32;
        for (&p, &q) in xs[s][body..].iter().zip(&row[body..]) {
            tail += p * q;
        }
        let a = &acc[s];
        let left = (a[0] + a[4]) + (a[1] + a[5]);
        let right = (a[2] + a[6]) + (a[3] + a[7]);
        out[s] = (left + right) + tail;
    }
}

/// `y += alphas[k] xs[k]` for k = 0, 1, ... in that order, bit for bit as that many [`axpy`]
/// calls (every element gets the same products added in the same order), but `y` is loaded
/// and stored once per group of up to [`super::BLOCK`] terms.
#[inline]
pub fn axpy_multi(alphas: &[f32], xs: &[&[f32]], y: &mut [f32]) {
    debug_assert_eq!(alphas.len(), xs.len());
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
    let xs: [&[f32]; N] = std::array::from_fn(|k| &xs[k][..n]);
    let a: [f32; N] = std::array::from_fn(|k| alphas[k]);
    for (i, yi) in y.iter_mut().enumerate() {
        let mut v = *yi;
        for k in 0..N {
            v += a[k] * xs[k][i];
        }
        *yi = v;
    }
}

/// `out[s * stride + j] = dot(xs[s], row j of w)` for every row j of `w` (rows x n, n the
/// inputs' common length), bit for bit as [`dot`] ([`dots`] row by row).
#[inline]
pub fn dots_rows(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    let mut z = [0.0f32; super::BLOCK];
    let z = &mut z[..xs.len()];
    for (j, row) in rows(w, n).enumerate() {
        dots(row, xs, z);
        for (s, &zs) in z.iter().enumerate() {
            out[s * stride + j] = zs;
        }
    }
}

/// For every row j of `y`: `row j += alphas[s * stride + j] xs[s]` for s in order, zero
/// coefficients included, except that a row whose coefficients are all zero is untouched.
#[inline]
pub fn axpy_rows(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    let mut a = [0.0f32; super::BLOCK];
    let a = &mut a[..xs.len()];
    for (j, row) in rows_mut(y, n).enumerate() {
        for (s, aj) in a.iter_mut().enumerate() {
            *aj = alphas[s * stride + j];
        }
        if a.iter().all(|&v| v == 0.0) {
            continue;
        }
        match xs.len() {
            4 => axpy_n::<4>(a, xs, row),
            3 => axpy_n::<3>(a, xs, row),
            2 => axpy_n::<2>(a, xs, row),
            _ => axpy(a[0], xs[0], row),
        }
    }
}

/// The rows of a rows x n matrix (none when n = 0).
pub(crate) fn rows(w: &[f32], n: usize) -> std::slice::ChunksExact<'_, f32> {
    w.chunks_exact(n.max(1))
}

/// The rows of a rows x n matrix, mutable (none when n = 0).
pub(crate) fn rows_mut(w: &mut [f32], n: usize) -> std::slice::ChunksExactMut<'_, f32> {
    w.chunks_exact_mut(n.max(1))
}
