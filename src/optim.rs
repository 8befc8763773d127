//! Optimisers on flat f64 parameter vectors: Adam, as the one-hidden-layer study trains with
//! it (docs/protocols.md 3.2).

/// Adam (Kingma and Ba 2015) with PyTorch's `torch.optim.Adam` semantics (no weight decay,
/// no AMSGrad). Per step t = 1, 2, ... and per coordinate:
///
/// ```text
/// m <- m + (1 - beta1) (g - m)                  (PyTorch's lerp form of beta1 m + (1 - beta1) g)
/// v <- beta2 v + (1 - beta2) g^2
/// theta <- theta - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// ```
///
/// Note eps is added after the bias correction of sqrt(v), as in PyTorch. `lr` is a public
/// field so a schedule can change it between steps. beta^t uses `libm::pow`, so steps are
/// bit-identical on every platform.
#[derive(Clone, Debug)]
pub struct Adam {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the first-moment estimate (PyTorch default 0.9).
    pub beta1: f64,
    /// Decay of the second-moment estimate (PyTorch default 0.999).
    pub beta2: f64,
    /// Added to the denominator for stability (PyTorch default 1e-8).
    pub eps: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: u64,
}

impl Adam {
    /// Adam for `dim` parameters with learning rate `lr` and PyTorch's defaults otherwise
    /// (beta1 0.9, beta2 0.999, eps 1e-8); moments start at zero.
    pub fn new(dim: usize, lr: f64) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
            t: 0,
        }
    }

    /// The number of steps taken so far.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Forgets the moments and the step count (as a freshly constructed optimiser).
    pub fn reset(&mut self) {
        self.m.fill(0.0);
        self.v.fill(0.0);
        self.t = 0;
    }

    /// One step: updates `theta` in place from the gradient `grad` at it.
    pub fn step(&mut self, theta: &mut [f64], grad: &[f64]) {
        assert_eq!(theta.len(), self.m.len(), "theta has the wrong length");
        assert_eq!(grad.len(), self.m.len(), "grad has the wrong length");
        self.t += 1;
        let t = self.t as f64;
        let bias1 = 1.0 - libm::pow(self.beta1, t);
        let bias2_sqrt = (1.0 - libm::pow(self.beta2, t)).sqrt();
        let step_size = self.lr / bias1;
        let (a1, a2) = (1.0 - self.beta1, 1.0 - self.beta2);
        for (((p, &g), m), v) in theta.iter_mut().zip(grad).zip(&mut self.m).zip(&mut self.v) {
            *m += a1 * (g - *m);
            *v = *v * self.beta2 + a2 * g * g;
            let denom = v.sqrt() / bias2_sqrt + self.eps;
            *p -= step_size * (*m / denom);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_steps_match_hand_computed_values() {
        let mut adam = Adam::new(3, 0.1);
        let mut theta = vec![1.0, -2.0, 0.5];
        // Step 1: m = 0.1 g, v = 0.001 g^2, so m_hat = g, v_hat = g^2 and every coordinate
        // with g != 0 moves by lr g / (|g| + eps), i.e. lr sign(g) up to eps; g = 0 stays.
        adam.step(&mut theta, &[2.0, -0.5, 0.0]);
        let step1 = [
            1.0 - 0.1 * 2.0 / (2.0 + 1e-8),
            -2.0 + 0.1 * 0.5 / (0.5 + 1e-8),
            0.5,
        ];
        for (a, b) in theta.iter().zip(step1) {
            assert!((a - b).abs() < 1e-15, "{a} vs {b}");
        }
        // Step 2 with g = (-1, -0.5, 4): coordinate 0 by hand,
        // m = 0.9 * 0.2 + 0.1 * (-1) = 0.08, v = 0.999 * 0.004 + 0.001 * 1 = 0.004996,
        // bias1 = 1 - 0.81 = 0.19, bias2 = 1 - 0.998001 = 0.001999,
        // step = 0.1 / 0.19 * 0.08 / (sqrt(0.004996 / 0.001999) + 1e-8) = 0.0266337...
        adam.step(&mut theta, &[-1.0, -0.5, 4.0]);
        let d0: f64 = 0.1 / 0.19 * 0.08 / ((0.004996f64).sqrt() / (0.001999f64).sqrt() + 1e-8);
        assert!((d0 - 0.026_633_7).abs() < 1e-7);
        assert!((theta[0] - (step1[0] - d0)).abs() < 1e-12, "{}", theta[0]);
        // Coordinate 1 saw the same gradient twice: m_hat = g, v_hat = g^2, so again lr sign g.
        assert!((theta[1] - (step1[1] + 0.1 * 0.5 / (0.5 + 1e-8))).abs() < 1e-12);
        // Coordinate 2: m = 0.4, v = 0.016, step = 0.1 / 0.19 * 0.4 / sqrt(0.016 / 0.001999).
        let d2 = 0.1 / 0.19 * 0.4 / ((0.016f64 / 0.001999).sqrt() + 1e-8);
        assert!((d2 - 0.074_413_7).abs() < 1e-7);
        assert!((theta[2] - (0.5 - d2)).abs() < 1e-12, "{}", theta[2]);
        assert_eq!(adam.steps(), 2);
    }

    #[test]
    fn reset_restarts_and_a_quadratic_is_minimised() {
        // L = sum_k c_k (theta_k - 1)^2, very different curvatures: Adam's steps are scale-free.
        let c = [100.0, 1.0, 0.01];
        let run = |adam: &mut Adam| {
            let mut theta = vec![0.0; 3];
            for _ in 0..3000 {
                let g: Vec<f64> = theta
                    .iter()
                    .zip(c)
                    .map(|(t, ck)| 2.0 * ck * (t - 1.0))
                    .collect();
                adam.step(&mut theta, &g);
            }
            theta
        };
        let mut adam = Adam::new(3, 0.01);
        let first = run(&mut adam);
        assert!(first.iter().all(|t| (t - 1.0).abs() < 1e-2), "{first:?}");
        adam.reset();
        assert_eq!(adam.steps(), 0);
        assert_eq!(run(&mut adam), first);
    }
}
