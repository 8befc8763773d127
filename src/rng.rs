//! Seeded, portable random numbers.
//!
//! Every trajectory must reproduce bit for bit from its seed on every platform (native and
//! wasm, any browser). So the generator is a named algorithm implemented here
//! (xoshiro256++, seeded through SplitMix64), and the normal sampler uses only IEEE-exact
//! operations plus `libm::log`, a pure-Rust logarithm that gives the same bits everywhere
//! (the platform `f64::ln` may differ in the last bit between libc and wasm).

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator used here only to expand seeds.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started at `state`.
    pub fn new(state: u64) -> Self {
        Self { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// xoshiro256++ (Blackman and Vigna 2019) with a cached spare normal deviate.
///
/// One generator is one independent stream; [`Rng::for_stream`] derives a stream from a seed
/// and a path of tags, so that e.g. the stream of (seed, method, run) does not depend on which
/// other methods or runs exist.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator with the raw xoshiro state `s` (must not be all zero).
    pub fn from_state(s: [u64; 4]) -> Self {
        debug_assert!(s != [0; 4], "xoshiro state must not be all zero");
        Self {
            s,
            spare_normal: None,
        }
    }

    /// The stream named by `seed` and the tags in `path` (e.g. `[METHOD_TAG, run]`).
    pub fn for_stream(seed: u64, path: &[u64]) -> Self {
        let mut key = SplitMix64::new(seed).next_u64();
        for &tag in path {
            key = SplitMix64::new(key ^ tag.wrapping_mul(0xD605_BBB5_8C8A_BBD5)).next_u64();
        }
        let mut expand = SplitMix64::new(key);
        let mut s = [0u64; 4];
        for word in &mut s {
            *word = expand.next_u64();
        }
        if s == [0; 4] {
            s[0] = 1; // unreachable in practice; xoshiro's one forbidden state
        }
        Self::from_state(s)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// The complete state (xoshiro words and the cached spare normal), so that a checkpointed
    /// run resumes exactly where it stopped ([`Rng::from_full_state`]).
    pub fn full_state(&self) -> ([u64; 4], Option<f64>) {
        (self.s, self.spare_normal)
    }

    /// The generator of a [`Rng::full_state`] (the words must not be all zero).
    pub fn from_full_state(s: [u64; 4], spare_normal: Option<f64>) -> Self {
        Self {
            spare_normal,
            ..Self::from_state(s)
        }
    }

    /// A uniform deviate in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform index in 0..n (n > 0), without modulo bias (Lemire's method).
    pub fn index(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        let n = n as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = (self.next_u64() as u128) * (n as u128);
            if (product as u64) >= threshold {
                return (product >> 64) as usize;
            }
        }
    }

    /// A standard normal deviate (Marsaglia's polar method; pairs, the second one cached).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * libm::log(s) / s).sqrt();
                self.spare_normal = Some(v * factor);
                return u * factor;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_reference_outputs() {
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(g.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn xoshiro_matches_reference_outputs() {
        // Reference values of the C implementation for the state [1, 2, 3, 4].
        let mut g = Rng::from_state([1, 2, 3, 4]);
        let expected: [u64; 6] = [
            41943041,
            58720359,
            3588806011781223,
            3591011842654386,
            9228616714210784205,
            9973669472204895162,
        ];
        for e in expected {
            assert_eq!(g.next_u64(), e);
        }
    }

    #[test]
    fn streams_differ_by_every_tag() {
        let a = Rng::for_stream(7, &[1, 2]).next_u64();
        assert_ne!(a, Rng::for_stream(8, &[1, 2]).next_u64());
        assert_ne!(a, Rng::for_stream(7, &[2, 2]).next_u64());
        assert_ne!(a, Rng::for_stream(7, &[1, 3]).next_u64());
        assert_ne!(a, Rng::for_stream(7, &[2, 1]).next_u64());
        assert_eq!(a, Rng::for_stream(7, &[1, 2]).next_u64());
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut g = Rng::for_stream(1, &[]);
        let n = 200_000;
        let (mut m1, mut m2, mut m4) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let z = g.normal();
            m1 += z;
            m2 += z * z;
            m4 += z * z * z * z;
        }
        let nf = n as f64;
        // 5 standard errors: sd(z) = 1, sd(z^2) = sqrt(2), sd(z^4) = sqrt(96).
        assert!((m1 / nf).abs() < 5.0 / nf.sqrt());
        assert!((m2 / nf - 1.0).abs() < 5.0 * 2f64.sqrt() / nf.sqrt());
        assert!((m4 / nf - 3.0).abs() < 5.0 * 96f64.sqrt() / nf.sqrt());
    }

    #[test]
    fn index_is_uniform_and_in_range() {
        let mut g = Rng::for_stream(3, &[]);
        let mut counts = [0usize; 7];
        let n = 70_000;
        for _ in 0..n {
            counts[g.index(7)] += 1;
        }
        let expected = n as f64 / 7.0;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 22.5, "chi2 = {chi2} (6 dof, p = 0.001)"); // 6 degrees of freedom
    }
}
