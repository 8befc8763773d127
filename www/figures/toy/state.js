// The 2-D figure's live state and what derives from it, no DOM (unit-testable in node): what the
// workers reported (the methods, the config, the latest state, the indicators, the landscape's
// analysis, the prediction), what the page shows (hidden methods, the timeline, lecture mode),
// the bookkeeping of its requests, the link of what is on screen, what a worker's `ready` and
// `invalid` replies mean, and the figure's getState() readout.

import { SCHEMA, toyHash, indicatorRows, liveCaption } from './model.js';

/**
 * The figure's live state, empty: nothing loaded, nothing simulated, everything to draw.
 * @returns {ToyApp}
 */
export function createApp() {
  return {
    client: null,
    scrubbed: null,
    pendingSeek: null,
    extra: {},
    dir: null,
    ready: false,
    started: false,
    methodInfo: [],
    names: {},
    presets: [],
    simulated: [],
    hidden: new Set(),
    config: null,
    indicators: null,
    analysis: null,
    predictions: null,
    predictionSteps: 0,
    configReq: 0,
    state: null,
    fellBack: false,
    nextReq: 1,
    raf: 0,
    playAfterConfigure: false,
    motionHeld: false,
    controls: null,
    lecture: false,
    destroyed: false,
    describedAt: 0,
    hash: '',
    dirty: { landscape: true, escape: true, indicator: true, prediction: true },
  };
}

/**
 * @typedef {object} ToyApp
 * @property {import('./client.js').ToyClient | null} client the workers (null before start, after destroy)
 * @property {number | null} scrubbed the timeline's iteration when it was moved (written to the link), else null
 * @property {number | null} pendingSeek a link's timeline iteration, sought once the simulation is configured
 * @property {Record<string, unknown>} extra a link's settings without a field in the card, sent on configure
 * @property {string | null} dir the wasm build the workers load ('pkg' or 'pkg-scalar')
 * @property {boolean} ready whether the workers said `ready` (methods, presets, defaults known)
 * @property {boolean} started whether start() ran
 * @property {{ id: string, name: string }[]} methodInfo every method, in canonical order
 * @property {Record<string, string>} names the methods' names by id
 * @property {any[]} presets the presets the workers listed
 * @property {string[]} simulated the methods of the current simulation
 * @property {Set<string>} hidden the methods the legend hides
 * @property {any} config the simulated config (null until the first configure is answered)
 * @property {any} indicators the indicators of the simulated landscape and methods
 * @property {any} analysis the core's analysis of the simulated landscape (eigenpairs, GD's limit, barrier)
 * @property {Record<string, ArrayLike<number>> | null} predictions per method, the predicted mean loss at iterations 0..=predictionSteps
 * @property {number} predictionSteps how many iterations the prediction covers
 * @property {number} configReq the req of the configure in flight (its reply lets the next, coalesced, one go)
 * @property {any} state the workers' latest (merged) state
 * @property {boolean} fellBack whether a bad first link was replaced by the paper's settings
 * @property {number} nextReq the req of the next request
 * @property {number} raf the animation frame requested
 * @property {boolean} playAfterConfigure a link asked to play: Play once the simulation is configured
 * @property {boolean} motionHeld a link asked to play, refused for prefers-reduced-motion (said once configured)
 * @property {string[] | null} controls the embed's control list (kept in the hash)
 * @property {boolean} lecture lecture mode
 * @property {boolean} destroyed whether destroy() ran
 * @property {number} describedAt the iteration the live caption was last written at
 * @property {string} hash the link of what is on screen, as last reported
 * @property {{ landscape: boolean, escape: boolean, indicator: boolean, prediction: boolean }} dirty what the next frame redraws
 */

/**
 * What getState() reports besides the settings: readiness, link notices, errors, timings.
 * @returns {ToyInfo}
 */
export function createInfo() {
  return { grids: 0, gridSize: 0, engine: null, workers: 0, errors: [], notices: [], warnings: [], link: null, copiedLink: null, statesReceived: 0, framesDrawn: 0, drawMs: 0, gridMs: 0, skipMs: null, skipStartedAt: 0 };
}

/**
 * @typedef {object} ToyInfo
 * @property {number} grids heatmaps received
 * @property {number} gridSize the last heatmap's width in cells
 * @property {string | null} engine 'wasm SIMD128' or 'wasm scalar' once loaded
 * @property {number} workers how many workers run the simulation
 * @property {string[]} errors every error reported
 * @property {string[]} notices the link's notices, as `key: message`
 * @property {string[]} warnings the link's warnings
 * @property {any} link the parsed link last applied
 * @property {string | null} copiedLink the link "Copy link" last copied
 * @property {number} statesReceived states the workers sent
 * @property {number} framesDrawn landscape frames drawn
 * @property {number} drawMs the last landscape frame's time
 * @property {number} gridMs the last heatmap's preparation time
 * @property {number | null} skipMs how long the last "skip to end" took
 * @property {number} skipStartedAt when the last "skip to end" started (performance.now())
 */

/** @param {ToyApp} app @returns {string[]} the simulated methods the legend shows */
export function visibleIds(app) {
  return app.simulated.filter((id) => !app.hidden.has(id));
}

/** @param {ToyApp} app the indicator table's rows (model.js indicatorRows) */
export function rows(app) {
  return indicatorRows(app.simulated, app.indicators, app.names);
}

/** @param {ToyApp} app what the prediction panel draws and says (prediction.js) */
export function predictionArgs(app) {
  return { ids: visibleIds(app), names: app.names, predictions: app.predictions, state: app.state, steps: app.predictionSteps };
}

/**
 * The canonical hash of what is on screen ('' before the first simulation).
 * @param {ToyApp} app
 * @param {{ target: number | null, speed: number, playing: boolean }} transport
 */
export function screenHash(app, { target, speed, playing }) {
  if (!app.config) return '';
  return toyHash({ config: app.config, iterations: target, iteration: app.scrubbed ?? null, speed, playing, hidden: app.simulated.filter((id) => app.hidden.has(id)), controls: app.controls, lecture: app.lecture });
}

/**
 * The link a preset of this figure opens: the preset, keeping the embed's controls and lecture mode.
 * @param {string} id
 * @param {string[] | null} controls
 * @param {boolean} lecture
 */
export function presetLink(id, controls, lecture) {
  return `preset=${encodeURIComponent(id)}${controls ? `&controls=${controls.join(',')}` : ''}${lecture ? '&lecture=1' : ''}`;
}

/**
 * A parsed link's notices as getState() reports them (`key: message`).
 * @param {{ notices: { key: string, message: string }[] }} link
 */
export function linkNotices(link) {
  return link.notices.map((n) => `${n.key}: ${n.message}`);
}

/**
 * What a link's `play` becomes: played once configured, or, under prefers-reduced-motion, held
 * (a link never starts the animation by itself there; Play still works).
 * @param {boolean} play
 * @param {boolean} reducedMotion
 */
export function linkMotion(play, reducedMotion) {
  return { playAfterConfigure: play && !reducedMotion, motionHeld: play && reducedMotion };
}

/**
 * What the workers' `ready` reply says: the methods' names, the engine's words, and whether the
 * build loaded is the one asked for (a SIMD build from ./pkg/, a scalar one otherwise).
 * @param {{ methods: { id: string, name: string }[], build?: { simd?: boolean }, workers: number, dir: string }} msg
 */
export function readyInfo(msg) {
  const simd = !!(msg.build && msg.build.simd);
  const engine = simd ? 'wasm SIMD128' : 'wasm scalar';
  return {
    names: Object.fromEntries(msg.methods.map((m) => [m.id, m.name])),
    simd,
    engine,
    engineText: `${engine}${msg.workers > 1 ? ` × ${msg.workers} workers` : ''}`,
    buildMismatch: (msg.dir === 'pkg') !== simd,
  };
}

/**
 * Where an `invalid` reply's errors go: the setting it names (the first `name` in backquotes of
 * its message, else its field) and the message per setting (its fieldErrors, else the message at
 * that setting).
 * @param {{ message: string, field?: string, fieldErrors?: Record<string, string> }} msg
 * @returns {{ field: string | undefined, perField: Record<string, unknown> }}
 */
export function invalidErrors(msg) {
  const named = /`([A-Za-z]+)`/.exec(msg.message);
  const field = named ? named[1] : msg.field;
  /** @type {Record<string, unknown>} */
  const perField = { ...(msg.fieldErrors || {}) };
  // A message that names no setting stays the status line's (no field to mark).
  if (!Object.keys(perField).length && field !== undefined) perField[field] = msg.message;
  return { field, perField };
}

/**
 * The figure's state, plain JSON (see registry.js): the settings on screen, the live numbers of
 * the last state (its arrays live, not copied), the link's notices, errors and timings.
 * @param {{ app: ToyApp, info: ToyInfo, playing: boolean, inFlight: number, target: number | null, speed: number, captions: { figure: string, shape: string, prediction: string }, configures: { sent: number, dropped: number } }} p
 */
export function figureState({ app, info, playing, inFlight, target, speed, captions, configures }) {
  const s = app.state;
  return {
    figure: 'toy',
    started: app.started,
    ready: !!(app.config && s),
    playing,
    iteration: s ? s.iteration : 0,
    hash: app.hash,
    config: app.config,
    target,
    speed,
    hidden: [...app.hidden],
    lecture: app.lecture,
    dir: app.dir,
    engine: info.engine,
    workers: info.workers,
    runs: s ? s.runs : 0,
    escaped: s ? { ...s.escaped } : {},
    diverged: s ? { ...s.diverged } : {},
    // The live arrays of the last state (not copies): per method, [w1, w2, ...] of the drawn
    // runs, and the escape curve (fraction escaped every curveStride iterations).
    positions: s ? s.positions : {},
    curves: s ? s.curves : {},
    curveStride: s ? s.curveStride : 0,
    indicators: app.indicators,
    // The core's analysis of the landscape, and per method the predicted mean loss at
    // iterations 0..=predictionSteps (the state's meanLoss and lossSd are the measurement).
    landscape: app.analysis,
    predictions: app.predictions,
    predictionSteps: app.predictionSteps,
    meanLoss: s ? s.meanLoss : {},
    lossSd: s ? s.lossSd : {},
    captions: { figure: captions.figure, live: app.config ? liveCaption({ indicators: app.indicators || {}, config: app.config, names: app.names, target, at: app.analysis ? app.analysis.sharpMinimum : null }) : '', shape: captions.shape, prediction: captions.prediction },
    link: info.link,
    notices: info.notices,
    warnings: info.warnings,
    errors: info.errors.slice(),
    copiedLink: info.copiedLink,
    stats: { grids: info.grids, gridSize: info.gridSize, configuresSent: configures.sent, configuresReplaced: configures.dropped, statesReceived: info.statesReceived, framesDrawn: info.framesDrawn, drawMs: info.drawMs, gridMs: info.gridMs, skipMs: info.skipMs, skipStartedAt: info.skipStartedAt, inFlight, memoryBytes: app.client ? app.client.memoryBytes() : 0 },
  };
}

/**
 * How many iterations the loss prediction covers: the first ones up to the pause-at iteration
 * (the schema's default when unreadable), at most `max`.
 * @param {number | null} target
 * @param {number} max
 */
export function predictionSpan(target, max) {
  return Math.min(target ?? SCHEMA.iterations.default, max);
}
