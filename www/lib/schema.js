// The settings schema on the page's side: www/lib/schema.json is exported by Rust (src/schema/,
// `sgd-escape schema`; a Rust test keeps the committed file current), and every key list,
// range, default and label the page needs is read from it here. Nothing of it is typed in JS.

import schema from './schema.json' with { type: 'json' };

/**
 * @typedef {object} Setting
 * @property {string} key
 * @property {string} type      integer, number, seed, boolean, choice, methods, parts
 * @property {number | null} min
 * @property {number | null} max
 * @property {boolean} minExclusive
 * @property {boolean} maxExclusive
 * @property {any} default
 * @property {string} label
 * @property {string} help
 * @property {string} control   number, range, seed, checkbox, method-boxes, select, none
 * @property {boolean} link
 * @property {boolean} api
 * @property {string[]} aliases
 */

/**
 * @typedef {object} FigureSchema
 * @property {string} id
 * @property {string[]} aliases
 * @property {string} title
 * @property {Setting[]} settings
 * @property {string[]} parts
 * @property {{ id: string, label: string, values: Record<string, any> }[]} presets
 */

/** @type {{ id: string, name: string }[]} the eight dynamics, in the paper's order */
export const METHODS = schema.methods;

/** @type {FigureSchema[]} */
const FIGURES = /** @type {any} */ (schema.figures);

/**
 * The schema of figure `id` (a folder name of www/figures/).
 * @param {string} id
 * @returns {FigureSchema}
 */
export function figureSchema(id) {
  const f = FIGURES.find((x) => x.id === id);
  if (!f) throw new Error(`the schema has no figure ${String(id)}`);
  return f;
}

/**
 * Setting `key` of figure `id`.
 * @param {string} id
 * @param {string} key
 * @returns {Setting}
 */
export function setting(id, key) {
  const s = figureSchema(id).settings.find((x) => x.key === key);
  if (!s) throw new Error(`the schema has no setting ${key} for figure ${id}`);
  return s;
}

/**
 * Setting `key` of figure `id`, which the page uses as a range (bounds of a control, a clamp):
 * throws, naming it, when the schema gives it no min or no max.
 * @param {string} id
 * @param {string} key
 * @returns {Setting & { min: number, max: number }}
 */
export function rangedSetting(id, key) {
  const s = setting(id, key);
  if (s.min === null || s.max === null) throw new Error(`the schema's setting ${key} of figure ${id} has no ${s.min === null ? 'min' : 'max'}`);
  return /** @type {Setting & { min: number, max: number }} */ (s);
}

/**
 * The config a figure's workers build their computation from: the schema's `api` settings of
 * figure `id`. `keys` (in schema order), `defaults` (the schema's), `pick(s)`: the config keys
 * of a state `s` that are set (other keys, and undefined values, left out), so that
 * `{ ...config, ...pick(partial) }` is a config with a state's settings over it, and
 * `changed(a, b)`: whether two configs differ in any key (a new config starts the figure over).
 * @param {string} id
 * @returns {{ keys: string[], defaults: Record<string, any>, pick: (s: Record<string, any> | null | undefined) => Record<string, any>, changed: (a: Record<string, any>, b: Record<string, any>) => boolean }}
 */
export function workerConfig(id) {
  const settings = figureSchema(id).settings.filter((s) => s.api);
  const keys = settings.map((s) => s.key);
  return {
    keys,
    defaults: Object.fromEntries(settings.map((s) => [s.key, s.default])),
    pick(s) {
      /** @type {Record<string, any>} */
      const out = {};
      if (!s || typeof s !== 'object') return out;
      for (const k of keys) if (s[k] !== undefined) out[k] = s[k];
      return out;
    },
    changed: (a, b) => keys.some((k) => a[k] !== b[k]),
  };
}

/**
 * The values of preset `presetId` of figure `id`.
 * @param {string} id
 * @param {string} presetId
 * @returns {Record<string, any>}
 */
export function presetValues(id, presetId) {
  const p = figureSchema(id).presets.find((x) => x.id === presetId);
  if (!p) throw new Error(`the schema has no preset ${presetId} for figure ${id}`);
  return p.values;
}

/**
 * The figure a name means (its id, or one of its aliases: `ohl`), or null.
 * @param {string} name
 * @returns {string | null}
 */
export function figureNamed(name) {
  const f = FIGURES.find((x) => x.id === name || x.aliases.includes(name));
  return f ? f.id : null;
}

/** Every key (and alias) a link may carry, for any figure: what an element's attributes may set. */
export const LINK_KEYS = [...new Set([
  ...schema.pageKeys.flatMap((s) => [s.key, ...s.aliases]),
  ...FIGURES.flatMap((f) => f.settings.filter((s) => s.link).flatMap((s) => [s.key, ...s.aliases])),
])];

/**
 * The attributes of a number input for a setting: its range, step and default (an exclusive
 * bound stays the input's bound; the figure's worker reports a value on it as invalid).
 * @param {Setting} s
 * @returns {Record<string, string | number>}
 */
export function inputAttrs(s) {
  const integer = s.type === 'integer' || s.type === 'seed';
  /** @type {Record<string, string | number>} */
  const attrs = { step: integer ? 1 : 'any' };
  if (s.min !== null) attrs.min = s.min;
  if (s.max !== null) attrs.max = s.max;
  if (s.default !== null && s.default !== undefined) attrs.value = String(s.default);
  if (integer) attrs.inputmode = 'numeric';
  return attrs;
}

/**
 * A link key as an element id: `noiseTrace` -> `noise-trace`.
 * @param {string} key
 */
export function kebab(key) {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
