// The view of the FashionMNIST figure: draws the model (model.js) into the markup of markup.js
// (the settings card, the play button, the progress row, the legend table, the captions, the
// strip and the two canvases), and reads the settings card back. It holds no state of the
// experiment: `render(model)` redraws whatever the model marked dirty, and clears the marks.

import { CurvesPlot, SpectrumPlot, PANELS } from './plots.js';
import { buildStrip } from './strip.js';
import { buildMethodBoxes, markerSwatch, DESCRIPTION } from '../../lib/methods.js';
import { fmt } from '../../lib/format.js';
import { SCHEMA, int } from './settings.js';
import { pct, sharpnessText } from './captions.js';
import { stage1NoteOf, liveCaptionOf, referenceOf, spectrumCaptionOf, progressOf, estimateOf, networkLabelOf } from './readouts.js';

export class FashionView {
  /**
   * @param {ParentNode} root the markup's container
   * @param {{ onMethodToggle: (id: string) => void, onSettings: () => void }} on
   */
  constructor(root, on) {
    this.root = root;
    this.on = on;
    this.curves = new CurvesPlot(this.$('fashion-curves'));
    this.spectrum = new SpectrumPlot(this.$('fashion-spectrum'));
    /** @type {{ count: number, corrupted: number } | null} the strip drawn */
    this.strip = null;
    this.stats = { framesDrawn: 0, drawMs: 0, maxDrawMs: 0 };
    buildMethodBoxes(this.$('fashion-method-boxes'), {
      methods: SCHEMA.methods,
      prefix: 'fashion-',
      onChange: () => on.onSettings(),
      extra: (/** @type {string} */ id) => { const cost = document.createElement('span'); cost.className = 'cost'; cost.dataset.method = id; return cost; },
    });
  }

  /** @param {string} id @returns {any} the element with that id */
  $(id) { return this.root.querySelector(`#${id}`); }

  // ---------------------------------------------------------------- the settings card

  /** The settings in the form, as they are (numbers, NaN for an empty field): model.edit checks them. */
  readForm() {
    /** @type {Record<string, any>} */
    const out = {};
    for (const f of SCHEMA.fields) {
      const raw = this.$(f.id).value.trim();
      out[f.name] = raw === '' ? NaN : Number(raw);
    }
    out.methods = SCHEMA.methods.map(([id]) => id).filter((id) => this.$(`fashion-method-${id}`).checked);
    out.fromScratch = this.$('fashion-stage1').checked;
    out.network = this.$('fashion-network').value;
    return out;
  }

  /** The default values of the form (the threads' default is the page's, set by writeForm). */
  restoreDefaults() {
    for (const f of SCHEMA.fields) this.$(f.id).value = this.$(f.id).defaultValue;
    for (const [id] of SCHEMA.methods) this.$(`fashion-method-${id}`).checked = true;
    this.$('fashion-stage1').checked = false;
    this.$('fashion-network').value = SCHEMA.network;
  }

  /** @param {import('./model.js').FashionModel} m the draft into the form; errors next to their fields */
  writeForm(m) {
    /** @type {Record<string, any>} */
    const d = m.draft;
    for (const f of SCHEMA.fields) {
      const el = this.$(f.id);
      const err = m.errors[f.name];
      // A field the model refused keeps what was typed, marked.
      if (!err && el.value !== String(d[f.name])) el.value = String(d[f.name]);
      this.$(`${f.id}-error`).textContent = err || '';
      if (err) el.setAttribute('aria-invalid', 'true'); else el.removeAttribute('aria-invalid');
    }
    if (!m.errors.methods) for (const [id] of SCHEMA.methods) this.$(`fashion-method-${id}`).checked = d.methods.includes(id);
    this.$('fashion-methods-error').textContent = m.errors.methods || '';
    if (this.$('fashion-network').value !== d.network) this.$('fashion-network').value = d.network;
    const box = this.$('fashion-stage1');
    box.disabled = m.stage1Forced();
    box.checked = d.fromScratch;
    this.$('fashion-stage1-note').textContent = stage1NoteOf(m);
  }

  // ---------------------------------------------------------------- drawing

  /**
   * Redraws what the model marked dirty (at most once a frame; the caller schedules it).
   * @param {import('./model.js').FashionModel} m
   */
  render(m) {
    const t0 = performance.now();
    const d = m.dirty;
    if (d.form) { this.writeForm(m); d.form = false; d.text = true; }
    if (d.playing) this.renderPlaying(m);
    if (d.protocol) { this.describeProtocol(m); d.protocol = false; }
    if (d.strip && m.strip) { this.strip = buildStrip(this.$('fashion-strip'), m.strip.strip, m.strip.corrupted); d.strip = false; }
    if (d.legend) { this.buildLegend(m); d.legend = false; d.readout = true; }
    if (d.readout) { this.readout(m); d.readout = false; }
    if (d.text) {
      this.setText('fashion-live', liveCaptionOf(m) || null);
      const reference = referenceOf(m);
      const box = /** @type {HTMLElement | null} */ (this.$('fashion-reference'));
      if (box) box.hidden = !reference;
      if (reference) {
        this.setText('fashion-reference-summary', reference.summary);
        this.setText('fashion-reference-text', reference.text);
      }
      this.estimate(m);
      d.text = false;
    }
    if (d.curves) {
      this.curves.draw(m.records, m.visibleIds(), m.target(), m.diverged, m.start);
      d.curves = false;
    }
    if (d.spectrum) {
      const id = m.spectrumId;
      this.spectrum.draw(id, m.spectrumRecord(), m.start, (id && m.names[id]) || id);
      this.setText('fashion-spectrum-caption', spectrumCaptionOf(m));
      d.spectrum = false;
    }
    const ms = performance.now() - t0;
    this.stats.drawMs = ms;
    this.stats.maxDrawMs = Math.max(this.stats.maxDrawMs, ms);
    this.stats.framesDrawn += 1;
  }

  /** @param {import('./model.js').FashionModel} m the play button (drawn at once: it answers a click) */
  renderPlaying(m) {
    const b = this.$('fashion-play');
    b.textContent = m.playing ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', m.playing ? 'true' : 'false');
    m.dirty.playing = false;
  }

  /**
   * Sizes the canvases to their boxes at `dpr` (default: the screen's; 2 for a PNG export).
   * @param {import('./model.js').FashionModel} m marked dirty where a canvas changed size
   * @param {number} [dpr]
   */
  layout(m, dpr) {
    const cw = this.$('fashion-curves-box').clientWidth;
    if (cw && this.curves.resize(cw, dpr)) m.dirty.curves = true;
    const sw = this.$('fashion-spectrum-box').clientWidth;
    if (sw && this.spectrum.resize(sw, dpr)) m.dirty.spectrum = true;
  }

  /** @param {string} id @param {string | null} text (null: leave it) */
  setText(id, text) {
    const el = this.$(id);
    if (el && text !== null && el.textContent !== text) el.textContent = text;
  }

  /** @param {import('./model.js').FashionModel} m the progress row, the counters, the table's numbers */
  readout(m) {
    const p = progressOf(m);
    this.setText('fashion-iteration', int(m.minIteration()));
    this.setText('fashion-target-echo', int(m.draft.target));
    this.setText('fashion-progress-label', p.label);
    this.setText('fashion-progress-text', p.text);
    this.setText('fashion-eta', p.eta);
    const bar = this.$('fashion-progress');
    if (p.fraction === null) {
      bar.removeAttribute('value');
      bar.removeAttribute('aria-valuenow');
    } else {
      const f = Math.max(0, Math.min(1, p.fraction));
      bar.max = 1;
      bar.value = f;
      bar.setAttribute('aria-valuenow', String(Math.round(100 * f)));
    }
    if (p.valueText) bar.setAttribute('aria-valuetext', p.valueText); else bar.removeAttribute('aria-valuetext');
    for (const id of m.ids) {
      const rs = m.records[id] || [];
      const r = rs[rs.length - 1];
      this.setText(`fashion-test-${id}`, r ? pct(r.testAccuracy) : '—');
      this.setText(`fashion-random-${id}`, r ? pct(r.corruptedAccuracy) : '—');
      this.setText(`fashion-sharp-${id}`, r ? sharpnessText(r.sharpness, r.sharpnessStdErr) : '—');
      this.setText(`fashion-ratio-${id}`, r && r.trHSigmaIso > 0 ? `×${fmt(r.trHSigma / r.trHSigmaIso, 3)}` : '—');
      const s = m.status(id);
      const note = this.$(`fashion-note-${id}`);
      if (note) {
        if (note.textContent !== s.text) note.textContent = s.text;
        note.dataset.kind = s.kind;
      }
    }
  }

  /** @param {import('./model.js').FashionModel} m the time estimate and each method's cost */
  estimate(m) {
    const e = estimateOf(m);
    for (const el of this.root.querySelectorAll('#fashion-method-boxes .cost')) {
      const c = e.costs[/** @type {HTMLElement} */ (el).dataset.method || ''];
      if (!c) continue;
      el.textContent = c.text;
      /** @type {HTMLElement} */ (el).title = c.measured ? 'measured cost of one iteration in wasm on this machine' : 'first guess of the cost of one iteration in wasm';
    }
    this.setText('fashion-estimate', e.text);
  }

  /** @param {import('./model.js').FashionModel} m the legend table (one row per method) and the spectrum's select */
  buildLegend(m) {
    const body = this.$('fashion-legend-rows');
    body.replaceChildren();
    for (const id of m.ids) {
      const tr = document.createElement('tr');
      tr.dataset.method = id;
      const th = document.createElement('th');
      th.scope = 'row';
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'legend-item fashion-toggle';
      b.dataset.method = id;
      b.setAttribute('aria-pressed', m.hidden.has(id) ? 'false' : 'true');
      b.title = `${/** @type {Record<string, string>} */ (DESCRIPTION)[id] || ''} Click to show or hide its curves.`;
      const name = document.createElement('span');
      name.className = 'legend-name';
      name.textContent = m.names[id] || id;
      const note = document.createElement('span');
      note.className = 'legend-note';
      note.id = `fashion-note-${id}`;
      b.append(markerSwatch(id, 14), name, note);
      b.addEventListener('click', () => this.on.onMethodToggle(id));
      th.append(b);
      tr.append(th);
      for (const k of ['test', 'random', 'sharp', 'ratio']) {
        const td = document.createElement('td');
        td.className = 'num';
        td.id = `fashion-${k}-${id}`;
        td.textContent = '—';
        tr.append(td);
      }
      body.append(tr);
    }
    const sel = this.$('fashion-spectrum-method');
    sel.replaceChildren();
    for (const id of m.ids) {
      const o = document.createElement('option');
      o.value = id;
      o.textContent = m.names[id] || id;
      sel.append(o);
    }
    if (m.spectrumId) sel.value = m.spectrumId;
  }

  /** @param {import('./model.js').FashionModel} m the protocol's numbers in the prose, the labels' sample sizes */
  describeProtocol(m) {
    const c = m.config;
    const net = networkLabelOf(m);
    this.setText('fashion-net-name', net.name);
    this.setText('fashion-arch', net.arch);
    if (!c) return;
    /** @type {Record<string, string>} */
    const values = {
      stage1Lr: fmt(c.stage1Lr), lr: fmt(c.lr), batchSize: int(c.batchSize), trainSize: int(c.trainSize), testSize: int(c.testSize),
      corruptedCount: int(c.corrupted[1] - c.corrupted[0]), corruptedRange: `${c.corrupted[0]}–${c.corrupted[1] - 1}`,
      parameters: int(m.parameters || 0), topK: int(c.topK), sharpnessDelta: fmt(c.sharpnessDelta), maxRecords: int(c.maxRecords),
    };
    for (const el of this.root.querySelectorAll('[data-fashion-setting]')) {
      const v = values[/** @type {HTMLElement} */ (el).dataset.fashionSetting || ''];
      if (v !== undefined && el.textContent !== v) el.textContent = v;
    }
    // Every label of a test accuracy says on how many images.
    PANELS[0].note = `${values.testSize} held-out images`;
    const col = this.$('fashion-test-col');
    col.textContent = `test (${values.testSize} images)`;
    col.title = `Test accuracy on ${values.testSize} held-out images`;
    this.$('fashion-curves').setAttribute('aria-label', `Test accuracy on ${values.testSize} held-out images, fit of the random labels, expected sharpness and the indicator ratio against stage-2 iteration, one curve per method`);
    PANELS[1].note = `the ${values.corruptedCount} corrupted training images`;
    PANELS[2].note = `E[L(θ+ν)] − L(θ), ν ~ 𝒩(0, ${values.sharpnessDelta}² I); bars: ±2 standard errors`;
    m.dirty.curves = true;
  }
}
