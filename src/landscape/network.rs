//! The networks the FashionMNIST experiment can train, behind one interface.
//!
//! [`Architecture`] is what every network computes: each network ([`Mlp`], [`Cnn`])
//! implements only its primitives (its shape, its initialisation, one pass over a batch that
//! gives the loss and optionally the gradient or H v, and the forward pass of one input), and
//! the trait's provided methods (loss, gradient, HVP, over all samples or a minibatch of
//! indices; logits, prediction, accuracy) are written once on top of them.
//!
//! [`Network`] is an enum with one arm per architecture, so the experiment code (stage 1,
//! stage 2, the indicator, the spectrum), the wasm facade and the CLI hold one concrete type
//! and never care which network runs. It implements [`Architecture`] too, its primitives
//! dispatching to the arm's (the `match` costs nothing next to a forward pass).
//!
//! The conventions, for every network: one flat `&[f32]` parameter vector of length
//! [`Architecture::parameter_count`], inputs as n rows of [`Architecture::input_dim`] floats
//! (row-major), labels below [`Architecture::classes`], the mean softmax cross-entropy over
//! the batch (summed in f64).

use crate::kernels::{dot, exp_sub};
use crate::landscape::cnn::{Cnn, CnnWorkspace};
use crate::landscape::mlp::{Mlp, MlpWorkspace};
use crate::rng::Rng;

/// Which network the FashionMNIST experiment trains (the `network` setting: `cnn` or `mlp`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkKind {
    /// A fully connected ReLU network (784-14-10 by default).
    #[default]
    Mlp,
    /// The paper's CNN (the authors' ConvYu, D = 11,330).
    Cnn,
}

impl NetworkKind {
    /// Every id, in the schema's order.
    pub const IDS: [&'static str; 2] = ["cnn", "mlp"];

    /// The id: `cnn` or `mlp`.
    pub fn id(self) -> &'static str {
        match self {
            NetworkKind::Mlp => "mlp",
            NetworkKind::Cnn => "cnn",
        }
    }

    /// The kind of an id, if it is one.
    pub fn from_id(id: &str) -> Option<Self> {
        match id {
            "mlp" => Some(NetworkKind::Mlp),
            "cnn" => Some(NetworkKind::Cnn),
            _ => None,
        }
    }
}

/// A network of the FashionMNIST experiment (its architecture; the parameters are a flat
/// slice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Network {
    /// A fully connected ReLU network.
    Mlp(Mlp),
    /// The paper's CNN (the authors' ConvYu, D = 11,330).
    Cnn(Cnn),
}

/// Scratch memory for the passes of a [`Network`], reused across calls so the hot loops do
/// not allocate. A workspace of the wrong kind is replaced by one of the right kind on first
/// use (so any workspace works with any network, as for [`MlpWorkspace`]).
#[derive(Clone, Debug)]
pub enum NetworkWorkspace {
    /// For [`Network::Mlp`].
    Mlp(MlpWorkspace),
    /// For [`Network::Cnn`] (boxed: its buffers are inline-sized structs).
    Cnn(Box<CnnWorkspace>),
}

impl Default for NetworkWorkspace {
    fn default() -> Self {
        NetworkWorkspace::Mlp(MlpWorkspace::default())
    }
}

impl NetworkWorkspace {
    /// The MLP workspace inside (made one if it was another kind).
    fn mlp(&mut self) -> &mut MlpWorkspace {
        if !matches!(self, NetworkWorkspace::Mlp(_)) {
            *self = NetworkWorkspace::Mlp(MlpWorkspace::default());
        }
        match self {
            NetworkWorkspace::Mlp(ws) => ws,
            NetworkWorkspace::Cnn(_) => unreachable!("just made an MLP workspace"),
        }
    }

    /// The CNN workspace inside (made one if it was another kind).
    fn cnn(&mut self) -> &mut CnnWorkspace {
        if !matches!(self, NetworkWorkspace::Cnn(_)) {
            *self = NetworkWorkspace::Cnn(Box::new(CnnWorkspace::new()));
        }
        match self {
            NetworkWorkspace::Cnn(ws) => ws,
            NetworkWorkspace::Mlp(_) => unreachable!("just made a CNN workspace"),
        }
    }
}

/// A batch: the rows of `inputs` named by `indices` (a minibatch, no copy; repeated indices
/// count repeatedly), or all of them. Made (and its shapes checked) by
/// [`Architecture::batch`].
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    inputs: &'a [f32],
    labels: &'a [u8],
    indices: Option<&'a [usize]>,
    in_dim: usize,
}

impl<'a> Batch<'a> {
    /// The number of samples.
    pub fn len(&self) -> usize {
        self.indices.map_or(self.labels.len(), <[usize]>::len)
    }

    /// Whether the batch has no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The input row and label of the k-th sample of the batch.
    pub fn sample(&self, k: usize) -> (&'a [f32], usize) {
        let i = self.indices.map_or(k, |idx| idx[k]);
        (
            &self.inputs[i * self.in_dim..(i + 1) * self.in_dim],
            self.labels[i] as usize,
        )
    }
}

/// What one pass over a batch computes besides the mean loss, and where it writes it.
#[derive(Debug)]
pub enum Pass<'a> {
    /// Only the loss (forward passes).
    Loss,
    /// The mean gradient, into the slice (length D).
    Gradient(&'a mut [f32]),
    /// The exact Hessian-vector product H v of the mean loss, into `out` (both length D).
    Hvp {
        /// The direction v.
        v: &'a [f32],
        /// Where H v goes.
        out: &'a mut [f32],
    },
}

impl<'a> Pass<'a> {
    /// The direction (an HVP's) and the output (a gradient's or an HVP's), where there are.
    pub fn parts(self) -> (Option<&'a [f32]>, Option<&'a mut [f32]>) {
        match self {
            Pass::Loss => (None, None),
            Pass::Gradient(out) => (None, Some(out)),
            Pass::Hvp { v, out } => (Some(v), Some(out)),
        }
    }
}

/// What a network of the FashionMNIST experiment computes over a flat parameter vector
/// `theta` (see the module docs for the conventions).
///
/// A network implements the primitives ([`Architecture::run`], [`Architecture::prepare`],
/// [`Architecture::forward_logits`] and its shape); the provided methods are the public
/// interface, written once. Every provided method panics on inputs of the wrong shape
/// (callers validate user input before).
pub trait Architecture {
    /// Scratch memory for the passes, reused across calls so the hot loops do not allocate.
    type Workspace;

    /// D, the number of parameters (the length of every parameter and gradient vector).
    fn parameter_count(&self) -> usize;

    /// The input width (pixels per image).
    fn input_dim(&self) -> usize;

    /// The number of classes (logits).
    fn classes(&self) -> usize;

    /// The widths of the network's layers of units, input first, classes last (for an MLP its
    /// layer sizes, e.g. [784, 14, 10]).
    fn sizes(&self) -> &[usize];

    /// A workspace for this network.
    fn workspace(&self) -> Self::Workspace;

    /// Seeded initial parameters: a normal of standard deviation `sd` truncated at 2 sd
    /// (see each network's documentation for which entries it covers).
    fn init(&self, rng: &mut Rng, sd: f32) -> Vec<f32>;

    /// Floating-point operations of one full-batch gradient and of one Hessian-vector
    /// product over `samples` samples, counted for the dense algorithm (for the benchmark's
    /// throughput columns).
    fn flops(&self, samples: usize) -> (f64, f64);

    /// The primitive behind every batch method: one pass over `batch` giving the mean loss,
    /// and the gradient or H v as `pass` says. Checks the lengths of `theta` and of the
    /// pass's vectors (the batch is checked when made).
    fn run(&self, theta: &[f32], batch: Batch, pass: Pass, ws: &mut Self::Workspace) -> f32;

    /// The primitive that readies `ws` for forward passes of single inputs at `theta` (e.g.
    /// the MLP transposes its weights); [`Architecture::forward_logits`] follows it.
    fn prepare(&self, theta: &[f32], ws: &mut Self::Workspace);

    /// The primitive forward pass of one input row at the `theta` given to
    /// [`Architecture::prepare`] (which must come first): the logits, inside `ws`.
    fn forward_logits<'w>(
        &self,
        theta: &[f32],
        input: &[f32],
        ws: &'w mut Self::Workspace,
    ) -> &'w [f32];

    /// Checks the shapes (n rows of the input width for n labels, labels below the classes,
    /// indices below n) and wraps them as a batch.
    fn batch<'a>(
        &self,
        inputs: &'a [f32],
        labels: &'a [u8],
        indices: Option<&'a [usize]>,
    ) -> Batch<'a> {
        let in_dim = self.input_dim();
        assert_eq!(
            inputs.len(),
            labels.len() * in_dim,
            "inputs must be n x {in_dim} for n labels"
        );
        let classes = self.classes();
        assert!(
            labels.iter().all(|&y| (y as usize) < classes),
            "labels must be below {classes}"
        );
        if let Some(idx) = indices {
            assert!(
                idx.iter().all(|&i| i < labels.len()),
                "indices out of range"
            );
        }
        Batch {
            inputs,
            labels,
            indices,
            in_dim,
        }
    }

    /// Mean cross-entropy and its gradient (into `grad_out`, length D) over all samples.
    fn loss_grad(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        grad_out: &mut [f32],
        ws: &mut Self::Workspace,
    ) -> f32 {
        let batch = self.batch(inputs, labels, None);
        self.run(theta, batch, Pass::Gradient(grad_out), ws)
    }

    /// [`Architecture::loss_grad`] over the samples `indices` (a minibatch, no copy; repeated
    /// indices count repeatedly).
    fn loss_grad_indices(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        indices: &[usize],
        grad_out: &mut [f32],
        ws: &mut Self::Workspace,
    ) -> f32 {
        let batch = self.batch(inputs, labels, Some(indices));
        self.run(theta, batch, Pass::Gradient(grad_out), ws)
    }

    /// Mean cross-entropy over all samples (forward passes only).
    fn loss(&self, theta: &[f32], inputs: &[f32], labels: &[u8], ws: &mut Self::Workspace) -> f32 {
        let batch = self.batch(inputs, labels, None);
        self.run(theta, batch, Pass::Loss, ws)
    }

    /// Mean cross-entropy over the samples `indices`.
    fn loss_indices(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        indices: &[usize],
        ws: &mut Self::Workspace,
    ) -> f32 {
        let batch = self.batch(inputs, labels, Some(indices));
        self.run(theta, batch, Pass::Loss, ws)
    }

    /// The exact Hessian-vector product H v of the mean loss over all samples, into `out`
    /// (length D), by the R-operator.
    fn hvp(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        v: &[f32],
        out: &mut [f32],
        ws: &mut Self::Workspace,
    ) {
        let batch = self.batch(inputs, labels, None);
        self.run(theta, batch, Pass::Hvp { v, out }, ws);
    }

    /// [`Architecture::hvp`] of the mean loss over the samples `indices`.
    #[allow(clippy::too_many_arguments)]
    fn hvp_indices(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        indices: &[usize],
        v: &[f32],
        out: &mut [f32],
        ws: &mut Self::Workspace,
    ) {
        let batch = self.batch(inputs, labels, Some(indices));
        self.run(theta, batch, Pass::Hvp { v, out }, ws);
    }

    /// The logits of one input row, into `logits` (length = classes).
    fn logits(&self, theta: &[f32], input: &[f32], logits: &mut [f32], ws: &mut Self::Workspace) {
        assert_eq!(
            theta.len(),
            self.parameter_count(),
            "theta has the wrong length"
        );
        assert_eq!(input.len(), self.input_dim(), "input has the wrong length");
        assert_eq!(logits.len(), self.classes(), "logits has the wrong length");
        self.prepare(theta, ws);
        logits.copy_from_slice(self.forward_logits(theta, input, ws));
    }

    /// The predicted class (the first largest logit) of one input row.
    fn predict(&self, theta: &[f32], input: &[f32], ws: &mut Self::Workspace) -> u8 {
        assert_eq!(
            theta.len(),
            self.parameter_count(),
            "theta has the wrong length"
        );
        assert_eq!(input.len(), self.input_dim(), "input has the wrong length");
        self.prepare(theta, ws);
        argmax(self.forward_logits(theta, input, ws)) as u8
    }

    /// The fraction of samples whose predicted class equals the label.
    fn accuracy(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        ws: &mut Self::Workspace,
    ) -> f64 {
        assert_eq!(
            theta.len(),
            self.parameter_count(),
            "theta has the wrong length"
        );
        let batch = self.batch(inputs, labels, None);
        self.prepare(theta, ws);
        let mut correct = 0usize;
        for k in 0..batch.len() {
            let (x, y) = batch.sample(k);
            correct += (argmax(self.forward_logits(theta, x, ws)) == y) as usize;
        }
        correct as f64 / batch.len().max(1) as f64
    }
}

/// Checks the lengths of a pass's vectors against D (the checks of [`Architecture::run`]).
pub(crate) fn check_lengths(d: usize, theta: &[f32], v: Option<&[f32]>, out: Option<&[f32]>) {
    assert_eq!(theta.len(), d, "theta has the wrong length");
    if let Some(v) = v {
        assert_eq!(v.len(), d, "the direction has the wrong length");
    }
    if let Some(out) = out {
        assert_eq!(out.len(), d, "the output has the wrong length");
    }
}

/// The per-sample cross-entropy logsumexp(z) - z[y], and logsumexp(z).
pub(crate) fn cross_entropy(logits: &[f32], y: usize) -> (f32, f32) {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &z| m.max(z));
    // The exponentials (libm's expf, bit for bit; kernels::exp_sub) summed in order from
    // f32's own `Sum` start, a chunk at a time: the same as `map(expf).sum()`.
    let mut sum: f32 = [0.0f32; 0].iter().sum();
    let mut e = [0.0f32; 16];
    for chunk in logits.chunks(e.len()) {
        let e = &mut e[..chunk.len()];
        exp_sub(chunk, max, e);
        sum = e.iter().fold(sum, |s, &v| s + v);
    }
    let log_norm = max + libm::logf(sum);
    (log_norm - logits[y], log_norm)
}

/// The softmax of `logits` given their logsumexp `log_norm`, into `p` (dL/dlogits before the
/// -1 at the label and the 1/n of the mean).
pub(crate) fn softmax(logits: &[f32], log_norm: f32, p: &mut [f32]) {
    let n = p.len().min(logits.len());
    exp_sub(&logits[..n], log_norm, &mut p[..n]);
}

/// R of the softmax `p` along the logits' R `rz`: `rp = p * (rz - p . rz)`, into `rp`.
pub(crate) fn r_softmax(p: &[f32], rz: &[f32], rp: &mut [f32]) {
    let mean = dot(p, rz);
    for ((rd, &pj), &rzj) in rp.iter_mut().zip(p).zip(rz) {
        *rd = pj * (rzj - mean);
    }
}

/// The index of the first largest entry.
pub(crate) fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

impl From<Mlp> for Network {
    fn from(mlp: Mlp) -> Self {
        Network::Mlp(mlp)
    }
}

impl From<Cnn> for Network {
    fn from(cnn: Cnn) -> Self {
        Network::Cnn(cnn)
    }
}

impl Network {
    /// Which kind of network this is.
    pub fn kind(&self) -> NetworkKind {
        match self {
            Network::Mlp(_) => NetworkKind::Mlp,
            Network::Cnn(_) => NetworkKind::Cnn,
        }
    }

    /// The MLP inside, if this is one.
    pub fn as_mlp(&self) -> Option<&Mlp> {
        match self {
            Network::Mlp(m) => Some(m),
            Network::Cnn(_) => None,
        }
    }
}

/// Calls `$body` with `$net` bound to the architecture inside a [`Network`] (the one place
/// that matches on the arm).
macro_rules! each_arm {
    ($self:expr, $net:ident => $body:expr) => {
        match $self {
            Network::Mlp($net) => $body,
            Network::Cnn($net) => $body,
        }
    };
}

impl Architecture for Network {
    type Workspace = NetworkWorkspace;

    fn parameter_count(&self) -> usize {
        each_arm!(self, n => n.parameter_count())
    }

    fn input_dim(&self) -> usize {
        each_arm!(self, n => n.input_dim())
    }

    fn classes(&self) -> usize {
        each_arm!(self, n => n.classes())
    }

    fn sizes(&self) -> &[usize] {
        each_arm!(self, n => n.sizes())
    }

    fn workspace(&self) -> NetworkWorkspace {
        match self {
            Network::Mlp(m) => NetworkWorkspace::Mlp(m.workspace()),
            Network::Cnn(c) => NetworkWorkspace::Cnn(Box::new(c.workspace())),
        }
    }

    fn init(&self, rng: &mut Rng, sd: f32) -> Vec<f32> {
        each_arm!(self, n => n.init(rng, sd))
    }

    fn flops(&self, samples: usize) -> (f64, f64) {
        each_arm!(self, n => n.flops(samples))
    }

    fn run(&self, theta: &[f32], batch: Batch, pass: Pass, ws: &mut NetworkWorkspace) -> f32 {
        match self {
            Network::Mlp(m) => m.run(theta, batch, pass, ws.mlp()),
            Network::Cnn(c) => c.run(theta, batch, pass, ws.cnn()),
        }
    }

    fn prepare(&self, theta: &[f32], ws: &mut NetworkWorkspace) {
        match self {
            Network::Mlp(m) => m.prepare(theta, ws.mlp()),
            Network::Cnn(c) => c.prepare(theta, ws.cnn()),
        }
    }

    fn forward_logits<'w>(
        &self,
        theta: &[f32],
        input: &[f32],
        ws: &'w mut NetworkWorkspace,
    ) -> &'w [f32] {
        match self {
            Network::Mlp(m) => m.forward_logits(theta, input, ws.mlp()),
            Network::Cnn(c) => c.forward_logits(theta, input, ws.cnn()),
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
        let d = net.parameter_count();
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

    #[test]
    fn the_cnn_arm_is_the_cnn_and_a_workspace_of_the_other_kind_is_replaced() {
        let cnn = Cnn::new();
        let net = Network::from(cnn.clone());
        let theta = net.init(&mut Rng::for_stream(12, &[]), 0.1);
        let mut rng = Rng::for_stream(13, &[]);
        let inputs: Vec<f32> = (0..2 * 784).map(|_| rng.normal() as f32).collect();
        let labels = [3u8, 7];
        assert_eq!(
            (net.parameter_count(), net.input_dim(), net.classes()),
            (11_330, 784, 10)
        );
        assert!(net.as_mlp().is_none());
        let d = net.parameter_count();
        let (mut g1, mut g2) = (vec![0.0; d], vec![0.0; d]);
        // A workspace last used by the MLP arm becomes a CNN one.
        let mut ws = NetworkWorkspace::default();
        let l1 = net.loss_grad(&theta, &inputs, &labels, &mut g1, &mut ws);
        assert!(matches!(ws, NetworkWorkspace::Cnn(_)));
        let l2 = cnn.loss_grad(&theta, &inputs, &labels, &mut g2, &mut cnn.workspace());
        assert_eq!((l1.to_bits(), &g1), (l2.to_bits(), &g2));
        let mlp = Network::from(Mlp::new(&[784, 3, 10]));
        let small = mlp.init(&mut Rng::for_stream(14, &[]), 0.1);
        mlp.loss(&small, &inputs, &labels, &mut ws);
        assert!(matches!(ws, NetworkWorkspace::Mlp(_)));
    }
}
