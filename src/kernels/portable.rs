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
