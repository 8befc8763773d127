// The model of the FashionMNIST figure: every piece of its state and the experiment's state
// machine, with no DOM. It decides what the workers are asked (through `io`, the worker client
// of client.js or a stand-in in the unit tests), takes their replies (`receive`), and marks what
// the view has to redraw (`dirty`, then `on.draw()`). The worker side of the machine (start,
// reset in place, moving the run on, each reply) is in run.js; what the view shows of it,
// computed, in readouts.js.
//
// Phases: off -> loading -> (need-stage1 -> stage1 ->) ready <-> running; resetting -> ready or
// need-stage1; error. Stage 1 runs once, in the first worker; its minimum goes to the others and
// is kept (`minimums`, by network and seed) for later restarts. Records arrive incrementally and
// are kept in bounded buffers, thinned to evenly spaced points past `maxRecords`.
//
// The settings, links and captions it uses live in settings.js and captions.js (re-exported
// here, so `model.js` is the one import for everything about the figure's state).

import { toCsv } from '../../lib/curves.js';
import { SCHEMA, checkSettings, defaultSettings, paperSettings, sameStructure, savedMinimum, networkName, int } from './settings.js';
import { beginRun, resetRun, goOn, receiveReply, runnable } from './run.js';
import { liveCaptionOf, spectrumCaptionOf } from './readouts.js';
import { methodStatus } from './captions.js';

export * from './settings.js';
export { pct, duration, ESCAPE_FACTOR, VERDICT_POINTER, methodStatus, liveCaption, spectrumCaption, sharpnessText } from './captions.js';

/**
 * What the model needs from the outside: the workers and the stage-1 minimums.
 * @typedef {object} FashionIO
 * @property {(count: number) => void} start        starts `count` workers (throws if it cannot)
 * @property {() => void} stop                      stops them
 * @property {(k: number, msg: any) => void} post   a message to worker k
 * @property {(network: string) => Promise<Uint8Array>} fetchSaved  the committed minimum's bytes
 */

/**
 * What the model tells the outside.
 * @typedef {object} FashionHooks
 * @property {(text: string, kind?: string) => void} status
 * @property {(context: string, message: string) => void} error
 * @property {() => void} change   the state (getState) changed
 * @property {() => void} draw     something in `dirty` is set
 */

/**
 * One record of a stage-2 run, as the worker sends it (src/fashion: the wasm FashionExperiment's records).
 * @typedef {object} FashionRecord
 * @property {number} iteration
 * @property {number} testAccuracy
 * @property {number} corruptedAccuracy
 * @property {number} sharpness          expected sharpness E[L(θ+ν)] − L(θ)
 * @property {number} sharpnessStdErr    its standard error
 * @property {number} trHSigma
 * @property {number} trHSigmaIso
 * @property {number[]} [topEigenvalues] the top of the Hessian spectrum, when computed
 */

/**
 * One worker: its methods, the generation of its last reset, what it is doing, its speed.
 * @typedef {{ k: number, methods: string[], gen: number, phase: string, busy: boolean, perf: any, etaMs: number | null, memoryBytes: number | null, reason?: string }} Shard */

export class FashionModel {
  /**
   * @param {{ io: FashionIO, on: FashionHooks, dir?: string, cores?: number, minimums?: Map<string, Uint8Array> }} p
   */
  constructor({ io, on, dir = 'pkg-scalar', cores = 2, minimums = new Map() }) {
    this.io = io;
    this.on = on;
    this.dir = dir;
    this.cores = cores;
    /** Stage-1 minimums by `network:seed` (checkpoint bytes), shared by the figures of a page. */
    this.minimums = minimums;
    /** @type {import('./settings.js').Settings} the settings chosen (always valid) */
    this.draft = defaultSettings(cores);
    /** @type {Record<string, string>} the settings refused, by name, with why */
    this.errors = {};
    /** @type {import('./settings.js').Settings | null} the settings of the live workers */
    this.settings = null;
    this.phase = 'off';
    this.playing = false;
    this.generation = 0;
    /** @type {Shard[]} */
    this.shards = [];
    /** @type {string[]} */
    this.ids = [];
    /** @type {Record<string, any[]>} */
    this.records = {};
    /** @type {Record<string, number>} */
    this.recordEvery = {};
    /** @type {any} the record at the minimum */
    this.start = null;
    /** @type {any[] | null} the native reference runs' summary (reference.js), once loaded */
    this.reference = null;
    /** @type {Record<string, number>} */
    this.iterations = {};
    /** @type {Record<string, any>} from the workers: non-finite loss, no longer stepped */
    this.diverged = {};
    /** @type {{ msPerIter: Record<string, number>, recordMs: number | null } | null} */
    this.perf = null;
    /** @type {number | null} */
    this.etaMs = null;
    /** @type {any} */
    this.stage1 = null;
    /** @type {number | null} the iteration step() runs to */
    this.stepTo = null;
    /** @type {Set<string>} */
    this.hidden = new Set();
    /** @type {string | null} */
    this.spectrumId = null;
    /** @type {number | null} */
    this.parameters = null;
    /** @type {any} the experiment's settings as the wasm reports them */
    this.config = null;
    /** @type {number[] | null} */
    this.layerSizes = null;
    /** @type {any} the image strip (from the first worker) */
    this.strip = null;
    /** @type {string | null} */
    this.minimumNote = null;
    /** @type {Record<string, string>} */
    this.names = Object.fromEntries(SCHEMA.methods);
    this.counters = { stage1Runs: 0, loadMs: /** @type {number | null} */ (null), progressMessages: 0 };
    /** @type {string | null} */
    this.engine = null;
    /** @type {string[]} errors reported (kept for getState) */
    this.errorLog = [];
    this.destroyed = false;
    this.dirty = { curves: true, spectrum: true, readout: true, text: true, legend: true, protocol: false, strip: false, form: true, playing: true, readoutSoon: false };
  }

  // ---------------------------------------------------------------- derived state

  /** @returns {boolean} whether a worker is computing */
  busy() { return this.shards.some((sh) => sh.busy); }

  /** @returns {number} the iteration every method that has not diverged has reached */
  minIteration() {
    const its = this.ids.filter((id) => !this.diverged[id]).map((id) => this.iterations[id] || 0);
    if (!its.length) return Math.max(0, ...this.ids.map((id) => this.iterations[id] || 0));
    return Math.min(...its);
  }

  /** @returns {number} the iteration play runs to */
  target() { return this.stepTo ?? this.draft.target; }

  /** @param {string} id @returns {{ kind: string, text: string, iteration?: number }} */
  status(id) { return methodStatus(this.records[id] || [], this.diverged[id]); }

  /** @returns {boolean} whether the chosen seed has no saved minimum (stage 1 must run) */
  stage1Forced() { return !savedMinimum(this.draft.network, this.draft.seed); }

  /** @returns {string[]} the methods whose curves show */
  visibleIds() { return this.ids.filter((id) => !this.hidden.has(id)); }

  /** @returns {any} the latest record of the method whose spectrum shows */
  spectrumRecord() {
    const rs = (this.spectrumId && this.records[this.spectrumId]) || [];
    return rs[rs.length - 1] || null;
  }

  // ---------------------------------------------------------------- settings

  /**
   * Settings from the form (any of Settings' keys). Bad ones are kept in `errors` (the view
   * marks them); valid ones replace the draft, and a structural change starts the experiment over.
   * @param {Record<string, any>} raw
   */
  edit(raw) {
    const { values, errors } = checkSettings(raw);
    this.errors = errors;
    const changed = this.assign(values);
    this.settingsChanged(changed || !!Object.keys(errors).length);
  }

  /**
   * A state from the API or a link: any settings, `hidden`, `spectrumMethod`, `playing`. A bad
   * setting throws an error naming it, and nothing changes.
   * @param {Record<string, any>} partial
   */
  setState(partial) {
    if (!partial || typeof partial !== 'object') return;
    const { values, errors } = checkSettings(partial);
    const bad = Object.values(errors);
    if (bad.length) throw new Error(`setState: ${bad.join(' ')}`);
    if (this.assign(values)) { this.errors = {}; this.settingsChanged(true); }
    if (Array.isArray(partial.hidden)) this.setHidden(partial.hidden);
    if (typeof partial.spectrumMethod === 'string' && this.names[partial.spectrumMethod]) this.setSpectrum(partial.spectrumMethod);
    if (partial.playing === true) this.play(); else if (partial.playing === false) this.pause();
    this.on.change();
  }

  /**
   * Valid settings into the draft; a seed without a saved minimum turns stage 1 on.
   * @param {Partial<import('./settings.js').Settings>} values
   * @returns {boolean} whether anything changed
   */
  assign(values) {
    const before = JSON.stringify(this.draft);
    Object.assign(this.draft, values);
    if (this.stage1Forced()) this.draft.fromScratch = true;
    this.dirty.form = true;
    return JSON.stringify(this.draft) !== before;
  }

  /** Stage 1 from scratch was asked for: forget a minimum computed earlier for these settings. */
  forgetMinimum() { this.minimums.delete(`${this.draft.network}:${this.draft.seed}`); }

  /** @param {boolean} changed */
  settingsChanged(changed) {
    this.dirty.text = true;
    this.dirty.form = true;
    this.draw();
    this.on.change();
    if (!changed || Object.keys(this.errors).length) return;
    if (this.settings && sameStructure(this.draft, this.settings) && this.shards.length) {
      this.targetChanged();
      return;
    }
    this.restart(this.shards.length ? 'New settings: the experiment starts over. Press Play.' : null);
  }

  /** A new iteration target: running workers take it on the fly, finished ones go on. */
  targetChanged() {
    if (!this.settings) return;
    this.settings = { ...this.settings, target: this.draft.target };
    if (this.phase === 'running') {
      const t = this.target();
      for (const sh of this.shards) if (sh.busy) this.io.post(sh.k, { type: 'target', target: t });
      if (this.playing) for (const sh of this.shards) {
        if (sh.busy || !runnable(this, sh, t)) continue;
        sh.busy = true;
        this.io.post(sh.k, { type: 'run', target: t });
      }
    }
    this.markDirty();
  }

  /** @param {string[]} ids the methods whose curves hide */
  setHidden(ids) {
    this.hidden = new Set(ids.filter((id) => this.names[id]));
    this.dirty.legend = true;
    this.markDirty();
  }

  /** @param {string} id shows or hides the curves of method `id` */
  toggleHidden(id) {
    if (this.hidden.has(id)) this.hidden.delete(id); else this.hidden.add(id);
    this.setHidden([...this.hidden]);
    this.on.change();
  }

  /** @param {string} id the method whose spectrum shows */
  setSpectrum(id) {
    this.spectrumId = id;
    this.dirty.spectrum = true;
    this.dirty.legend = true;
    this.draw();
  }

  /** The paper's stage 2 (settings.js paperSettings): the CNN, all eight, to 15,000, playing. */
  paperProtocol() {
    const p = paperSettings(this.cores);
    const was = this.draft.network;
    const { playing, ...settings } = p;
    this.errors = {};
    this.settingsChanged(this.assign(settings));
    if (playing) this.play();
    const net = was === p.network ? `${networkName(p.network)}` : `${networkName(p.network)} (switched from ${networkName(was)})`;
    this.on.status(`Paper protocol: ${net}, all eight dynamics to iteration ${int(p.target)}, a record every ${int(p.logEvery)}, split over ${this.shards.length || p.threads} worker(s).`);
    this.on.change();
  }

  // ---------------------------------------------------------------- the workers

  /** Starts the workers for the chosen settings (a no-op while they run; run.js). */
  begin() { beginRun(this); }

  /** Back to the minimum without reloading: every worker resets in place (run.js). */
  reset() { resetRun(this); }

  /** Moves the experiment on as far as the current phase allows, if playing (run.js). */
  go() { goOn(this); }

  /**
   * A reply of worker `k` (worker.js protocol; run.js); replies from before its last reset are dropped.
   * @param {number} k
   * @param {any} msg
   */
  receive(k, msg) { receiveReply(this, k, msg); }

  /** Stops the workers. */
  stop() {
    this.io.stop();
    this.shards = [];
    this.generation += 1;
    this.phase = 'off';
    this.dirty.readout = true;
  }

  /** @param {string | null} why terminates the workers and starts fresh ones (if there were any) */
  restart(why) {
    const wasStarted = this.shards.length > 0;
    this.stop();
    this.setPlaying(false);
    if (wasStarted || why === 'reset') {
      this.begin();
      if (why && why !== 'reset') this.on.status(why);
    }
  }

  /** @param {string} message something went wrong for good: pause every worker and say so */
  fail(message) {
    for (const sh of this.shards) if (sh.busy) this.io.post(sh.k, { type: 'pause' });
    this.phase = 'error';
    this.setPlaying(false);
    this.on.error('FashionMNIST', message);
  }

  // ---------------------------------------------------------------- playback

  /** @param {boolean} on */
  setPlaying(on) {
    const changed = this.playing !== on;
    this.playing = on;
    this.dirty.playing = true;
    this.draw();
    if (changed) this.on.change();
  }

  play() {
    if (this.playing) return;
    if (this.phase === 'error') this.restart('reset');
    this.setPlaying(true);
    if (!this.shards.length) this.begin();
    if (this.phase === 'loading') this.on.status('Loading; the experiment runs as soon as the minimum is ready…');
    this.go();
  }

  pause() {
    this.stepTo = null;
    if (!this.playing) return;
    this.setPlaying(false);
    if (this.busy()) {
      for (const sh of this.shards) if (sh.busy) this.io.post(sh.k, { type: 'pause' });
      this.on.status('Pausing after the current chunk…');
    }
  }

  /** Every method to its next record (or stage 1 to its end), then pause. */
  step() {
    if (this.playing) return;
    // Stage 1 runs to its end and stops at the minimum (a target of iteration 0).
    if (['need-stage1', 'stage1'].includes(this.phase)) this.stepTo = 0;
    if (this.phase === 'ready' && this.settings) {
      const every = this.settings.logEvery;
      const next = (Math.floor(this.minIteration() / every) + 1) * every;
      this.stepTo = this.draft.target > this.minIteration() ? Math.min(this.draft.target, next) : next;
    }
    this.play();
  }

  /** Marks the curves, the spectrum, the numbers and the captions for redrawing. */
  markDirty() {
    Object.assign(this.dirty, { curves: true, spectrum: true, readout: true, text: true });
    this.draw();
  }

  draw() { if (!this.destroyed) this.on.draw(); }

  // ---------------------------------------------------------------- the public state

  /** The settings and choices: plain JSON, what setState takes back. */
  getState() {
    const s = this.draft;
    return {
      methods: [...s.methods], seed: s.seed, logEvery: s.logEvery, target: s.target, threads: s.threads,
      fromScratch: !!s.fromScratch, network: s.network, maxRecords: s.maxRecords,
      playing: this.playing, spectrumMethod: this.spectrumId, hidden: [...this.hidden],
    };
  }

  /** The live numbers (plain JSON-able): what getState of the figure adds to the settings. */
  readout() {
    /** @type {Record<string, any>} */
    const escaped = {};
    for (const id of this.ids) { const s = this.status(id); if (s.kind === 'escaped' || s.kind === 'diverged') escaped[id] = s; }
    const memory = this.shards.map((sh) => sh.memoryBytes);
    return {
      phase: this.phase, busy: this.busy(), ready: ['ready', 'running'].includes(this.phase),
      iteration: this.minIteration(), iterations: this.iterations, records: this.records, recordEvery: this.recordEvery,
      start: this.start, diverged: this.diverged, escaped, perf: this.perf, etaMs: this.etaMs, stage1: this.stage1,
      stage1Runs: this.counters.stage1Runs, loadMs: this.counters.loadMs, progressMessages: this.counters.progressMessages,
      parameters: this.parameters, engine: this.engine, shards: this.shards.length, groups: this.shards.map((sh) => sh.methods),
      memoryBytes: memory.some((b) => b !== null) ? memory.reduce((a, b) => /** @type {number} */ (a) + (b || 0), 0) : null,
      memoryByShard: memory, errors: this.errorLog,
      liveText: liveCaptionOf(this), spectrumText: spectrumCaptionOf(this),
    };
  }

  /**
   * The records so far: 'json' ({ figure, settings, config, start, records, recordEvery,
   * diverged }) or 'csv' (one row per record).
   * @param {string} [format]
   */
  exportCurves(format = 'json') {
    if (format === 'csv') {
      const rows = [];
      for (const id of this.ids) for (const r of this.records[id] || []) rows.push({ method: id, ...r });
      return toCsv(rows, CSV_COLUMNS);
    }
    if (format !== 'json') throw new Error(`exportCurves: format must be 'json' or 'csv', got ${String(format)}`);
    const { settings, config, start, records, recordEvery, diverged } = this;
    return JSON.stringify({ figure: 'fashion', settings, config, start, records, recordEvery, diverged });
  }
}

/** @type {[string, (r: any) => unknown][]} */
const CSV_COLUMNS = [
  ...['method', 'iteration', 'trainLoss', 'trainAccuracy', 'cleanAccuracy', 'corruptedAccuracy', 'testAccuracy', 'sharpness', 'sharpnessStdErr', 'trHSigma', 'trHSigmaIso', 'trH', 'trSigma']
    .map((k) => /** @type {[string, (r: any) => unknown]} */ ([k, (r) => r[k]])),
  ['lambda1', (r) => (r.topEigenvalues ? r.topEigenvalues[0] : null)],
  ['aHat', (r) => r.aHat],
];

