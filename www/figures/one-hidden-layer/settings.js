// The settings of the one-hidden-layer figure: what the schema says about them, how a value is
// checked (an error names the field), a parsed link as the figure's state and that state as the
// canonical hash, and how a link is applied to the controller. Pure (no DOM).

import { encodeHash, sharedPairs } from '../../lib/link.js';
import { figureSchema, workerConfig } from '../../lib/schema.js';

const OHL = figureSchema('one-hidden-layer');
/**
 * The figure's settings and controls, from the schema (src/schema/one_hidden_layer.rs): the
 * parts an embed may list, and the settings the study is built with (its config's keys) with
 * their defaults (the paper's protocol).
 */
export const SCHEMA = {
  controls: OHL.parts,
  config: OHL.settings.filter((s) => s.api),
  /** The epoch a state trains to (link key `epoch`). */
  epoch: /** @type {import('../../lib/schema.js').Setting} */ (OHL.settings.find((s) => s.key === 'epoch')),
};

const CONFIG = workerConfig(OHL.id);
/** The paper's protocol (docs/protocols.md 3.2): the schema's defaults (seed 123, 31 epochs, ...). */
export const DEFAULT_CONFIG = CONFIG.defaults;
/** The config keys of a state `s` that are set (the settings a state may change). */
export const pickConfig = CONFIG.pick;
/** Whether two study configs differ (a new one starts the study over). */
export const configChanged = CONFIG.changed;

/**
 * A parsed link as the state mountOneHidden / setState takes (`epoch`: train to it).
 * @param {any} link
 * @returns {Record<string, any>}
 */
export function ohlState(link) {
  const o = link.oneHiddenLayer;
  return { seed: o.seed, epochs: o.epochs, samples: o.samples, lr: o.lr, epoch: o.epoch, playing: link.play };
}

/**
 * The canonical hash of a one-hidden-layer state (getState()).
 * @param {Record<string, any>} s
 * @param {{ controls?: string[] | null, lecture?: boolean }} [extra]
 * @returns {string}
 */
export function ohlHash(s, extra = {}) {
  /** @type {[string, unknown][]} */
  const pairs = [
    ['figure', OHL.id],
    ['seed', s.seed], ['epochs', s.epochs], ['samples', s.samples], ['lr', s.lr], ['epoch', s.epoch],
    ['play', s.playing ? 1 : 0],
  ];
  return encodeHash([...pairs, ...sharedPairs(extra)]);
}

/**
 * The start of every export's file name.
 * @param {Record<string, any>} s
 */
export function exportBase(s) {
  return `sgd-escape-ohl-seed${s.seed}-epoch${s.epoch}`;
}

/**
 * Applies a link's state to the controller: the settings, then training to the link's epoch
 * (unpaced), then, if the link says play, playing on from there.
 * @param {any} controller
 * @param {Record<string, any>} state
 */
export function applyOhlState(controller, state) {
  const { epoch, playing, ...config } = state;
  controller.setState({ ...config, playing: false });
  if (epoch) controller.setState({ epoch });
  if (!playing) return;
  if (!epoch) { controller.play(); return; }
  const off = controller.onChange((/** @type {any} */ s) => {
    if (s.epoch >= epoch && !s.playing) { off(); controller.play(); }
  });
}

/**
 * Checks the settings in `partial` (the study's config keys, `epoch`, `playing`; others are
 * ignored) against the schema; each bad one gives a message naming it.
 * @param {Record<string, any>} partial
 * @returns {string[]} the errors (none: all good)
 */
export function checkSettings(partial) {
  const errors = [];
  for (const s of [...SCHEMA.config, SCHEMA.epoch]) {
    const v = partial[s.key];
    if (v === undefined) continue;
    const min = /** @type {number} */ (s.min);
    const max = /** @type {number} */ (s.max);
    const whole = s.type !== 'number';
    const inRange = typeof v === 'number' && (s.minExclusive ? v > min : v >= min) && (s.maxExclusive ? v < max : v <= max);
    if (!inRange || (whole && !Number.isInteger(v))) {
      const range = `${s.minExclusive ? '(' : '['}${min}, ${max}${s.maxExclusive ? ')' : ']'}`;
      errors.push(`${s.key} must be ${whole ? 'a whole number' : 'a number'} in ${range}, got ${String(v)}`);
    }
  }
  if (partial.playing !== undefined && typeof partial.playing !== 'boolean') errors.push(`playing must be true or false, got ${String(partial.playing)}`);
  return errors;
}
