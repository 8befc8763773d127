// The host <-> figure message protocol of an embedded figure (embed.html in an iframe, or the
// <sgd-escape> element), so slides (reveal.js fragments) or a lecturer's own buttons can
// drive a figure and follow its state. Pure module: no DOM, the window is passed in.
//
// Host to figure: postMessage({ type: 'sgd-escape', command, ... }) with command
//   play | pause | reset [seed] | step [count] | preset id | setState (state: { linkKey: value },
//   applied on top of the current settings, or hash: '#key=value&...', a whole link).
// Figure to host: { type: 'sgd-escape', event: 'ready', figure } once, then
//   { type: 'sgd-escape', event: 'state', figure, iteration, playing, escaped: { id: count } }
//   on every change, at most once per animation frame.
// Unknown or malformed messages are ignored with a console warning, never executed; messages
// from any window but the parent are ignored unless the embed opts in (allowAnyWindow).

import { errorText } from './status.js';

/** @typedef {string | number | boolean | string[]} LinkValue a link key's value in a setState command */
/**
 * A host's command, cleaned: only the fields its command uses.
 * @typedef {{ command: 'play' } | { command: 'pause' } | { command: 'step', count: number } | { command: 'reset', seed?: number }
 *   | { command: 'preset', id: string } | { command: 'setState', hash: string } | { command: 'setState', state: Record<string, LinkValue> }} HostCommand
 */
/** @typedef {{ ok: true, command: HostCommand } | { ok: false, reason: string }} ParsedMessage */
/** @typedef {{ [K in HostCommand['command']]?: (command: Extract<HostCommand, { command: K }>) => void }} Handlers */
/** @typedef {{ iteration: number, playing?: boolean, escaped?: Record<string, number> | null }} StateReport what a state report carries */
/**
 * The part of a window the protocol uses: the element's stand-in (www/sgd-escape.js) and the
 * tests' fake windows provide just this.
 * @typedef {object} HostWindow
 * @property {{ postMessage: (message: any, targetOrigin: string) => void } | null} parent
 * @property {(type: 'message', listener: (event: MessageEvent) => void) => void} addEventListener
 * @property {(type: 'message', listener: (event: MessageEvent) => void) => void} removeEventListener
 * @property {(f: () => void) => any} requestAnimationFrame
 */
/**
 * @typedef {object} ConnectOptions
 * @property {HostWindow} win            the figure's window
 * @property {string} figure             its id
 * @property {Handlers} [handlers]
 * @property {boolean} [allowAnyWindow]
 * @property {string} [targetOrigin]
 * @property {(...a: any[]) => void} [warn]
 * @property {(f: () => void) => any} [raf]
 * @property {string} [name]
 */

/** The `type` every message of the protocol carries. */
export const MESSAGE_TYPE = 'sgd-escape';

/** The commands a host may send. */
export const COMMANDS = Object.freeze(['play', 'pause', 'step', 'reset', 'preset', 'setState']);

/** Largest `count` of a step command. */
export const MAX_STEP_COUNT = 100000;

/**
 * @param {unknown} v
 * @returns {v is Record<string, any>}
 */
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
  && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * @param {unknown} v
 * @param {number} min
 * @param {number} max
 * @returns {v is number}
 */
const isInteger = (v, min, max) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Validates a host message. Returns `{ ok: true, command }` with a clean command object (only
 * the fields its command uses), `{ ok: false, reason }` for a malformed message of the
 * protocol, or `null` for a message that is not of the protocol at all (another library's
 * message on the same window: ignored silently).
 * @param {unknown} data
 * @returns {ParsedMessage | null}
 */
export function parseHostMessage(data) {
  if (!isPlainObject(data) || data.type !== MESSAGE_TYPE) return null;
  if ('event' in data && !('command' in data)) return null; // a figure's own report, echoed
  const { command } = data;
  if (typeof command !== 'string' || !COMMANDS.includes(command)) {
    return { ok: false, reason: `unknown command ${JSON.stringify(String(command)).slice(0, 40)}; the commands are ${COMMANDS.join(', ')}` };
  }
  switch (command) {
    case 'play':
    case 'pause':
      return { ok: true, command: { command } };
    case 'step': {
      const count = data.count === undefined ? 1 : data.count;
      if (!isInteger(count, 1, MAX_STEP_COUNT)) return { ok: false, reason: `step: count must be an integer in 1..${MAX_STEP_COUNT}` };
      return { ok: true, command: { command, count } };
    }
    case 'reset': {
      if (data.seed === undefined) return { ok: true, command: { command } };
      if (!isInteger(data.seed, 0, 4294967295)) return { ok: false, reason: 'reset: seed must be an integer in 0..4294967295' };
      return { ok: true, command: { command, seed: data.seed } };
    }
    case 'preset': {
      if (typeof data.id !== 'string' || !/^[a-z0-9-]{1,64}$/.test(data.id)) return { ok: false, reason: 'preset: id must be a preset id (lower-case letters, digits and dashes)' };
      return { ok: true, command: { command, id: data.id } };
    }
    case 'setState': {
      if (typeof data.hash === 'string') {
        if (data.hash.length > 4096) return { ok: false, reason: 'setState: hash longer than 4096 characters' };
        return { ok: true, command: { command, hash: data.hash.startsWith('#') ? data.hash : `#${data.hash}` } };
      }
      if (!isPlainObject(data.state)) return { ok: false, reason: 'setState: needs state (an object of link keys) or hash (a string)' };
      // A copy holding only link keys with plain values: the figure's setState validates the
      // values themselves (ranges, method ids) and names a bad one.
      /** @type {Record<string, LinkValue>} */
      const state = {};
      for (const [key, value] of Object.entries(data.state)) {
        if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(key)) return { ok: false, reason: `setState: ${JSON.stringify(key.slice(0, 40))} is not a link key` };
        const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
          || (Array.isArray(value) && value.length <= 64 && value.every((v) => typeof v === 'string'));
        if (!ok) return { ok: false, reason: `setState: ${key} must be a string, a finite number, a boolean or a list of strings` };
        state[key] = Array.isArray(value) ? [...value] : value;
      }
      return { ok: true, command: { command, state } };
    }
    default:
      return { ok: false, reason: `unknown command ${command}` };
  }
}

/**
 * A state report as the host receives it.
 * @param {string} figure
 * @param {StateReport} report
 */
export function stateMessage(figure, { iteration, playing, escaped }) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const [id, n] of Object.entries(escaped || {})) if (Number.isFinite(n)) counts[id] = n;
  return { type: MESSAGE_TYPE, event: 'state', figure, iteration, playing: Boolean(playing), escaped: counts };
}

/**
 * Connects a figure to its host window.
 *
 * options: { win (the figure's window), figure (its id), handlers: { play, pause, step, reset,
 *   preset, setState } (each called with the clean command; a missing one is a warning),
 *   allowAnyWindow (accept messages from any window, default false), targetOrigin (of the
 *   reports, default '*': they carry only the figure's public state), warn (default
 *   console.warn), raf (default win.requestAnimationFrame), name (this figure's name: a
 *   message with another `target` is for another figure and ignored) }.
 * Returns { ready(), reportState(state), dispose() }.
 * @param {ConnectOptions} options
 */
export function connectHost(options) {
  const { win, figure, handlers = {}, allowAnyWindow = false, targetOrigin = '*' } = options;
  const warn = options.warn || ((/** @type {any[]} */ ...a) => console.warn(...a));
  const raf = options.raf || ((/** @type {() => void} */ f) => win.requestAnimationFrame(f));
  const parent = win.parent && win.parent !== /** @type {unknown} */ (win) ? win.parent : null;
  let readySent = false;
  /** @type {StateReport | null} */
  let pending = null;
  let scheduled = false;
  let lastSent = '';
  let disposed = false;

  /** @param {object} message */
  const post = (message) => {
    if (parent && !disposed) parent.postMessage(message, targetOrigin);
  };

  /** @param {MessageEvent} event */
  const onMessage = (event) => {
    const parsed = parseHostMessage(event.data);
    if (parsed === null) return;
    // Addressed to another figure of the same host (several elements on one page).
    if (typeof event.data.target === 'string' && options.name !== undefined && event.data.target !== options.name) return;
    if (!allowAnyWindow && (parent === null || event.source !== parent)) {
      warn('sgd-escape: ignored a message from a window other than the parent (the embed did not opt in to other senders)');
      return;
    }
    if (!parsed.ok) {
      warn(`sgd-escape: ignored a malformed message: ${parsed.reason}`);
      return;
    }
    // Each handler takes its own command; the lookup by name cannot tell TypeScript so.
    const handler = /** @type {((command: HostCommand) => void) | undefined} */ (handlers[parsed.command.command]);
    if (typeof handler !== 'function') {
      warn(`sgd-escape: this figure does not support the command ${parsed.command.command}`);
      return;
    }
    try {
      handler(parsed.command);
    } catch (e) {
      warn(`sgd-escape: the command ${parsed.command.command} failed: ${errorText(e)}`);
    }
  };
  win.addEventListener('message', onMessage);

  const flush = () => {
    scheduled = false;
    if (pending === null || disposed) return;
    const message = stateMessage(figure, pending);
    pending = null;
    const key = JSON.stringify(message);
    if (key === lastSent) return;
    lastSent = key;
    post(message);
  };

  return {
    /** Says once that the figure is ready for commands. */
    ready() {
      if (readySent) return;
      readySent = true;
      post({ type: MESSAGE_TYPE, event: 'ready', figure });
    },
    /**
     * Reports the state; posted at the next animation frame if it changed.
     * @param {StateReport} state
     */
    reportState(state) {
      pending = state;
      if (!scheduled) {
        scheduled = true;
        raf(flush);
      }
    },
    /** Stops listening and reporting. */
    dispose() {
      disposed = true;
      win.removeEventListener('message', onMessage);
    },
  };
}

/**
 * The protocol's commands as calls on a figure interface (www/figures/registry.js): play,
 * pause, step (`count` times), reset (with a seed: that seed first), preset (the preset's link),
 * setState (a partial state on top of the current one, or a whole link as `hash`).
 * @param {import('../figures/registry.js').Figure} fig
 * @param {string} figureId
 * @returns {Handlers}
 */
export function figureHandlers(fig, figureId) {
  return {
    play: () => fig.play(),
    pause: () => fig.pause(),
    step: ({ count }) => { for (let i = 0; i < count; i++) fig.step(); },
    reset: ({ seed }) => {
      if (seed !== undefined) fig.setState({ seed });
      fig.reset();
    },
    preset: ({ id }) => fig.setState({ hash: `#figure=${figureId}&preset=${id}` }),
    setState: (c) => fig.setState('hash' in c ? { hash: c.hash } : c.state),
  };
}

/**
 * What a state report carries, from a figure's getState().
 * @param {{ iteration?: number, epoch?: number, playing?: boolean, escaped?: Record<string, number> | null }} state
 * @returns {StateReport}
 */
export function reportOf(state) {
  return { iteration: state.iteration ?? state.epoch ?? 0, playing: state.playing, escaped: state.escaped || {} };
}

/**
 * @typedef {object} WireOptions
 * @property {HostWindow} win          the figure's window (for an iframe, its parent is the host)
 * @property {boolean} [allowAnyWindow] accept senders other than the parent
 * @property {(...a: any[]) => void} [warn]
 * @property {(f: () => void) => any} [raf]
 * @property {string} [name]           this figure's name, for messages with a `target`
 */

/**
 * Wires a mounted figure to its host: commands in, state reports out (on every change, at most
 * once per frame), `ready` once. `hostWin`: the figure's window (an iframe's: its parent is the
 * host); `allowAnyWindow`: the embed's opt-in to senders other than the parent.
 */
/**
 * @param {import('../figures/registry.js').Figure} fig the figure interface
 * @param {string} figureId
 * @param {WireOptions} opts
 */
export function wireFigure(fig, figureId, { win, allowAnyWindow = false, warn, raf, name }) {
  const host = connectHost({ win, figure: figureId, handlers: figureHandlers(fig, figureId), allowAnyWindow, warn, raf, name });
  const unsubscribe = fig.onChange((s) => host.reportState(reportOf(s)));
  host.reportState(reportOf(fig.getState()));
  host.ready();
  return { dispose() { unsubscribe(); host.dispose(); } };
}
