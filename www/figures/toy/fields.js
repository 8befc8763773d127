// The settings fields of the 2-D figure: the simulation's number fields (the settings card's and
// the landscape's shape, model.js SETTINGS and shape.js SHAPE_SETTINGS, both from the schema) and
// the method boxes. Reads them into a config, writes a config into them, restores the paper's
// values, and shows a setting's error at its field.

import { SETTINGS } from './model.js';
import { SHAPE_SETTINGS } from './shape.js';

/** Simulation parameters (the settings card's and the landscape's shape): [config key, input id]. */
export const FIELDS = [...SETTINGS, ...SHAPE_SETTINGS].map(([key, id]) => /** @type {[string, string]} */ ([key, id]));

export class SettingsFields {
  /** @param {(id: string) => any} $ the figure's element lookup (ids are unique in its root) */
  constructor($) {
    this.$ = $;
  }

  /**
   * The number in field `id` (NaN when empty: the worker names it as invalid).
   * @param {string} id
   */
  number(id) {
    const raw = this.$(id).value.trim();
    return raw === '' ? NaN : Number(raw);
  }

  /**
   * The config the fields hold, on top of `extra` (a link's settings without a field).
   * @param {Record<string, unknown>} extra
   * @param {string[]} methodIds every method, in canonical order
   */
  read(extra, methodIds) {
    /** @type {Record<string, any>} */
    const config = { ...extra };
    for (const [key, id] of FIELDS) config[key] = this.number(id);
    config.methods = methodIds.filter((id) => {
      const box = this.$(`method-${id}`);
      return box && box.checked;
    });
    return config;
  }

  /**
   * Writes the settings `partial` holds into their fields (and the method boxes); returns
   * whether any was there.
   * @param {Record<string, any>} partial
   * @param {string[]} methodIds
   */
  write(partial, methodIds) {
    let changed = false;
    for (const [key, id] of FIELDS) {
      if (key in partial) { this.$(id).value = String(partial[key]); changed = true; }
    }
    if (Array.isArray(partial.methods)) {
      for (const id of methodIds) {
        const box = this.$(`method-${id}`);
        if (box) box.checked = partial.methods.includes(id);
      }
      changed = true;
    }
    return changed;
  }

  /**
   * The paper's values (a parsed empty link's config) as the fields' defaults.
   * @param {Record<string, any>} config
   */
  setDefaults(config) {
    for (const [key, id] of FIELDS) this.$(id).defaultValue = String(config[key]);
  }

  /** @param {string[]} methodIds Back to the defaults, every method ticked. */
  restore(methodIds) {
    for (const [, id] of FIELDS) this.$(id).value = this.$(id).defaultValue;
    for (const id of methodIds) this.$(`method-${id}`).checked = true;
  }

  /**
   * The input id of a setting ('methods' for the method boxes), or null.
   * @param {string} field
   */
  idOf(field) {
    if (field === 'methods') return 'methods';
    const f = FIELDS.find(([key]) => key === field);
    return f ? f[1] : null;
  }

  clearErrors() {
    for (const [, id] of FIELDS) {
      this.$(`${id}-error`).textContent = '';
      this.$(id).removeAttribute('aria-invalid');
    }
    this.$('methods-error').textContent = '';
  }

  /**
   * Shows `message` at the field of `field`; returns whether that field is visible.
   * @param {string} field
   * @param {string} message
   */
  showError(field, message) {
    const id = this.idOf(field);
    if (!id) return false;
    this.$(`${id}-error`).textContent = message;
    if (id !== 'methods') this.$(id).setAttribute('aria-invalid', 'true');
    // A hidden control (an embed without it) can't show its error: the status line does.
    return !this.$(id === 'methods' ? 'methods-error' : id).closest('[hidden]');
  }
}
