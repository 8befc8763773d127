//! The f32 kernels behind the networks' hot loops ([`crate::landscape::mlp`], the CNN's
//! convolutions).
//!
//! Two families:
//!
//! * The exact kernels: [`portable`] (plain Rust, the reference) and, when building for wasm32
//!   with `+simd128`, explicit simd128 (f32x4) code (`simd128.rs`), chosen at compile time.
//!   Every one returns exactly the bits of [`portable`]: the same IEEE f32 products and sums in
//!   the same order, no fused multiply-add, no relaxed SIMD. So the SIMD and the scalar wasm
//!   builds and native builds with portable kernels compute identical results; the tests below
//!   and `tests/kernels.rs` (in the browser, for both wasm builds) check it bit for bit.
//! * The fast native kernels, chosen at run time ([`select`]): AVX2 + FMA on x86-64
//!   (`avx2.rs`, when the CPU has both), NEON on aarch64 (`neon.rs`). They fuse multiply and
//!   add and sum in their own order (wider registers, more accumulators), so their results
//!   differ from the exact kernels in the last bits; `tests/kernels_fast.rs` bounds the
//!   differences (per kernel, and on the MLP's loss, gradient and Hessian-vector product).
//!   Within the fast family a kernel's bits are fixed by its own contract: the CNN's
//!   [`axpy_patches`] is bit for bit its fused [`axpy_strided`] calls and the AVX2
//!   [`conv2d`] a fused chain over the taps however its registers tile the outputs
//!   (`tests/cnn.rs`), so committed results of the `avx2+fma` kernels keep reproducing.
//!
//! The choice is process-wide and starts as [`Kernels::Portable`]: the library computes the
//! same bits everywhere unless a program opts in. The native command line and the benchmark
//! runner select [`Kernels::Auto`] by default (`--kernels auto|portable`). wasm32 has no
//! run-time choice: [`select`] leaves it on its compile-time kernels.

use std::sync::atomic::{AtomicU8, Ordering};

/// `axpy_strided` of a kernel module from that module's own `axpy`, one call per row (every
/// kernel set has it this way; the attributes, e.g. `#[target_feature]`, are the module's).
#[allow(unused_macros)] // (the scalar wasm build, portable only, has no user)
macro_rules! axpy_strided_by_rows {
    ($(#[$attr:meta])*) => {
        /// [`super::portable::axpy_strided`] with this module's [`axpy`] per row (one call for
        /// all rows: a window's rows cost one dispatch, not one each).
        $(#[$attr])*
        pub fn axpy_strided(
            alpha: f32,
            x: &[f32],
            x_stride: usize,
            y: &mut [f32],
            y_stride: usize,
            rows: usize,
            cols: usize,
        ) {
            super::portable::axpy_strided_check(x, x_stride, y, y_stride, rows, cols);
            for r in 0..rows {
                axpy(alpha, &x[r * x_stride..][..cols], &mut y[r * y_stride..][..cols]);
            }
        }
    };
}

/// `axpy_patches` of a kernel module from that module's own `axpy_strided`, one call per term
/// (the exact kernels and NEON have it this way; the attributes are the module's).
macro_rules! axpy_patches_by_terms {
    ($(#[$attr:meta])*) => {
        /// [`super::axpy_patches`] as one [`axpy_strided`] call per term, in order.
        $(#[$attr])*
        #[allow(clippy::too_many_arguments)]
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
            for (&alpha, &offset) in alphas.iter().zip(offsets) {
                axpy_strided(alpha, &x[offset as usize..], x_stride, y, y_stride, rows, cols);
            }
        }
    };
}

pub mod portable;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use simd128 as active;

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use portable as active;

#[cfg(target_arch = "x86_64")]
mod avx2;

#[cfg(target_arch = "x86_64")]
mod avx512;

#[cfg(target_arch = "aarch64")]
mod neon;

/// Partial sums of [`dot`]: added in a fixed tree, so two 4-lane registers reproduce them.
pub const LANES: usize = 8;

/// Most inputs [`dots`] takes at once, the group size of [`axpy_multi`], and the groups of
/// samples in which [`axpy_rows`] skips all-zero rows.
pub const BLOCK: usize = 4;

/// Most inputs [`dots_rows`] and [`axpy_rows`] take at once (two groups of [`BLOCK`]): the
/// block of samples the MLP's first layer processes together. Two groups rather than one
/// halve how often the first layer's weights and gradient (44 KB each for 784-14, together
/// more than a 48 KB L1 cache) stream through the cache; measured in docs/speed.md.
pub const ROWS_BLOCK: usize = 2 * BLOCK;

/// Which kernels a process runs: the request of `--kernels auto|portable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernels {
    /// The fastest this CPU supports: AVX2 + FMA on an x86-64 that has both, NEON on aarch64,
    /// otherwise the exact kernels.
    Auto,
    /// The exact kernels only (bit-identical to every wasm build).
    Portable,
}

impl Kernels {
    /// Parses `auto` or `portable` (the value of `--kernels`).
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "auto" => Ok(Kernels::Auto),
            "portable" => Ok(Kernels::Portable),
            other => Err(format!(
                "`--kernels` must be auto or portable, got '{}'",
                other.chars().take(64).collect::<String>()
            )),
        }
    }
}

/// The run-time choice: [`EXACT`] or [`FAST`].
static CHOICE: AtomicU8 = AtomicU8::new(EXACT);
const EXACT: u8 = 0;
const FAST: u8 = 1;

/// Chooses the kernels of this whole process (every thread) and returns the name of the
/// implementation now active (see [`implementation`]). `Auto` checks the CPU once
/// (`is_x86_feature_detected!`); on a CPU without AVX2 and FMA, and on wasm32, the exact
/// kernels stay. Call it before starting work: calls already running keep what they began with
/// only kernel call by kernel call.
pub fn select(kernels: Kernels) -> &'static str {
    let fast = kernels == Kernels::Auto && fast_available();
    CHOICE.store(if fast { FAST } else { EXACT }, Ordering::Relaxed);
    implementation()
}

/// Whether this CPU can run the fast kernels.
pub fn fast_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}

/// The implementation this process runs now: `"avx2+fma"`, `"neon"`, `"simd128"` or
/// `"portable"`.
pub fn implementation() -> &'static str {
    if fast() {
        if cfg!(target_arch = "aarch64") {
            "neon"
        } else {
            "avx2+fma"
        }
    } else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        "simd128"
    } else {
        "portable"
    }
}

/// The fast kernels as a [`FastKernels`] when this process has selected them and they are
/// the x86-64 ones (AVX2 + FMA): the MLP then runs its later layers a block of samples at a
/// time with [`FastKernels::affine_rows`] and the like, bit for bit its sample-by-sample
/// calls of the selected kernels. `None` otherwise (portable, NEON, wasm32): those go sample
/// by sample.
pub fn selected_x86_fast() -> Option<FastKernels> {
    (cfg!(target_arch = "x86_64") && fast()).then_some(FastKernels { _checked: () })
}

/// True when the fast kernels are selected (only ever on x86-64 with AVX2 + FMA, or aarch64).
#[inline(always)]
fn fast() -> bool {
    cfg!(any(target_arch = "x86_64", target_arch = "aarch64"))
        && CHOICE.load(Ordering::Relaxed) == FAST
}

/// Calls the fast kernel when selected, else the exact one. On x86-64 the AVX2 functions are
/// `unsafe` (`#[target_feature]`): [`select`] only sets [`FAST`] after detecting AVX2 and FMA.
macro_rules! dispatch {
    ($name:ident($($arg:expr),*)) => {{
        #[cfg(target_arch = "x86_64")]
        if fast() {
            // SAFETY: FAST is only stored after AVX2 and FMA were detected on this CPU.
            return unsafe { avx2::$name($($arg),*) };
        }
        #[cfg(target_arch = "aarch64")]
        if fast() {
            return neon::$name($($arg),*);
        }
        active::$name($($arg),*)
    }};
}

/// y += alpha x (`x` and `y` of the same length).
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    dispatch!(axpy(alpha, x, y))
}

/// `rows` [`axpy`]s of `cols` floats, row r from `x[r * x_stride..]` into `y[r * y_stride..]`,
/// in row order: bit for bit as that many [`axpy`] calls, in one call (the CNN's backward pass
/// updates a filter's 5 patch rows per window; one dispatch per window instead of per row).
#[inline]
pub fn axpy_strided(
    alpha: f32,
    x: &[f32],
    x_stride: usize,
    y: &mut [f32],
    y_stride: usize,
    rows: usize,
    cols: usize,
) {
    dispatch!(axpy_strided(alpha, x, x_stride, y, y_stride, rows, cols))
}

/// Floats that [`axpy_patches`]'s `x` must hold past the last row of every patch (beyond its
/// `cols` floats): the AVX2 and simd128 kernels read whole 8- and 4-float chunks (the extra
/// lanes never reach `y`).
pub const PATCH_SLACK: usize = 7;

/// For every term k in order, [`axpy_strided`]`(alphas[k], &x[offsets[k]..], x_stride, y,
/// y_stride, rows, cols)`: bit for bit that many calls (each element of `y` gets its terms in
/// order, one multiply-add each, as the active kernels' [`axpy`]), in one call. `x` must hold
/// [`PATCH_SLACK`] floats past every patch, and the rows of `y` must not overlap (when there
/// are several, `y_stride` at least `cols`). The CNN's weight gradients: a filter's gradient
/// (5 rows of 5 or 50) summed over a sample's routed windows, which the AVX2 and simd128
/// kernels keep in registers across the windows instead of loading and storing it window after
/// window.
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
    dispatch!(axpy_patches(
        alphas, offsets, x, x_stride, y, y_stride, rows, cols
    ))
}

/// a . b (of the same length) with [`LANES`] partial sums in a fixed order; see
/// [`portable::dot`] for the exact order of operations.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    dispatch!(dot(a, b))
}

/// The transposed-weight affine map of a forward pass: `z[j] = b[j] + dot(x, row j of w)`,
/// `w` being out x in row-major (`w.len() == x.len() * z.len()`, `b.len() == z.len()`).
#[inline]
pub fn affine_t(w: &[f32], x: &[f32], b: &[f32], z: &mut [f32]) {
    dispatch!(affine_t(w, x, b, z))
}

/// `out[s] = dot(xs[s], row)` for up to [`BLOCK`] inputs, bit for bit as [`dot`], reading
/// `row` once for all of them.
#[inline]
pub fn dots(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    dispatch!(dots(row, xs, out))
}

/// `out[s * stride + j] = dot(xs[s], row j of w)` for every row j of `w` (rows x n row-major,
/// n = the inputs' common length) and each of up to [`ROWS_BLOCK`] inputs, bit for bit as
/// [`dot`]: a matrix times a block of samples, tiled over rows and samples in registers so
/// each loaded chunk of a row or an input feeds several products.
#[inline]
pub fn dots_rows(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    debug_assert!(xs.len() <= ROWS_BLOCK);
    #[cfg(target_arch = "x86_64")]
    if fast() {
        // SAFETY: FAST is only stored after AVX2 and FMA were detected on this CPU.
        return unsafe { avx2::dots_rows(w, xs, out, stride) };
    }
    // The other implementations take one group of BLOCK inputs at a time.
    for (g, group) in xs.chunks(BLOCK).enumerate() {
        let out = &mut out[g * BLOCK * stride..];
        #[cfg(target_arch = "aarch64")]
        if fast() {
            neon::dots_rows(w, group, out, stride);
            continue;
        }
        active::dots_rows(w, group, out, stride);
    }
}

/// `y += alphas[k] xs[k]` for every k in order, bit for bit as that many [`axpy`] calls,
/// loading and storing `y` once per [`BLOCK`] terms.
#[inline]
pub fn axpy_multi(alphas: &[f32], xs: &[&[f32]], y: &mut [f32]) {
    dispatch!(axpy_multi(alphas, xs, y))
}

/// For every row j of `y` (rows x n row-major, n = the inputs' length): `row j += alphas[s *
/// stride + j] xs[s]` for s = 0, 1, ... in order (up to [`ROWS_BLOCK`] inputs), bit for bit as
/// that many [`axpy`] calls, zero coefficients included, except that the terms of a group of
/// [`BLOCK`] inputs (0..4, 4..8) whose coefficients for row j are all zero (+0 or -0) are
/// skipped: exactly as one call per group. The weight-gradient update of a block of samples,
/// tiled over rows and samples in registers.
#[inline]
pub fn axpy_rows(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    debug_assert!(xs.len() <= ROWS_BLOCK);
    #[cfg(target_arch = "x86_64")]
    if fast() {
        // SAFETY: FAST is only stored after AVX2 and FMA were detected on this CPU.
        return unsafe { avx2::axpy_rows(alphas, stride, xs, y) };
    }
    // The other implementations take one group of BLOCK inputs at a time.
    for (g, group) in xs.chunks(BLOCK).enumerate() {
        let alphas = &alphas[g * BLOCK * stride..];
        #[cfg(target_arch = "aarch64")]
        if fast() {
            neon::axpy_rows(alphas, stride, group, y);
            continue;
        }
        active::axpy_rows(alphas, stride, group, y);
    }
}

/// `out[i] = libm::expf(z[i] - shift)` (`z` and `out` of the same length), bit for bit in
/// every implementation: the exponentials of a softmax. The fast x86-64 kernels compute 8 at a
/// time with libm's own operations (see `avx2.rs`); every other build calls libm.
#[inline]
pub fn exp_sub(z: &[f32], shift: f32, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if fast() {
        // SAFETY: FAST is only stored after AVX2 and FMA were detected on this CPU.
        return unsafe { avx2::exp_sub(z, shift, out) };
    }
    portable::exp_sub(z, shift, out)
}

/// The 2x2/2 max-pool of one `side` x `side` plane followed by ReLU: per window (row-major)
/// the plane index of its first maximum into `am` and the ReLU'd maximum into `a`, bit for bit
/// [`portable::max_pool_relu`] in every build (comparisons and selects only, no rounding): the
/// CNN's pools. simd128 in the SIMD wasm build, the portable code everywhere else (natively
/// also when the fast kernels are selected).
#[inline]
pub fn max_pool_relu(plane: &[f32], side: usize, am: &mut [u16], a: &mut [f32]) {
    active::max_pool_relu(plane, side, am, a)
}

/// Zeroes `g` wherever `a <= 0` (multiplies by ReLU'(z); `a` and `g` of the same length).
#[inline]
pub fn relu_mask(a: &[f32], g: &mut [f32]) {
    dispatch!(relu_mask(a, g))
}

/// The fast native kernels called directly, whatever the process-wide choice (for the
/// tolerance tests, which compare them with [`portable`] in a process that stays portable).
/// Only constructed on a CPU that has them, which makes calling them sound.
#[derive(Clone, Copy, Debug)]
pub struct FastKernels {
    _checked: (),
}

/// Forwards one method of [`FastKernels`] to `avx2` or `neon` (to `portable` elsewhere, where
/// no `FastKernels` can exist).
macro_rules! fast_method {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        $(#[$doc])*
        pub fn $name(self, $($arg: $ty),*) $(-> $ret)? {
            let _ = self;
            #[cfg(target_arch = "x86_64")]
            // SAFETY: a FastKernels exists only after AVX2 and FMA were detected.
            return unsafe { avx2::$name($($arg),*) };
            #[cfg(target_arch = "aarch64")]
            return neon::$name($($arg),*);
            #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
            return portable::$name($($arg),*);
        }
    };
}

impl FastKernels {
    /// The fast kernels, if this CPU has them.
    pub fn new() -> Option<Self> {
        fast_available().then_some(FastKernels { _checked: () })
    }

    fast_method!(
        /// [`axpy`], fused.
        axpy(alpha: f32, x: &[f32], y: &mut [f32])
    );
    fast_method!(
        /// [`dot`], fused, in the fast kernels' order.
        dot(a: &[f32], b: &[f32]) -> f32
    );
    fast_method!(
        /// [`affine_t`], fused.
        affine_t(w: &[f32], x: &[f32], b: &[f32], z: &mut [f32])
    );
    fast_method!(
        /// [`dots`], fused.
        dots(row: &[f32], xs: &[&[f32]], out: &mut [f32])
    );
    /// [`dots_rows`], fused (up to [`ROWS_BLOCK`] inputs; on x86-64 with AVX-512F in its
    /// registers, bit for bit the AVX2 results).
    pub fn dots_rows(self, w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
        let _ = self;
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a FastKernels exists only after AVX2 and FMA were detected.
        return unsafe { avx2::dots_rows(w, xs, out, stride) };
        #[cfg(not(target_arch = "x86_64"))]
        for (g, group) in xs.chunks(BLOCK).enumerate() {
            let out = &mut out[g * BLOCK * stride..];
            #[cfg(target_arch = "aarch64")]
            neon::dots_rows(w, group, out, stride);
            #[cfg(not(target_arch = "aarch64"))]
            portable::dots_rows(w, group, out, stride);
        }
    }
    fast_method!(
        /// [`axpy_multi`], fused.
        axpy_multi(alphas: &[f32], xs: &[&[f32]], y: &mut [f32])
    );
    /// [`axpy_rows`], fused (up to [`ROWS_BLOCK`] inputs; on x86-64 with AVX-512F in its
    /// registers, bit for bit the AVX2 results).
    pub fn axpy_rows(self, alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
        let _ = self;
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a FastKernels exists only after AVX2 and FMA were detected.
        return unsafe { avx2::axpy_rows(alphas, stride, xs, y) };
        #[cfg(not(target_arch = "x86_64"))]
        for (g, group) in xs.chunks(BLOCK).enumerate() {
            let alphas = &alphas[g * BLOCK * stride..];
            #[cfg(target_arch = "aarch64")]
            neon::axpy_rows(alphas, stride, group, y);
            #[cfg(not(target_arch = "aarch64"))]
            portable::axpy_rows(alphas, stride, group, y);
        }
    }
    fast_method!(
        /// [`axpy_strided`], fused: bit for bit its rows' fused [`axpy`]s.
        #[allow(clippy::too_many_arguments)]
        axpy_strided(
            alpha: f32,
            x: &[f32],
            x_stride: usize,
            y: &mut [f32],
            y_stride: usize,
            rows: usize,
            cols: usize
        )
    );
    fast_method!(
        /// [`axpy_patches`], fused: bit for bit its terms' fused [`axpy_strided`]s.
        #[allow(clippy::too_many_arguments)]
        axpy_patches(
            alphas: &[f32],
            offsets: &[u32],
            x: &[f32],
            x_stride: usize,
            y: &mut [f32],
            y_stride: usize,
            rows: usize,
            cols: usize
        )
    );
    fast_method!(
        /// [`relu_mask`] (exact in every implementation).
        relu_mask(a: &[f32], g: &mut [f32])
    );
    /// For `count` inputs `x_s = x[s * x_stride..][..n]`: `z[s * z_stride + j] = b[j] +
    /// dot(x_s, column j of w)`, `w` in the networks' flat layout (n x outputs, row-major,
    /// `b.len()` outputs): bit for bit one fused [`affine_t`] call per input on the transposed
    /// matrix, with the lanes over the outputs. The MLP's later layers, a block of samples
    /// per call.
    #[cfg(target_arch = "x86_64")]
    #[allow(clippy::too_many_arguments)]
    pub fn affine_rows(
        self,
        w: &[f32],
        b: &[f32],
        x: &[f32],
        x_stride: usize,
        z: &mut [f32],
        z_stride: usize,
        count: usize,
    ) {
        let _ = self;
        // SAFETY: a FastKernels exists only after AVX2 and FMA were detected.
        unsafe { avx2::affine_rows(w, b, x, x_stride, z, z_stride, count) }
    }

    /// For every row j of `y` (rows x n, n = the inputs' length):
    /// `row j += alphas[s * stride + j] xs[s]` for every input s in order, a term skipped
    /// where its coefficient is zero:
    /// bit for bit one fused [`axpy_rows`] call per input, in order (any number of inputs).
    /// The MLP's later weight gradients, a block of samples per call.
    #[cfg(target_arch = "x86_64")]
    pub fn axpy_rows_each(self, alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
        let _ = self;
        // SAFETY: a FastKernels exists only after AVX2 and FMA were detected.
        unsafe { avx2::axpy_rows_each(alphas, stride, xs, y) }
    }

    /// For `count` outputs `y_s = y[s * y_stride..][..n]`: `y_s = sum over the rows j of `w`
    /// (rows x n) of alphas[s * a_stride + j] row j`, in row order from +0, then with
    /// `relu_of` zeroed where `relu_of[s * y_stride..][..n]` is <= 0: bit for bit
    /// `y_s.fill(0.0)`, one fused [`axpy_multi`] over the rows and [`relu_mask`]. The MLP's
    /// back-propagated deltas (masked by ReLU' of the activations), a block of samples per
    /// call.
    #[cfg(target_arch = "x86_64")]
    #[allow(clippy::too_many_arguments)]
    pub fn combine_rows(
        self,
        alphas: &[f32],
        a_stride: usize,
        w: &[f32],
        n: usize,
        y: &mut [f32],
        y_stride: usize,
        count: usize,
        relu_of: Option<&[f32]>,
    ) {
        let _ = self;
        // SAFETY: a FastKernels exists only after AVX2 and FMA were detected.
        unsafe { avx2::combine_rows(alphas, a_stride, w, n, y, y_stride, count, relu_of) }
    }

    /// [`exp_sub`] (libm's expf bit for bit in every implementation).
    pub fn exp_sub(self, z: &[f32], shift: f32, out: &mut [f32]) {
        let _ = self;
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a FastKernels exists only after AVX2 and FMA were detected.
        return unsafe { avx2::exp_sub(z, shift, out) };
        #[cfg(not(target_arch = "x86_64"))]
        portable::exp_sub(z, shift, out)
    }

    fast_method!(
        /// [`conv2d`], fused.
        #[allow(clippy::too_many_arguments)]
        conv2d(
            src: &[f32],
            row_stride: usize,
            taps: &[u32],
            w: &[f32],
            bias: &[f32],
            out_h: usize,
            out_w: usize,
            out: &mut [f32]
        )
    );
}

/// Direct 2-D convolution (cross-correlation) of one image, every output channel, with taps
/// given as source offsets; see [`portable::conv2d`] for the exact definition and order.
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
    dispatch!(conv2d(src, row_stride, taps, w, bias, out_h, out_w, out))
}

/// Comparisons of the active kernels against [`portable`], bit for bit, shared by the unit
/// tests and the browser tests (`tests/kernels.rs`). Each panics on the first mismatch.
#[doc(hidden)]
pub mod check {
    use super::portable;
    use crate::rng::Rng;

    /// The lengths checked: 0..70 (every tail and chunk count up to 8 chunks), 784, 1000.
    pub fn lengths() -> impl Iterator<Item = usize> {
        (0..70).chain([784, 1000])
    }

    /// `n` normals from stream `(seed, [tag, n])`, with a sprinkle of exact zeros, negative
    /// zeros and huge/tiny magnitudes so rounding and signed zeros are exercised.
    pub fn vector(seed: u64, tag: u64, n: usize) -> Vec<f32> {
        let mut rng = Rng::for_stream(seed, &[tag, n as u64]);
        (0..n)
            .map(|i| {
                let x = rng.normal() as f32;
                match i % 13 {
                    5 => 0.0,
                    7 => -0.0,
                    11 => x * 1e6,
                    12 => x * 1e-6,
                    _ => x,
                }
            })
            .collect()
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    pub fn dot(seed: u64) {
        for n in lengths() {
            let (a, b) = (vector(seed, 1, n), vector(seed, 2, n));
            let (got, want) = (super::dot(&a, &b), portable::dot(&a, &b));
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "dot, n = {n}: {got} vs {want}"
            );
        }
    }

    pub fn axpy(seed: u64) {
        for n in lengths() {
            let x = vector(seed, 3, n);
            let y0 = vector(seed, 4, n);
            let alpha = vector(seed, 5, 1)[0];
            let (mut got, mut want) = (y0.clone(), y0);
            super::axpy(alpha, &x, &mut got);
            portable::axpy(alpha, &x, &mut want);
            assert_eq!(bits(&got), bits(&want), "axpy, n = {n}");
        }
    }

    /// [`super::axpy_strided`] against as many [`super::axpy`] calls (whichever kernels are
    /// active: it must be those calls, bit for bit) and against [`portable::axpy`] when the
    /// exact kernels are active; the CNN's shapes (5 rows of 5 at strides 28 / 5, of 50 at
    /// 120 / 50), and every column count up to 20 at strides 0 (rows overwrite each other in
    /// order), cols and cols + 3.
    pub fn axpy_strided(seed: u64) {
        let mut shapes = vec![(5, 5, 28, 5), (5, 50, 120, 50), (0, 7, 9, 9), (3, 0, 4, 4)];
        for cols in 1..=20 {
            for (xs, ys) in [(cols, cols), (cols + 3, cols), (cols, 0), (0, cols + 3)] {
                shapes.push((3, cols, xs, ys));
            }
        }
        for (t, &(rows, cols, xs, ys)) in shapes.iter().enumerate() {
            let x = vector(seed, 30 + t as u64, rows.max(1) * xs.max(cols) + cols);
            let y0 = vector(seed, 300 + t as u64, rows.max(1) * ys.max(cols) + cols);
            let alpha = vector(seed, 31, t + 1)[t];
            let mut got = y0.clone();
            super::axpy_strided(alpha, &x, xs, &mut got, ys, rows, cols);
            let mut calls = y0.clone();
            for r in 0..rows {
                super::axpy(alpha, &x[r * xs..][..cols], &mut calls[r * ys..][..cols]);
            }
            let shape = format!("{rows} x {cols}, strides {xs} / {ys}");
            assert_eq!(
                bits(&got),
                bits(&calls),
                "axpy_strided vs axpy calls, {shape}"
            );
            if super::implementation() != "avx2+fma" && super::implementation() != "neon" {
                let mut want = y0;
                for r in 0..rows {
                    portable::axpy(alpha, &x[r * xs..][..cols], &mut want[r * ys..][..cols]);
                }
                assert_eq!(bits(&got), bits(&want), "axpy_strided vs portable, {shape}");
            }
        }
    }

    /// The shapes [`axpy_patches`] is checked on: (rows, cols, x stride, y stride, terms), the
    /// CNN's two filters (5 x 5 over a 28-wide image, 5 x 50 over 120-float rows) and every
    /// column count up to 20 (one or several 8-float chunks, with tails), 0..=9 terms.
    pub fn patch_shapes() -> Vec<(usize, usize, usize, usize, usize)> {
        let mut shapes = vec![(5, 5, 28, 5, 144), (5, 50, 120, 50, 32), (0, 4, 4, 4, 3)];
        for cols in 1..=20 {
            shapes.push((3, cols, cols + 2, cols, cols % 10));
            shapes.push((2, cols, 1, cols + 1, 9 - cols % 10));
        }
        shapes
    }

    /// The inputs of an [`axpy_patches`] check of `shape` (see [`patch_shapes`]): the
    /// coefficients (with zeros), the patch offsets (repeated and overlapping ones too), `x`
    /// (exactly long enough) and `y`.
    #[allow(clippy::type_complexity)]
    pub fn patch_inputs(
        seed: u64,
        t: u64,
        (rows, cols, xs, ys, terms): (usize, usize, usize, usize, usize),
    ) -> (Vec<f32>, Vec<u32>, Vec<f32>, Vec<f32>) {
        let alphas = vector(seed, 400 + t, terms);
        let mut rng = Rng::for_stream(seed, &[401, t]);
        let offsets: Vec<u32> = (0..terms).map(|_| rng.index(40) as u32).collect();
        let last = offsets.iter().copied().max().unwrap_or(0) as usize;
        let x_len = last + rows.saturating_sub(1) * xs + cols + super::PATCH_SLACK;
        let x = vector(seed, 402 + t, x_len);
        let y = vector(seed, 403 + t, rows.saturating_sub(1) * ys + cols + 3);
        (alphas, offsets, x, y)
    }

    /// [`super::axpy_patches`] against as many [`super::axpy_strided`] calls (whichever kernels
    /// are active: it must be those calls, bit for bit) and against [`portable::axpy`] row by
    /// row when the exact kernels are active.
    pub fn axpy_patches(seed: u64) {
        for (t, shape) in patch_shapes().into_iter().enumerate() {
            let (rows, cols, xs, ys, _) = shape;
            let (alphas, offsets, x, y0) = patch_inputs(seed, t as u64, shape);
            let mut got = y0.clone();
            super::axpy_patches(&alphas, &offsets, &x, xs, &mut got, ys, rows, cols);
            let mut calls = y0.clone();
            for (&a, &o) in alphas.iter().zip(&offsets) {
                super::axpy_strided(a, &x[o as usize..], xs, &mut calls, ys, rows, cols);
            }
            let what = format!("axpy_patches, shape {shape:?}");
            assert_eq!(bits(&got), bits(&calls), "{what} vs axpy_strided calls");
            if super::implementation() != "avx2+fma" && super::implementation() != "neon" {
                let mut want = y0;
                for (&a, &o) in alphas.iter().zip(&offsets) {
                    for r in 0..rows {
                        let xr = &x[o as usize + r * xs..][..cols];
                        portable::axpy(a, xr, &mut want[r * ys..][..cols]);
                    }
                }
                assert_eq!(bits(&got), bits(&want), "{what} vs portable");
            }
        }
    }

    /// [`super::axpy_patches`] against [`portable::axpy_patches`] and against one
    /// [`portable::axpy`] per term and row, on 200 random shapes: 1..=6 rows of 1..=60 columns
    /// (every tail of a 4- or 8-float chunk; every fourth 5 x 5 with no gap in `y`, conv1's
    /// filter), x strides from 1 (overlapping patch rows) up,
    /// y strides from `cols` (no gap) up with the gaps checked untouched, `y` at an odd offset
    /// in its buffer, 0..=40 terms whose offsets repeat (ties: the same patch several times)
    /// and whose coefficients include +0, -0 and repeats.
    pub fn axpy_patches_random(seed: u64) {
        let mut rng = Rng::for_stream(seed, &[410]);
        for t in 0..200u64 {
            let rows = 1 + rng.index(6);
            let cols = 1 + rng.index(60);
            let xs = 1 + rng.index(cols + 40);
            // Every fourth shape a 5 x 5 filter into 25 contiguous floats (the 5 x 5 path).
            let (rows, cols) = if t % 4 == 0 { (5, 5) } else { (rows, cols) };
            let ys = if t % 4 == 0 { 5 } else { cols + rng.index(6) };
            let terms = rng.index(41);
            let mut alphas = vector(seed, 411 + t, terms);
            let mut offsets: Vec<u32> = (0..terms).map(|_| rng.index(90) as u32).collect();
            for k in 1..terms {
                match rng.index(6) {
                    0 => offsets[k] = offsets[k - 1],
                    1 => alphas[k] = alphas[k - 1],
                    2 => alphas[k] = if k % 2 == 0 { 0.0 } else { -0.0 },
                    _ => {}
                }
            }
            let last = offsets.iter().copied().max().unwrap_or(0) as usize;
            let x = vector(
                seed,
                412 + t,
                last + (rows - 1) * xs + cols + super::PATCH_SLACK,
            );
            let start = 1 + rng.index(3);
            let buf = vector(seed, 413 + t, start + (rows - 1) * ys + cols + 5);
            let (mut got, mut want, mut calls) = (buf.clone(), buf.clone(), buf);
            super::axpy_patches(&alphas, &offsets, &x, xs, &mut got[start..], ys, rows, cols);
            portable::axpy_patches(
                &alphas,
                &offsets,
                &x,
                xs,
                &mut want[start..],
                ys,
                rows,
                cols,
            );
            for (&a, &o) in alphas.iter().zip(&offsets) {
                for r in 0..rows {
                    let xr = &x[o as usize + r * xs..][..cols];
                    portable::axpy(a, xr, &mut calls[start + r * ys..][..cols]);
                }
            }
            let what = format!("axpy_patches, {rows} x {cols}, strides {xs} / {ys}, {terms} terms");
            assert_eq!(bits(&want), bits(&calls), "{what}: portable vs axpy calls");
            assert_eq!(bits(&got), bits(&want), "{what}: active vs portable");
        }
    }

    /// [`super::max_pool_relu`] against [`portable::max_pool_relu`] (indices and bits), on
    /// every side 0..=26 (odd ones leave a last row and column out) and the CNN's 24 and 8:
    /// planes of normals, and planes of few distinct values (ties everywhere: equal maxima,
    /// +0 and -0, negatives only, NaN), with the outputs past the windows checked untouched.
    pub fn max_pool_relu(seed: u64) {
        let levels = [-1.0f32, -0.0, 0.0, 0.5, 2.0, f32::NAN];
        let mut rng = Rng::for_stream(seed, &[420]);
        for side in (0..=26).chain([24, 8, 24, 8]) {
            for kind in 0..3 {
                let plane: Vec<f32> = match kind {
                    0 => vector(seed, 421 + side as u64, side * side),
                    1 => (0..side * side).map(|_| levels[rng.index(5)]).collect(),
                    _ => (0..side * side).map(|_| levels[rng.index(6)]).collect(),
                };
                let q = (side / 2) * (side / 2);
                let (mut am, mut a) = (vec![7u16; q + 3], vec![7.0f32; q + 3]);
                let (mut am_want, mut a_want) = (am.clone(), a.clone());
                super::max_pool_relu(&plane, side, &mut am, &mut a);
                portable::max_pool_relu(&plane, side, &mut am_want, &mut a_want);
                let what = format!("max_pool_relu, side {side}, planes of kind {kind}");
                assert_eq!(am, am_want, "{what}: indices");
                assert_eq!(bits(&a), bits(&a_want), "{what}: values");
            }
        }
    }

    pub fn affine_t(seed: u64) {
        for n_in in lengths() {
            for n_out in [1, 3, 10, 14] {
                let w = vector(seed, 6, n_in * n_out);
                let x = vector(seed, 7, n_in);
                let b = vector(seed, 8, n_out);
                let (mut got, mut want) = (vec![0.0; n_out], vec![0.0; n_out]);
                super::affine_t(&w, &x, &b, &mut got);
                portable::affine_t(&w, &x, &b, &mut want);
                assert_eq!(bits(&got), bits(&want), "affine_t, {n_in} -> {n_out}");
            }
        }
    }

    pub fn relu_mask(seed: u64) {
        for n in lengths() {
            let mut a = vector(seed, 9, n);
            if n > 3 {
                a[3] = f32::NAN;
            }
            let g0 = vector(seed, 10, n);
            let (mut got, mut want) = (g0.clone(), g0);
            super::relu_mask(&a, &mut got);
            portable::relu_mask(&a, &mut want);
            assert_eq!(bits(&got), bits(&want), "relu_mask, n = {n}");
        }
    }

    /// [`super::dots`] against [`portable::dot`] per input, for 0..=BLOCK inputs.
    pub fn dots(seed: u64) {
        for n in lengths() {
            let row = vector(seed, 11, n);
            let xs: Vec<Vec<f32>> = (0..super::BLOCK as u64)
                .map(|s| vector(seed, 12 + s, n))
                .collect();
            for count in 0..=super::BLOCK {
                let refs: Vec<&[f32]> = xs[..count].iter().map(|x| x.as_slice()).collect();
                let mut got = vec![0.0f32; count];
                super::dots(&row, &refs, &mut got);
                let want: Vec<f32> = refs.iter().map(|x| portable::dot(x, &row)).collect();
                assert_eq!(bits(&got), bits(&want), "dots, n = {n}, {count} inputs");
            }
        }
    }

    /// [`super::axpy_multi`] against a sequence of [`portable::axpy`] calls, 1..=9 terms.
    pub fn axpy_multi(seed: u64) {
        for n in lengths() {
            let y0 = vector(seed, 20, n);
            let xs: Vec<Vec<f32>> = (0..9u64).map(|k| vector(seed, 21 + k, n)).collect();
            let alphas = vector(seed, 30, 9);
            for count in 1..=9 {
                let refs: Vec<&[f32]> = xs[..count].iter().map(|x| x.as_slice()).collect();
                let (mut got, mut want) = (y0.clone(), y0.clone());
                super::axpy_multi(&alphas[..count], &refs, &mut got);
                for k in 0..count {
                    portable::axpy(alphas[k], refs[k], &mut want);
                }
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "axpy_multi, n = {n}, {count} terms"
                );
            }
        }
    }

    /// [`super::dots_rows`] against [`portable::dot`] per (row, input): 1..=5 rows, 0..=BLOCK
    /// inputs, outputs at a stride with untouched gaps.
    pub fn dots_rows(seed: u64) {
        for n in lengths().filter(|&n| n > 0) {
            let xs: Vec<Vec<f32>> = (0..super::BLOCK as u64)
                .map(|s| vector(seed, 40 + s, n))
                .collect();
            for rows in 1..=5 {
                let w = vector(seed, 45, rows * n);
                for count in 0..=super::BLOCK {
                    let refs: Vec<&[f32]> = xs[..count].iter().map(|x| x.as_slice()).collect();
                    let stride = rows + 3;
                    let mut got = vec![7.0f32; super::BLOCK * stride];
                    super::dots_rows(&w, &refs, &mut got, stride);
                    let mut want = vec![7.0f32; super::BLOCK * stride];
                    for (s, x) in refs.iter().enumerate() {
                        for (j, row) in w.chunks_exact(n).enumerate() {
                            want[s * stride + j] = portable::dot(x, row);
                        }
                    }
                    assert_eq!(
                        bits(&got),
                        bits(&want),
                        "dots_rows, n = {n}, {rows} rows, {count} inputs"
                    );
                }
            }
        }
    }

    /// The coefficients of [`axpy_rows`] checks: normals with whole rows of +0 and -0 and
    /// single zeros, at a stride with junk in the gaps.
    pub fn row_alphas(seed: u64, rows: usize, stride: usize) -> Vec<f32> {
        let mut a = vector(seed, 50, super::BLOCK * stride);
        for s in 0..super::BLOCK {
            for j in 0..rows {
                let v = &mut a[s * stride + j];
                match j % 4 {
                    1 => *v = if s % 2 == 0 { 0.0 } else { -0.0 },
                    3 if s == 1 => *v = 0.0,
                    _ => {}
                }
            }
        }
        a
    }

    /// [`super::axpy_rows`] against [`portable::axpy`] per term in order (all-zero rows
    /// untouched, zero coefficients of live rows added): 1..=5 rows, 1..=BLOCK inputs, with
    /// signed zeros in `y`.
    pub fn axpy_rows(seed: u64) {
        for n in lengths().filter(|&n| n > 0) {
            let xs: Vec<Vec<f32>> = (0..super::BLOCK as u64)
                .map(|s| vector(seed, 51 + s, n))
                .collect();
            for rows in 1..=5 {
                let y0 = vector(seed, 56, rows * n);
                let stride = rows + 2;
                let alphas = row_alphas(seed, rows, stride);
                for count in 1..=super::BLOCK {
                    let refs: Vec<&[f32]> = xs[..count].iter().map(|x| x.as_slice()).collect();
                    let (mut got, mut want) = (y0.clone(), y0.clone());
                    super::axpy_rows(&alphas, stride, &refs, &mut got);
                    for (j, row) in want.chunks_exact_mut(n).enumerate() {
                        let a: Vec<f32> = (0..count).map(|s| alphas[s * stride + j]).collect();
                        if a.iter().all(|&v| v == 0.0) {
                            continue;
                        }
                        for (s, x) in refs.iter().enumerate() {
                            portable::axpy(a[s], x, row);
                        }
                    }
                    assert_eq!(
                        bits(&got),
                        bits(&want),
                        "axpy_rows, n = {n}, {rows} rows, {count} inputs"
                    );
                }
            }
        }
    }

    /// [`super::conv2d`] against [`portable::conv2d`] on the CNN's two shapes (28x28x1 and
    /// 12x12x10 inputs, 5x5 VALID, 10 channels) and on odd ones (every channel-block and
    /// column-tail size, 1 and 7 channels, widths 1..=13).
    pub fn conv2d(seed: u64) {
        // (in_h, in_w, in_c, kernel, channels)
        let mut shapes = vec![(28, 28, 1, 5, 10), (12, 12, 10, 5, 10)];
        for out_w in 1..=13 {
            shapes.push((4, out_w + 2, 2, 3, 1 + out_w % 7));
        }
        for (t, &(h, w_in, ci, k, n)) in shapes.iter().enumerate() {
            let (out_h, out_w) = (h - k + 1, w_in - k + 1);
            let src = vector(seed, 40 + t as u64, ci * h * w_in);
            let taps: Vec<u32> = (0..k)
                .flat_map(|dy| (0..k).flat_map(move |dx| (0..ci).map(move |c| (dy, dx, c))))
                .map(|(dy, dx, c)| (c * h * w_in + dy * w_in + dx) as u32)
                .collect();
            let w = vector(seed, 60 + t as u64, taps.len() * n);
            let bias = vector(seed, 80 + t as u64, n);
            let (mut got, mut want) = (vec![0.0; n * out_h * out_w], vec![0.0; n * out_h * out_w]);
            super::conv2d(&src, w_in, &taps, &w, &bias, out_h, out_w, &mut got);
            portable::conv2d(&src, w_in, &taps, &w, &bias, out_h, out_w, &mut want);
            assert_eq!(bits(&got), bits(&want), "conv2d, shape {t}");
        }
    }

    /// All of the above for a few seeds.
    pub fn all() {
        for seed in [1, 2, 3, 20190609] {
            dot(seed);
            axpy(seed);
            affine_t(seed);
            relu_mask(seed);
            dots(seed);
            axpy_multi(seed);
            dots_rows(seed);
            axpy_rows(seed);
            conv2d(seed);
            axpy_strided(seed);
            axpy_patches(seed);
            axpy_patches_random(seed);
            max_pool_relu(seed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_kernels_match_the_portable_ones_bit_for_bit() {
        check::all();
    }

    #[test]
    fn dot_follows_the_documented_order() {
        // An independent spelling of the order in portable::dot's docs.
        for n in check::lengths() {
            let (a, b) = (check::vector(9, 1, n), check::vector(9, 2, n));
            let mut s = [0.0f32; LANES];
            let body = n - n % LANES;
            for i in 0..body {
                s[i % LANES] += a[i] * b[i];
            }
            let mut tail = 0.0f32;
            for i in body..n {
                tail += a[i] * b[i];
            }
            let want = (((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))) + tail;
            assert_eq!(dot(&a, &b).to_bits(), want.to_bits(), "n = {n}");
        }
    }

    #[test]
    fn conv2d_is_the_documented_cross_correlation() {
        // An independent spelling of portable::conv2d's definition on a 6x7x2 input, 3x3
        // filter, 3 channels (HWIO weights), compared bit for bit.
        let (h, w_in, ci, k, n) = (6usize, 7usize, 2usize, 3usize, 3usize);
        let (out_h, out_w) = (h - k + 1, w_in - k + 1);
        let src = check::vector(4, 1, ci * h * w_in);
        let w = check::vector(4, 2, k * k * ci * n);
        let bias = check::vector(4, 3, n);
        let mut taps = Vec::new();
        for dy in 0..k {
            for dx in 0..k {
                for c in 0..ci {
                    taps.push((c * h * w_in + dy * w_in + dx) as u32);
                }
            }
        }
        let mut got = vec![0.0; n * out_h * out_w];
        conv2d(&src, w_in, &taps, &w, &bias, out_h, out_w, &mut got);
        for o in 0..n {
            for y in 0..out_h {
                for x in 0..out_w {
                    let mut s = 0.0f32;
                    for dy in 0..k {
                        for dx in 0..k {
                            for c in 0..ci {
                                let wk = w[((dy * k + dx) * ci + c) * n + o];
                                s += wk * src[c * h * w_in + (y + dy) * w_in + x + dx];
                            }
                        }
                    }
                    let want = s + bias[o];
                    assert_eq!(got[(o * out_h + y) * out_w + x].to_bits(), want.to_bits());
                }
            }
        }
    }

    #[test]
    fn axpy_and_relu_mask_do_what_they_say() {
        let x = [1.0f32, 2.0, 3.0, 4.0, 5.0];
        let mut y = [10.0f32, 20.0, 30.0, 40.0, 50.0];
        axpy(2.0, &x, &mut y);
        assert_eq!(y, [12.0, 24.0, 36.0, 48.0, 60.0]);
        let a = [1.0f32, 0.0, -1.0, 2.0, -0.5];
        relu_mask(&a, &mut y);
        assert_eq!(y, [12.0, 0.0, 0.0, 48.0, 0.0]);
        let mut z = [0.0f32; 2];
        affine_t(&[1.0, 2.0, 3.0, 4.0], &[1.0, 1.0], &[0.5, -0.5], &mut z);
        assert_eq!(z, [3.5, 6.5]);
    }
}
