//! The machine's limit: peak f32 multiply-add throughput of this build on this CPU.
//!
//! [`CHAINS`] independent chains `a <- a * m + c`, each four f32 lanes wide, kept in
//! registers: enough independent work to hide the latency of the multiply and the add, so
//! the loop runs at the CPU's vector multiply/add issue rate. Separate multiply and add (no
//! fused multiply-add), as in every kernel of the crate, so the peak is the one the kernels
//! could reach. The SIMD wasm build uses explicit f32x4 code; other builds the portable loop
//! (which the compiler vectorises for the target: SSE2 by default, AVX with target-cpu=native).

/// Independent 4-lane chains. simd128: 12 f32x4 accumulators leave registers for the constants
/// on x86-64's 16 vector registers, which V8 maps wasm's v128 values onto. Portable: 24, as 96
/// floats in one flat loop, which LLVM turns into 24 SSE or 12 AVX (6 AVX-512) registers; with
/// 48 floats it measured 3.5 instead of 26 GFLOP/s here (the loop was not kept in registers).
pub const CHAINS: usize = if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
    12
} else {
    24
};

/// Floating-point operations of [`mul_add_chains`] per iteration: CHAINS x 4 lanes x (mul + add).
pub const FLOPS_PER_ITERATION: f64 = (CHAINS * 4 * 2) as f64;

/// Runs `iterations` steps of every chain and returns the sum of all lanes (a checksum that
/// keeps the compiler from dropping the work). The chains converge to 1, so no value ever
/// becomes subnormal or overflows, whatever `iterations` is.
pub fn mul_add_chains(iterations: u64) -> f32 {
    imp::mul_add_chains(iterations)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use super::CHAINS;
    use core::arch::wasm32::*;

    pub fn mul_add_chains(iterations: u64) -> f32 {
        // black_box: runtime values, so the engine keeps them in registers instead of
        // rematerialising two v128 constants for every multiply-add.
        let m = f32x4_splat(core::hint::black_box(0.999));
        let c = f32x4_splat(core::hint::black_box(0.001));
        let mut acc = [f32x4_splat(0.0); CHAINS];
        for (k, a) in acc.iter_mut().enumerate() {
            *a = f32x4_splat(k as f32 * 0.01);
        }
        for _ in 0..iterations {
            for a in acc.iter_mut() {
                *a = f32x4_add(f32x4_mul(*a, m), c);
            }
        }
        let mut s = f32x4_splat(0.0);
        for a in acc {
            s = f32x4_add(s, a);
        }
        f32x4_extract_lane::<0>(s)
            + f32x4_extract_lane::<1>(s)
            + f32x4_extract_lane::<2>(s)
            + f32x4_extract_lane::<3>(s)
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    use super::CHAINS;

    pub fn mul_add_chains(iterations: u64) -> f32 {
        let mut acc = [0.0f32; CHAINS * 4];
        for (k, a) in acc.iter_mut().enumerate() {
            *a = (k / 4) as f32 * 0.01;
        }
        // black_box on the constants: without it LLVM may fold the recurrence's structure.
        let m = std::hint::black_box(0.999f32);
        let c = std::hint::black_box(0.001f32);
        for _ in 0..iterations {
            for x in acc.iter_mut() {
                *x = *x * m + c;
            }
        }
        acc.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_converge_to_one() {
        let s = mul_add_chains(100_000);
        let want = (CHAINS * 4) as f32;
        assert!((s - want).abs() < 1e-3 * want, "{s}");
        assert!(mul_add_chains(0) < want);
    }
}
