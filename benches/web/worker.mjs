// One benchmark worker: its own wasm instance; runs the page's 2-D ensemble (ToySimulation,
// all eight methods) for a given number of runs and iterations and replies when done.

let mod = null;

self.onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.kind === 'init') {
      mod = await import(`${msg.pkg}/sgd_escape.js`);
      await mod.default({ module_or_path: `${msg.pkg}/sgd_escape_bg.wasm` });
      self.postMessage({ ok: true });
    } else if (msg.kind === 'run') {
      const sim = new mod.ToySimulation({ runs: msg.runs, seed: msg.seed ?? 0 });
      sim.step(msg.iterations);
      const escaped = sim.methods().reduce((n, id) => n + sim.escapedCount(id), 0);
      sim.free();
      self.postMessage({ ok: true, escaped });
    }
  } catch (err) {
    self.postMessage({ error: String(err && err.stack ? err.stack : err) });
  }
};
