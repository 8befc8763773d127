#!/usr/bin/env python3
"""NumPy reference of the benchmark (./build.sh bench), written the way a researcher would:
the 2-D ensemble vectorised over runs and samples (one array op per step for all runs), the
MLP as batched float32 matrix products over the 1200 images (OpenBLAS via NumPy's matmul), the
CNN by im2col and the same float32 matrix products.

It first checks itself against the Rust results for the same inputs, exported by
`sgd-escape-bench --reference FILE` (the same data draws, probe points, weights, labels and
HVP direction):
  * 2-D: mean gradients at 100 probe points and every method's 2x2 noise covariance there,
    and the positions after 20 GD steps: max |numpy - rust| <= 1e-9 * (1 + max |rust|)
    (both f64; they differ only in summation order);
    (GLD 1st eigvec only where the Hessian's two eigenvalues differ: at an isotropic Hessian
    its top eigenvector is arbitrary);
  * MLP: loss, gradient and Hessian-vector product of NumPy in float64 against Rust's
    float32, within 1e-5 (loss) and 1e-3 (gradient, HVP) relative in the 2-norm. The timed
    NumPy code is float32, like the Rust; its own distance from float64 is reported too
    (measured: ~2e-2 for the gradient at the stage-1 minimum, where the per-sample gradients
    nearly cancel, against Rust's ~1e-4: float32 BLAS sums are less accurate than the Rust
    kernels' pairwise-by-lanes sums here).
Random draws (minibatches, noise) come from NumPy's own generator: only the deterministic parts
can be compared bit for bit, the random parts have the same distributions.

  * CNN (when the reference has one: the paper's ConvYu network, im2col + float32 matmul
    here): loss, gradient and HVP of NumPy in float64 against Rust's float32, with the MLP's
    tolerances.

Then it times the workloads it has a counterpart for (toy-100, toy-10000, fig2, mlp-grad, hvp,
cov60, cnn-grad, cnn-hvp) with the protocol of benches/protocol.mjs and prints one JSON object
on stdout.

  python3 benches/numpy_ref.py --reference target/bench/reference.json [--data www/data] [--quick]
"""

import argparse
import gzip
import json
import sys
import time

import numpy as np

TARGET_SAMPLE_SECONDS = 0.2
K = np.sqrt(0.5)
SHARP_WEIGHTS = (10.0, 100.0)
METHODS = ["gd", "gld-const", "gld-dynamic", "gld-diag", "gld-leading", "gld-hessian",
           "gld-eigvec", "sgd"]
H_SHARP = np.array([[110.0, 90.0], [90.0, 110.0]])
H_FLAT = 2.0 * np.eye(2)


# ---------------------------------------------------------------------------------------------
# The 2-D two-basin landscape (src/landscape/basin.rs), vectorised: w (R, 2), x (R, N, 2).
# ---------------------------------------------------------------------------------------------

def sample_eval(w, x):
    """Per-sample loss (R, N), gradient (R, N, 2) and sharp-branch mask (R, N)."""
    p = w[:, None, :] - x - 1.0
    q = w[:, None, :] - x + 1.0
    across = K * p[..., 0] - K * p[..., 1]
    along = K * p[..., 0] + K * p[..., 1]
    sharp = SHARP_WEIGHTS[0] * across**2 + SHARP_WEIGHTS[1] * along**2
    flat = (q**2).sum(-1)
    is_sharp = sharp <= flat
    d_across = 2 * SHARP_WEIGHTS[0] * across
    d_along = 2 * SHARP_WEIGHTS[1] * along
    g_sharp = np.stack([K * (d_across + d_along), K * (d_along - d_across)], -1)
    grad = np.where(is_sharp[..., None], g_sharp, 2.0 * q)
    return np.where(is_sharp, sharp, flat), grad, is_sharp


def point_stats(w, x):
    loss, g, is_sharp = sample_eval(w, x)
    mean = g.mean(1)
    d = g - mean[:, None, :]
    c1 = np.einsum("rni,rnj->rij", d, d) / x.shape[1]
    share = is_sharp.mean(1)[:, None, None]
    hessian = share * H_SHARP + (1 - share) * H_FLAT
    return loss.mean(1), mean, hessian, c1


def with_trace(m, trace):
    t = np.trace(m, axis1=1, axis2=2)[:, None, None]
    return np.where(t > 0, m * trace / np.where(t > 0, t, 1.0), 0.0)


def covariance(method, hessian, c1, lr, noise_trace, batch):
    r = c1.shape[0]
    eye = np.broadcast_to(np.eye(2), (r, 2, 2))
    sgd = c1 * lr * lr / batch
    if method == "gd":
        return np.zeros((r, 2, 2))
    if method == "gld-const":
        return eye * noise_trace / 2
    if method == "gld-dynamic":
        return eye * (np.trace(sgd, axis1=1, axis2=2) / 2)[:, None, None]
    if method == "gld-diag":
        return with_trace(c1 * np.eye(2), noise_trace)
    if method == "gld-leading":
        return with_trace(c1, noise_trace)
    if method == "gld-hessian":
        vals, vecs = np.linalg.eigh(hessian)
        pos = np.einsum("rik,rk,rjk->rij", vecs, np.clip(vals, 0, None), vecs)
        return with_trace(pos, noise_trace)
    if method == "gld-eigvec":
        _, vecs = np.linalg.eigh(hessian)
        top = vecs[:, :, 1]
        return np.einsum("ri,rj->rij", top, top) * noise_trace
    if method == "sgd":
        return sgd
    raise ValueError(method)


def toy_step(method, w, x, rng, lr, noise_trace, batch):
    """One iteration of `method` for all runs at once."""
    r, n = x.shape[:2]
    if method == "sgd":
        idx = rng.integers(0, n, (r, batch))
        xb = np.take_along_axis(x, idx[..., None], 1)
        _, g, _ = sample_eval(w, xb)
        return w - lr * g.mean(1)
    if method in ("gd", "gld-const"):
        _, g, _ = sample_eval(w, x)
        w = w - lr * g.mean(1)
        if method == "gld-const":
            w = w + np.sqrt(noise_trace / 2) * rng.standard_normal((r, 2))
        return w
    _, grad, hessian, c1 = point_stats(w, x)
    cov = covariance(method, hessian, c1, lr, noise_trace, batch)
    vals, vecs = np.linalg.eigh(cov)
    z = rng.standard_normal((r, 2)) * np.sqrt(np.clip(vals, 0, None))
    return w - lr * grad + np.einsum("rij,rj->ri", vecs, z)


class ToyEnsemble:
    """All eight methods x R runs, with the per-iteration bookkeeping the Rust ensemble does
    (fraction escaped and mean loss per method)."""

    def __init__(self, runs, samples=100, spread=0.01, lr=0.005, noise_trace=0.01, batch=1,
                 seed=0):
        self.rng = np.random.default_rng(seed)
        z = self.rng.standard_normal((runs, samples, 2)) * np.array([np.sqrt(10.0), 1.0])
        rot = np.array([[K, -K], [K, K]])
        self.x = (z @ rot) * spread
        self.w = {m: np.ones((runs, 2)) for m in METHODS}
        self.params = (lr, noise_trace, batch)
        self.escaped = {m: [] for m in METHODS}
        self.loss = {m: [] for m in METHODS}

    def step(self, iterations=1):
        for _ in range(iterations):
            for m in METHODS:
                w = toy_step(m, self.w[m], self.x, self.rng, *self.params)
                self.w[m] = w
                self.escaped[m].append(np.mean((w[:, 0] < -0.5) & (w[:, 1] < -0.5)))
                self.loss[m].append(sample_eval(w, self.x)[0].mean())


# ---------------------------------------------------------------------------------------------
# The MLP (src/landscape/mlp.rs): flat parameters, per layer W (in x out, row-major) then b.
# ---------------------------------------------------------------------------------------------

def unpack(theta, sizes):
    layers, o = [], 0
    for a, b in zip(sizes[:-1], sizes[1:]):
        w = theta[o:o + a * b].reshape(a, b)
        o += a * b
        layers.append((w, theta[o:o + b]))
        o += b
    return layers


def forward(layers, x):
    acts, zs = [x], []
    for i, (w, b) in enumerate(layers):
        z = acts[-1] @ w + b
        zs.append(z)
        acts.append(np.maximum(z, 0) if i + 1 < len(layers) else z)
    return acts, zs


def softmax_loss(logits, y):
    m = logits.max(1, keepdims=True)
    e = np.exp(logits - m)
    s = e.sum(1, keepdims=True)
    p = e / s
    loss = (np.log(s[:, 0]) + m[:, 0] - logits[np.arange(len(y)), y]).astype(np.float64).mean()
    return loss, p


def loss_grad(theta, sizes, x, y):
    layers = unpack(theta, sizes)
    acts, zs = forward(layers, x)
    loss, p = softmax_loss(acts[-1], y)
    delta = p
    delta[np.arange(len(y)), y] -= 1
    delta /= len(y)
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        w, _ = layers[i]
        grads.append(((acts[i].T @ delta).ravel(), delta.sum(0)))
        if i > 0:
            delta = (delta @ w.T) * (zs[i - 1] > 0)
    return loss, np.concatenate([g for pair in reversed(grads) for g in pair])


def hvp(theta, v, sizes, x, y):
    """Pearlmutter's R-operator, batched over samples."""
    layers, vl = unpack(theta, sizes), unpack(v, sizes)
    acts, zs = forward(layers, x)
    _, p = softmax_loss(acts[-1], y)
    ra = [np.zeros_like(x)]
    for i, ((w, _), (vw, vb)) in enumerate(zip(layers, vl)):
        rz = ra[-1] @ w + acts[i] @ vw + vb
        ra.append(rz * (zs[i] > 0) if i + 1 < len(layers) else rz)
    rz = ra[-1]
    rdelta = p * (rz - (p * rz).sum(1, keepdims=True))
    delta = p
    delta[np.arange(len(y)), y] -= 1
    n = len(y)
    out = []
    for i in range(len(layers) - 1, -1, -1):
        w, _ = layers[i]
        vw, _ = vl[i]
        gw = ra[i].T @ delta + acts[i].T @ rdelta
        out.append((gw.ravel() / n, rdelta.sum(0) / n))
        if i > 0:
            mask = zs[i - 1] > 0
            rdelta, delta = (rdelta @ w.T + delta @ vw.T) * mask, (delta @ w.T) * mask
    return np.concatenate([g for pair in reversed(out) for g in pair])


def minibatch_covariance(theta, sizes, x, y, rng, batch=20):
    """C from the minibatch gradients of one shuffled epoch (60 of 20 for 1200 images)."""
    order = rng.permutation(len(y))
    grads = np.stack([loss_grad(theta, sizes, x[idx], y[idx])[1]
                      for idx in order.reshape(-1, batch)])
    centred = grads - grads.mean(0)
    return centred, (centred.astype(np.float64) ** 2).sum() / (len(grads) - 1)


# ---------------------------------------------------------------------------------------------
# The paper's CNN (ConvYu of the authors' FashionMNIST/model.py), im2col + float32 matmul:
# 28x28x1 -> conv 5x5 VALID 10 + b -> max-pool 2x2/2 -> ReLU -> conv 5x5 VALID 10 + b ->
# max-pool 2x2/2 -> ReLU -> flatten (h, w, c) -> 160 -> fc 50 + ReLU -> fc 10 -> logits.
# Flat parameters in the authors' order: conv1 W (5,5,1,10) HWIO, b, conv2 W (5,5,10,10), b,
# fc1 W (160,50), b, fc2 W (50,10), b (D = 11,330). Pooling routes gradients to the first
# maximum of each window in row-major order (as TensorFlow does).
# ---------------------------------------------------------------------------------------------

CNN_SHAPES = [(5, 5, 1, 10), (10,), (5, 5, 10, 10), (10,), (160, 50), (50,), (50, 10), (10,)]


def cnn_unpack(theta):
    out, o = [], 0
    for shape in CNN_SHAPES:
        size = int(np.prod(shape))
        out.append(theta[o:o + size].reshape(shape))
        o += size
    assert o == len(theta), (o, len(theta))
    return out


def im2col(a, k):
    """(n, h, w, c) -> (n * oh * ow, k * k * c) windows in (dy, dx, c) order (HWIO rows)."""
    n, h, w, c = a.shape
    win = np.lib.stride_tricks.sliding_window_view(a, (k, k), axis=(1, 2))
    oh, ow = h - k + 1, w - k + 1
    return win.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, k * k * c), (n, oh, ow)


def col2im(cols, shape, k):
    """The adjoint of im2col: (n * oh * ow, k * k * c) window gradients summed into (n, h, w, c)."""
    n, h, w, c = shape
    oh, ow = h - k + 1, w - k + 1
    cols = cols.reshape(n, oh, ow, k, k, c)
    out = np.zeros(shape, cols.dtype)
    for dy in range(k):
        for dx in range(k):
            out[:, dy:dy + oh, dx:dx + ow, :] += cols[:, :, :, dy, dx, :]
    return out


def conv(a, w, b):
    cols, (n, oh, ow) = im2col(a, w.shape[0])
    z = cols @ w.reshape(-1, w.shape[3]) + b
    return z.reshape(n, oh, ow, w.shape[3]), cols


def pool(z):
    """2x2/2 max-pool: the pooled values and the flat index (0..4, row-major) of each window's
    first maximum."""
    n, h, w, c = z.shape
    win = z.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4).reshape(n, h // 2, w // 2, c, 4)
    arg = win.argmax(-1)
    return np.take_along_axis(win, arg[..., None], -1)[..., 0], arg


def unpool(d, arg):
    """Routes each pooled value's gradient to its window's first maximum: (n, h, w, c) -> (n, 2h, 2w, c)."""
    n, h, w, c = d.shape
    win = np.zeros((n, h, w, c, 4), d.dtype)
    np.put_along_axis(win, arg[..., None], d[..., None], -1)
    return win.reshape(n, h, w, c, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(n, 2 * h, 2 * w, c)


def gather(z, arg):
    """The entries of z (n, 2h, 2w, c) at each window's recorded maximum (R of a max-pool)."""
    n, h2, w2, c = z.shape
    win = z.reshape(n, h2 // 2, 2, w2 // 2, 2, c).transpose(0, 1, 3, 5, 2, 4).reshape(n, h2 // 2, w2 // 2, c, 4)
    return np.take_along_axis(win, arg[..., None], -1)[..., 0]


def cnn_forward(p, x):
    w1, b1, w2, b2, w3, b3, w4, b4 = p
    z1, cols1 = conv(x, w1, b1)
    p1, arg1 = pool(z1)
    a1 = np.maximum(p1, 0)
    z2, cols2 = conv(a1, w2, b2)
    p2, arg2 = pool(z2)
    a2 = np.maximum(p2, 0).reshape(len(x), -1)
    z3 = a2 @ w3 + b3
    a3 = np.maximum(z3, 0)
    z4 = a3 @ w4 + b4
    return dict(cols1=cols1, p1=p1, arg1=arg1, a1=a1, cols2=cols2, p2=p2, arg2=arg2, a2=a2,
                z3=z3, a3=a3, z4=z4)


def cnn_loss_grad(theta, x, y):
    """Mean cross-entropy and its gradient (flat, the authors' order)."""
    p = cnn_unpack(theta)
    w1, _, w2, _, w3, _, w4, _ = p
    f = cnn_forward(p, x)
    n = len(y)
    loss, prob = softmax_loss(f["z4"], y)
    d4 = prob
    d4[np.arange(n), y] -= 1
    d4 /= n
    g4 = f["a3"].T @ d4
    d3 = (d4 @ w4.T) * (f["z3"] > 0)
    g3 = f["a2"].T @ d3
    dp2 = (d3 @ w3.T).reshape(f["p2"].shape) * (f["p2"] > 0)
    dz2 = unpool(dp2, f["arg2"]).reshape(-1, 10)
    g2 = f["cols2"].T @ dz2
    da1 = col2im(dz2 @ w2.reshape(-1, 10).T, f["a1"].shape, 5)
    dz1 = unpool(da1 * (f["p1"] > 0), f["arg1"]).reshape(-1, 10)
    g1 = f["cols1"].T @ dz1
    grads = [g1, dz1.sum(0), g2, dz2.sum(0), g3, d3.sum(0), g4, d4.sum(0)]
    return loss, np.concatenate([g.ravel() for g in grads])


def cnn_hvp(theta, v, x, y):
    """Exact H v by the R-operator, batched: R-forward through both convolutions (pooling
    routed by the forward argmax, ReLU masks), then R-backward."""
    p, q = cnn_unpack(theta), cnn_unpack(v)
    w1, _, w2, _, w3, _, w4, _ = p
    v1, c1, v2, c2, v3, c3, v4, c4 = q
    f = cnn_forward(p, x)
    n = len(y)
    _, prob = softmax_loss(f["z4"], y)
    m1, m2, m3 = f["p1"] > 0, f["p2"] > 0, f["z3"] > 0
    # R-forward (R(x) = 0).
    rz1 = (f["cols1"] @ v1.reshape(-1, 10) + c1).reshape(n, 24, 24, 10)
    ra1 = gather(rz1, f["arg1"]) * m1
    rcols2, _ = im2col(ra1, 5)
    rz2 = (rcols2 @ w2.reshape(-1, 10) + f["cols2"] @ v2.reshape(-1, 10) + c2).reshape(n, 8, 8, 10)
    ra2 = (gather(rz2, f["arg2"]) * m2).reshape(n, -1)
    rz3 = ra2 @ w3 + f["a2"] @ v3 + c3
    ra3 = rz3 * m3
    rz4 = ra3 @ w4 + f["a3"] @ v4 + c4
    # R-backward.
    rd4 = prob * (rz4 - (prob * rz4).sum(1, keepdims=True))
    d4 = prob
    d4[np.arange(n), y] -= 1
    g4 = f["a3"].T @ rd4 + ra3.T @ d4
    d3 = (d4 @ w4.T) * m3
    rd3 = (rd4 @ w4.T + d4 @ v4.T) * m3
    g3 = f["a2"].T @ rd3 + ra2.T @ d3
    shape2 = f["p2"].shape
    dp2 = (d3 @ w3.T).reshape(shape2) * m2
    rdp2 = (rd3 @ w3.T + d3 @ v3.T).reshape(shape2) * m2
    dz2 = unpool(dp2, f["arg2"]).reshape(-1, 10)
    rdz2 = unpool(rdp2, f["arg2"]).reshape(-1, 10)
    g2 = f["cols2"].T @ rdz2 + rcols2.T @ dz2
    w2m, v2m = w2.reshape(-1, 10), v2.reshape(-1, 10)
    rda1 = col2im(rdz2 @ w2m.T + dz2 @ v2m.T, f["a1"].shape, 5)
    rdz1 = unpool(rda1 * m1, f["arg1"]).reshape(-1, 10)
    g1 = f["cols1"].T @ rdz1
    grads = [g1, rdz1.sum(0), g2, rdz2.sum(0), g3, rd3.sum(0), g4, rd4.sum(0)]
    return np.concatenate([g.ravel() for g in grads]) / n


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


# ---------------------------------------------------------------------------------------------
# Check and time.
# ---------------------------------------------------------------------------------------------

def close(got, want, tol):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    err = float(np.max(np.abs(got - want))) if want.size else 0.0
    limit = tol * (1 + float(np.max(np.abs(want))) if want.size else 0.0)
    return {"maxAbsError": err, "limit": limit, "ok": bool(err <= limit)}


def rel2(got, want, tol):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    err = float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-300))
    return {"relError": err, "limit": tol, "ok": bool(err <= tol)}


def check(ref, x, y):
    t = ref["toy"]
    data = np.array(t["data"])
    probes = np.array(t["probes"])
    _, grad, hessian, c1 = point_stats(probes, data)
    out = {"toy.grads": close(grad, t["grads"], 1e-9)}
    for m in METHODS:
        c = covariance(m, hessian, c1, t["lr"], t["noiseTrace"], t["batchSize"])
        got = np.stack([c[:, 0, 0], c[:, 0, 1], c[:, 1, 1]], -1)
        want = np.array(t["covariances"][m])
        if m == "gld-eigvec":
            vals = np.linalg.eigvalsh(hessian)
            distinct = vals[:, 1] - vals[:, 0] > 1e-9 * np.abs(vals).max()
            got, want = got[distinct], want[distinct]
        out[f"toy.covariance.{m}"] = close(got, want, 1e-9)
    w = np.ones((data.shape[0], 2))
    for _ in range(t["gdSteps"]):
        w = toy_step("gd", w, data, None, t["lr"], t["noiseTrace"], t["batchSize"])
    out["toy.gdPositions"] = close(w.ravel(), t["gdPositions"], 1e-9)
    m = ref["mlp"]
    theta = np.array(m["theta"], np.float64)
    v = np.array(m["direction"], np.float64)
    x64 = x.astype(np.float64)
    loss, g = loss_grad(theta, m["sizes"], x64, y)
    out["mlp.loss"] = rel2([loss], [m["loss"]], 1e-5)
    out["mlp.grad"] = rel2(m["grad"], g, 1e-3)
    hv = hvp(theta, v, m["sizes"], x64, y)
    out["mlp.hvp"] = rel2(m["hvp"], hv, 1e-3)
    # Information only: the timed float32 NumPy code against float64.
    info = {
        "numpyFloat32GradRelError": rel2(loss_grad(theta.astype(np.float32), m["sizes"], x, y)[1], g, 1)["relError"],
        "numpyFloat32HvpRelError": rel2(hvp(theta.astype(np.float32), v.astype(np.float32), m["sizes"], x, y), hv, 1)["relError"],
    }
    if "cnn" in ref:
        c = ref["cnn"]
        theta = np.array(c["theta"], np.float64)
        v = np.array(c["direction"], np.float64)
        xc = cnn_images(x).astype(np.float64)
        yc = np.array(c["labels"], np.int64)
        loss, g = cnn_loss_grad(theta, xc, yc)
        out["cnn.loss"] = rel2([loss], [c["loss"]], 1e-5)
        out["cnn.grad"] = rel2(c["grad"], g, 1e-3)
        hv = cnn_hvp(theta, v, xc, yc)
        out["cnn.hvp"] = rel2(c["hvp"], hv, 1e-3)
        x32 = cnn_images(x)
        info["numpyFloat32CnnGradRelError"] = rel2(cnn_loss_grad(theta.astype(np.float32), x32, yc)[1], g, 1)["relError"]
        info["numpyFloat32CnnHvpRelError"] = rel2(cnn_hvp(theta.astype(np.float32), v.astype(np.float32), x32, yc), hv, 1)["relError"]
    return out, info


def cnn_images(x):
    """The MLP's (n, 784) pixels (p / 127.5 - 1) as the CNN's (n, 28, 28, 1) input."""
    return x.reshape(len(x), 28, 28, 1)


def measure(fn, quick):
    if not quick:
        fn()
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    if quick:
        samples, reps = [first], 1
    else:
        reps = max(1, int(np.ceil(TARGET_SAMPLE_SECONDS / max(first, 1e-9))))
        samples = []
        for _ in range(3 if first > 1 else 5):
            t = time.perf_counter()
            for _ in range(reps):
                fn()
            samples.append((time.perf_counter() - t) / reps)
    return {"secondsPerOp": float(np.median(samples)), "samples": samples, "reps": reps}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", required=True)
    ap.add_argument("--data", default="www/data")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    with open(args.reference) as f:
        ref = json.load(f)
    images = read_idx(f"{args.data}/fmnist-train1200-images-idx3-ubyte.gz")[:1200]
    x = (images.reshape(len(images), -1).astype(np.float32) / np.float32(127.5)) - np.float32(1)
    y = np.array(ref["mlp"]["labels"], np.int64)
    checks, info = check(ref, x, y)
    for name, c in checks.items():
        print(f"  numpy check {name}: {'ok' if c['ok'] else 'FAILED'} {c}", file=sys.stderr)

    sizes = ref["mlp"]["sizes"]
    theta = np.array(ref["mlp"]["theta"], np.float32)
    v = np.array(ref["mlp"]["direction"], np.float32)
    rng = np.random.default_rng(0)
    toys = {}

    def toy(runs):
        if runs not in toys:
            toys[runs] = ToyEnsemble(runs)
        toys[runs].step(1)

    def fig2():
        e = ToyEnsemble(100)
        e.step(500)

    work = {
        "toy-100": lambda: toy(100),
        "toy-10000": lambda: toy(10000),
        "fig2": fig2,
        "mlp-grad": lambda: loss_grad(theta, sizes, x, y),
        "hvp": lambda: hvp(theta, v, sizes, x, y),
        "cov60": lambda: minibatch_covariance(theta, sizes, x, y, rng),
    }
    if "cnn" in ref:
        ctheta = np.array(ref["cnn"]["theta"], np.float32)
        cv = np.array(ref["cnn"]["direction"], np.float32)
        cy = np.array(ref["cnn"]["labels"], np.int64)
        cx = cnn_images(x)
        work["cnn-grad"] = lambda: cnn_loss_grad(ctheta, cx, cy)
        work["cnn-hvp"] = lambda: cnn_hvp(ctheta, cv, cx, cy)
    workloads = {}
    for name, fn in work.items():
        print(f"  numpy: {name}", file=sys.stderr)
        if args.quick and name == "fig2":
            continue
        workloads[name] = measure(fn, args.quick)
    result = {
        "engine": "numpy",
        "runtime": f"numpy {np.__version__}, python {sys.version.split()[0]}",
        "quick": args.quick,
        "checks": checks,
        "checksOk": all(c["ok"] for c in checks.values()),
        "checkInfo": info,
        "workloads": workloads,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
