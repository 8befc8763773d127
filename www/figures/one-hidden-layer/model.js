// The model of the one-hidden-layer figure (paper Figure 4): the study's state and its training
// loop, with no DOM. One epoch per request to the worker (through `io`: client.js, or a stand-in
// in the unit tests), at most one request in flight, paced so the training can be watched
// (PACE_MS between epochs) unless a state asks for an epoch (then as fast as it goes). The
// records are bounded by the study (one per epoch, at most 1000 epochs).
//
// settings.js (settings, links) and captions.js (sentences from the records) are re-exported
// here, so `model.js` is the one import for everything about the figure's state.

import { toCsv } from '../../lib/curves.js';
import { DEFAULT_CONFIG, checkSettings, configChanged, pickConfig } from './settings.js';
import { doneCaption, liveCaption } from './captions.js';

export * from './settings.js';
export * from './captions.js';

/** The decision grid's side (points per axis). */
export const GRID_N = 96;
/** Slowest pace: at least this long between epochs, so the boundary visibly moves. */
export const PACE_MS = 140;

/**
 * What the model needs from the outside.
 * @typedef {object} OhlIO
 * @property {() => void} start            starts the worker (throws if it cannot)
 * @property {() => void} stop             stops it
 * @property {(msg: any) => void} post     a message to it
 * @property {(fn: () => void, ms: number) => void} later  runs fn after ms
 * @property {() => number} now            milliseconds (performance.now)
 */

/**
 * What the model tells the outside.
 * @typedef {object} OhlHooks
 * @property {(text: string, kind?: string) => void} status
 * @property {(context: string, message: string) => void} error
 * @property {() => void} change   the state (getState) changed
 * @property {() => void} draw     something in `dirty` is set
 */

const CSV_COLUMNS = /** @type {[string, (r: any) => unknown][]} */ (
  ['epoch', 'trainLoss', 'trainAccuracy', 'trHSigma', 'trHSigmaIso', 'trH', 'trSigma'].map((k) => [k, (/** @type {any} */ r) => r[k]]));

export class OneHiddenLayerModel {
  /**
   * @param {{ io: OhlIO, on: OhlHooks, dir?: string, state?: Record<string, any> }} p
   */
  constructor({ io, on, dir = 'pkg-scalar', state = {} }) {
    this.io = io;
    this.on = on;
    this.dir = dir;
    /** @type {Record<string, any>} what the worker's study is built with */
    this.config = { ...DEFAULT_CONFIG, ...pickConfig(state) };
    /** @type {any} the study's settings as the worker reports them */
    this.settings = null;
    this.started = false;
    this.ready = false;
    this.loading = false;
    this.playing = false;
    this.inFlight = false;
    this.lastPost = -Infinity;
    this.epoch = 0;
    this.epochs = /** @type {number} */ (this.config.epochs);
    /** @type {number | null} setState({ epoch }): train to it unpaced, then stop */
    this.runTo = null;
    this.stepOnce = false;
    this.stepFrom = 0;
    /** @type {any[]} one per epoch */
    this.records = [];
    /** @type {Float64Array | null} */
    this.inputs = null;
    /** @type {Float64Array | null} */
    this.labels = null;
    /** @type {{ values: Float32Array, n: number } | null} the network's output over the square */
    this.grid = null;
    /** @type {number[]} wasm time of the latest epochs */
    this.epochMs = [];
    /** @type {number | null} */
    this.memoryBytes = null;
    /** @type {string | null} */
    this.engine = null;
    this.done = false;
    /** @type {string[]} errors reported (kept for getState) */
    this.errorLog = [];
    this.destroyed = false;
    this.dirty = { traces: true, boundary: true, readout: true, protocol: false, playing: true, live: false };
  }

  /** @returns {number | null} the epoch the learning rate starts decaying from */
  decayFrom() { return this.settings ? this.settings.decayStart : null; }

  /** @returns {string} the live caption ('' before the first record) */
  liveCaption() { return this.records.length ? liveCaption(this.records, this.settings ? this.settings.parameters : null) : ''; }

  /** @returns {Record<string, any>} the study's settings in use (as reported), else those asked for */
  currentConfig() {
    return this.settings ? { ...this.config, ...pickConfig(this.settings) } : { ...this.config };
  }

  /** Starts the worker and builds the study (a no-op once started). */
  begin() {
    if (this.started || this.destroyed) return;
    this.loading = true;
    this.on.status('Loading the WebAssembly module…');
    try {
      this.io.start();
    } catch (e) {
      this.fail('Worker', /** @type {Error} */ (e).message || String(e));
      return;
    }
    this.started = true;
    this.io.post({ type: 'init', dir: this.dir, config: this.config, grid: GRID_N });
  }

  /**
   * @param {string} context
   * @param {string} message reported in the status line; playing stops
   */
  fail(context, message) {
    this.on.error(context, message);
    this.setPlaying(false);
  }

  /** @param {boolean} on */
  setPlaying(on) {
    const changed = this.playing !== on;
    this.playing = on;
    this.dirty.playing = true;
    this.draw();
    if (changed) this.on.change();
    if (on) this.loop();
  }

  /** @returns {string} what the play button says */
  playLabel() {
    return this.playing ? 'Pause' : (this.epoch >= this.epochs ? 'Done' : this.epoch > 0 ? 'Resume' : 'Play');
  }

  /** Asks for the next epoch when it is time (playing, ready, nothing in flight). */
  loop() {
    if (!this.playing || !this.ready || this.inFlight) return;
    const goal = this.runTo ?? this.epochs;
    if (this.epoch >= goal || (this.stepOnce && this.epoch > this.stepFrom)) {
      const reachedEnd = this.epoch >= this.epochs;
      const stepped = this.stepOnce;
      this.runTo = null;
      this.stepOnce = false;
      this.done = reachedEnd;
      this.setPlaying(false);
      if (reachedEnd) this.on.status(doneCaption(this.records, this.epochs), 'ok');
      else this.on.status(stepped ? `Stepped to epoch ${this.epoch}.` : `At epoch ${this.epoch}.`, 'ok');
      return;
    }
    // Paced for watching, unless a state asks for an epoch (then as fast as it goes).
    const wait = this.runTo !== null ? 0 : PACE_MS - (this.io.now() - this.lastPost);
    if (wait > 0) { this.io.later(() => this.loop(), wait); return; }
    this.inFlight = true;
    this.lastPost = this.io.now();
    this.io.post({ type: 'epoch' });
  }

  /** @param {any} msg a reply of the worker (worker.js protocol) */
  receive(msg) {
    if (Number.isFinite(msg.memoryBytes)) this.memoryBytes = msg.memoryBytes;
    switch (msg.type) {
      case 'ready':
        Object.assign(this, { ready: true, loading: false, epoch: msg.epoch, epochs: msg.epochs, records: msg.records, inputs: msg.inputs, labels: msg.labels, settings: msg.settings || null, grid: msg.grid });
        this.engine = msg.build && msg.build.simd ? 'wasm SIMD128' : 'wasm scalar';
        Object.assign(this.dirty, { protocol: true, traces: true, boundary: true, readout: true, live: true });
        // The seed in the line: a New seed's own status may arrive before this reply.
        this.on.status(this.playing ? 'Training…' : `Ready: the untrained network at epoch 0 (seed ${this.config.seed}). Press Play.`, 'ok');
        if (this.playing) this.setPlaying(true);
        break;
      case 'epoch':
        this.inFlight = false;
        this.epoch = msg.epoch;
        this.epochs = msg.epochs;
        if (msg.record) this.records.push(msg.record);
        this.epochMs.push(msg.ms);
        if (this.epochMs.length > this.epochs) this.epochMs.shift();
        this.grid = msg.grid;
        Object.assign(this.dirty, { traces: true, boundary: true, readout: true, live: true });
        this.on.change();
        if (this.playing) this.on.status(`Training: epoch ${this.epoch} of ${this.epochs} (${msg.ms.toFixed(0)} ms in wasm).`);
        this.loop();
        break;
      case 'fatal':
        this.loading = false;
        this.fail('One hidden layer', msg.message);
        break;
      case 'error':
        this.inFlight = false;
        this.fail('One hidden layer', msg.message);
        break;
      default:
    }
    this.draw();
  }

  /** Back to the untrained network: a fresh worker. */
  reset() {
    this.io.stop();
    Object.assign(this, { started: false, ready: false, inFlight: false, epoch: 0, records: [], runTo: null, stepOnce: false, done: false, epochMs: [] });
    this.setPlaying(false);
    Object.assign(this.dirty, { readout: true, live: true });
    this.begin();
    this.on.status('Reset to epoch 0.');
    this.on.change();
  }

  play() {
    if (!this.started) this.begin();
    if (this.playing || this.epoch >= this.epochs) return;
    this.setPlaying(true);
    this.on.status(this.ready ? 'Training…' : 'Loading, then training…');
  }

  pause() {
    this.runTo = null;
    this.stepOnce = false;
    if (!this.playing) return;
    this.setPlaying(false);
    this.on.status(`Paused at epoch ${this.epoch}.`);
  }

  /** One epoch, then pause. */
  step() {
    if (this.playing || this.epoch >= this.epochs) return;
    this.stepOnce = true;
    this.stepFrom = this.epoch;
    this.play();
  }

  /** The settings and the epoch: plain JSON, what setState takes back. */
  getState() {
    return { epoch: this.epoch, playing: this.playing, ...this.currentConfig() };
  }

  /**
   * A state: the study's settings (seed, epochs, samples, lr: new ones start over), `epoch`
   * (train to it as fast as it goes, or from the start if below the current one), `playing`.
   * A bad value throws an error naming it, and nothing changes.
   * @param {Record<string, any>} partial
   */
  setState(partial) {
    if (!partial || typeof partial !== 'object') return;
    const now = this.currentConfig();
    const next = { ...now, ...pickConfig(partial) };
    const errors = checkSettings(partial);
    if (partial.epoch !== undefined && partial.epoch > next.epochs) errors.push(`epoch must be at most epochs (${next.epochs}), got ${partial.epoch}`);
    if (errors.length) throw new Error(`setState: ${errors.join('; ')}`);
    if (configChanged(next, now)) {
      this.config = next;
      this.settings = null;
      this.epochs = next.epochs;
      this.reset();
    }
    if (partial.epoch !== undefined) {
      const to = partial.epoch;
      if (to < this.epoch) this.reset();
      if (to > this.epoch) { this.runTo = to; this.play(); }
    }
    if (partial.playing === true) this.play(); else if (partial.playing === false && this.runTo === null) this.pause();
  }

  /** The live numbers (plain JSON-able): what getState of the figure adds to the settings. */
  readout() {
    return {
      ready: this.ready, playing: this.playing, done: this.done, epoch: this.epoch, epochs: this.epochs,
      records: this.records, epochMs: this.epochMs, memoryBytes: this.memoryBytes, settings: this.settings,
      engine: this.engine, errors: this.errorLog, liveText: this.liveCaption(),
    };
  }

  /**
   * The records so far: 'json' ({ figure, settings, records }) or 'csv'.
   * @param {string} [format]
   */
  exportCurves(format = 'json') {
    if (format === 'csv') return toCsv(this.records, CSV_COLUMNS);
    if (format !== 'json') throw new Error(`exportCurves: format must be 'json' or 'csv', got ${String(format)}`);
    return JSON.stringify({ figure: 'ohl', settings: this.settings, records: this.records });
  }

  draw() { if (!this.destroyed) this.on.draw(); }
}
