//! The networks the FashionMNIST experiment can train, behind one interface: an enum with one
//! arm per architecture, so the experiment code (stage 1, stage 2, the indicator, the
//! spectrum), the wasm facade and the CLI never care which network runs.
//!
//! Enum dispatch rather than a generic trait: the facade and the CLI hold one concrete type,
//! and the per-call `match` costs nothing next to a forward pass.
//!
//! Every method has the meaning (and the argument conventions) of the [`Mlp`] method of the
//! same name: one flat `&[f32]` parameter vector of length [`Network::param_count`], inputs
//! as n rows of [`Network::input_dim`] floats, labels below [`Network::classes`], the mean
//! softmax cross-entropy over the batch.

use crate::landscape::mlp::{Mlp, MlpWorkspace};
use crate::rng::Rng;

/// A network of the FashionMNIST experiment (its architecture; the parameters are a flat
/// slice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Network {
    /// A fully connected ReLU network.
    Mlp(Mlp),
}

/// Scratch memory for the passes of a [`Network`], reused across calls so the hot loops do
/// not allocate. A workspace of the wrong kind is replaced by one of the right kind on first
/// use (so any workspace works with any network, as for [`MlpWorkspace`]).
#[derive(Clone, Debug)]
pub enum NetworkWorkspace {
    /// For [`Network::Mlp`].
    Mlp(MlpWorkspace),
}

impl Default for NetworkWorkspace {
    fn default() -> Self {
        NetworkWorkspace::Mlp(MlpWorkspace::default())
    }
}

impl NetworkWorkspace {
    /// The MLP workspace inside (made one if it was another kind).
    fn mlp(&mut self) -> &mut MlpWorkspace {
        match self {
            NetworkWorkspace::Mlp(ws) => ws,
        }
    }
}

impl From<Mlp> for Network {
    fn from(mlp: Mlp) -> Self {
        Network::Mlp(mlp)
    }
}

impl Network {
    /// The MLP inside, if this is one.
    pub fn as_mlp(&self) -> Option<&Mlp> {
        match self {
            Network::Mlp(m) => Some(m),
        }
    }

    /// The widths of the network's layers of units, input first, classes last (for an MLP its
    /// layer sizes, e.g. [784, 14, 10]).
    pub fn sizes(&self) -> &[usize] {
        match self {
            Network::Mlp(m) => m.sizes(),
        }
    }

    /// D, the number of parameters (the length of every parameter and gradient vector).
    pub fn param_count(&self) -> usize {
        match self {
            Network::Mlp(m) => m.param_count(),
        }
    }

    /// The input width (pixels per image).
    pub fn input_dim(&self) -> usize {
        match self {
            Network::Mlp(m) => m.input_dim(),
        }
    }

    /// The number of classes (logits).
    pub fn classes(&self) -> usize {
        match self {
            Network::Mlp(m) => m.classes(),
        }
    }

    /// A workspace for this network.
    pub fn workspace(&self) -> NetworkWorkspace {
        match self {
            Network::Mlp(m) => NetworkWorkspace::Mlp(m.workspace()),
        }
    }

    /// Seeded initial parameters: a normal of standard deviation `sd` truncated at 2 sd (see
    /// each network's `init` for which entries it covers).
    pub fn init(&self, rng: &mut Rng, sd: f32) -> Vec<f32> {
        match self {
            Network::Mlp(m) => m.init(rng, sd),
        }
    }

    /// Floating-point operations of one full-batch gradient and of one Hessian-vector product
    /// over `samples` samples, counted for the dense algorithm (for the benchmark's
    /// throughput columns).
    pub fn flops(&self, samples: usize) -> (f64, f64) {
        match self {
            Network::Mlp(m) => {
                let layers = m.layers();
                let first = (layers[0].inputs * layers[0].outputs) as f64;
                let rest: f64 = layers[1..]
                    .iter()
                    .map(|l| (l.inputs * l.outputs) as f64)
                    .sum();
                let n = samples as f64;
                // Per sample: forward 2f + 2r, weight gradient 2f + 2r, back-propagated
                // delta 2r; HVP: forward 2f + 2r, R-forward 2f + 4r, R-backward 2f + 4r
                // (weights) + 6r (deltas).
                (
                    n * (4.0 * first + 6.0 * rest),
                    n * (6.0 * first + 16.0 * rest),
                )
            }
        }
    }

    /// Mean cross-entropy and its gradient (into `grad_out`) over all samples.
    pub fn loss_grad(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        grad_out: &mut [f32],
        ws: &mut NetworkWorkspace,
    ) -> f32 {
        match self {
            Network::Mlp(m) => m.loss_grad(theta, inputs, labels, grad_out, ws.mlp()),
        }
    }

    /// [`Network::loss_grad`] over the samples `indices` (a minibatch, no copy).
    pub fn loss_grad_indices(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        indices: &[usize],
        grad_out: &mut [f32],
        ws: &mut NetworkWorkspace,
    ) -> f32 {
        match self {
            Network::Mlp(m) => {
                m.loss_grad_indices(theta, inputs, labels, indices, grad_out, ws.mlp())
            }
        }
    }

    /// Mean cross-entropy over all samples (forward passes only).
    pub fn loss(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        ws: &mut NetworkWorkspace,
    ) -> f32 {
        match self {
            Network::Mlp(m) => m.loss(theta, inputs, labels, ws.mlp()),
        }
    }

    /// Mean cross-entropy over the samples `indices`.
    pub fn loss_indices(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        indices: &[usize],
        ws: &mut NetworkWorkspace,
    ) -> f32 {
        match self {
            Network::Mlp(m) => m.loss_indices(theta, inputs, labels, indices, ws.mlp()),
        }
    }

    /// The exact Hessian-vector product H v of the mean loss over all samples, into `out`.
    pub fn hvp(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        v: &[f32],
        out: &mut [f32],
        ws: &mut NetworkWorkspace,
    ) {
        match self {
            Network::Mlp(m) => m.hvp(theta, inputs, labels, v, out, ws.mlp()),
        }
    }

    /// [`Network::hvp`] of the mean loss over the samples `indices`.
    #[allow(clippy::too_many_arguments)]
    pub fn hvp_indices(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        indices: &[usize],
        v: &[f32],
        out: &mut [f32],
        ws: &mut NetworkWorkspace,
    ) {
        match self {
            Network::Mlp(m) => m.hvp_indices(theta, inputs, labels, indices, v, out, ws.mlp()),
        }
    }

    /// The logits of one input row, into `logits` (length = classes).
    pub fn logits(
        &self,
        theta: &[f32],
        input: &[f32],
        logits: &mut [f32],
        ws: &mut NetworkWorkspace,
    ) {
        match self {
            Network::Mlp(m) => m.logits(theta, input, logits, ws.mlp()),
        }
    }

    /// The predicted class (the first largest logit) of one input row.
    pub fn predict(&self, theta: &[f32], input: &[f32], ws: &mut NetworkWorkspace) -> u8 {
        match self {
            Network::Mlp(m) => m.predict(theta, input, ws.mlp()),
        }
    }

    /// The fraction of samples whose predicted class equals the label.
    pub fn accuracy(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        ws: &mut NetworkWorkspace,
    ) -> f64 {
        match self {
            Network::Mlp(m) => m.accuracy(theta, inputs, labels, ws.mlp()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mlp_arm_is_the_mlp_bit_for_bit() {
        let mlp = Mlp::new(&[6, 5, 3]);
        let net = Network::from(mlp.clone());
        let mut rng = Rng::for_stream(11, &[]);
        let theta = net.init(&mut rng, 0.5);
        assert_eq!(theta, mlp.init(&mut Rng::for_stream(11, &[]), 0.5));
        let inputs: Vec<f32> = (0..8 * 6).map(|_| rng.normal() as f32).collect();
        let labels: Vec<u8> = (0..8).map(|_| rng.index(3) as u8).collect();
        let d = net.param_count();
        assert_eq!((d, net.input_dim(), net.classes()), (53, 6, 3));
        assert_eq!(net.sizes(), &[6, 5, 3]);
        let (mut ws, mut mws) = (net.workspace(), mlp.workspace());
        let (mut g1, mut g2) = (vec![0.0; d], vec![0.0; d]);
        let l1 = net.loss_grad(&theta, &inputs, &labels, &mut g1, &mut ws);
        let l2 = mlp.loss_grad(&theta, &inputs, &labels, &mut g2, &mut mws);
        assert_eq!((l1.to_bits(), &g1), (l2.to_bits(), &g2));
        let (mut h1, mut h2) = (vec![0.0; d], vec![0.0; d]);
        net.hvp(&theta, &inputs, &labels, &g1, &mut h1, &mut ws);
        mlp.hvp(&theta, &inputs, &labels, &g2, &mut h2, &mut mws);
        assert_eq!(h1, h2);
        let idx = [1usize, 4, 4];
        assert_eq!(
            net.loss_indices(&theta, &inputs, &labels, &idx, &mut ws),
            mlp.loss_indices(&theta, &inputs, &labels, &idx, &mut mws)
        );
        assert_eq!(
            net.accuracy(&theta, &inputs, &labels, &mut NetworkWorkspace::default()),
            mlp.accuracy(&theta, &inputs, &labels, &mut mws)
        );
        assert_eq!(
            net.predict(&theta, &inputs[..6], &mut ws),
            mlp.predict(&theta, &inputs[..6], &mut mws)
        );
    }
}
