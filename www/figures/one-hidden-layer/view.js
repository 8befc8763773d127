// The view of the one-hidden-layer figure: draws the model (model.js) into the markup of
// markup.js: the play and reset buttons, the epoch counter and progress bar, the protocol's
// numbers in the prose, the live caption, and the two canvases (the traces and the boundary).
// `render(model)` redraws whatever the model marked dirty, and clears the marks.

import { TracesPlot, BoundaryPlot } from './plots.js';
import { boundaryInfo } from './captions.js';

export class OhlView {
  /** @param {ParentNode} root the markup's container */
  constructor(root) {
    this.root = root;
    this.traces = new TracesPlot(this.$('ohl-traces'));
    this.boundary = new BoundaryPlot(this.$('ohl-boundary'));
    /** @type {any} the grid last handed to the boundary plot */
    this.grid = null;
    this.stats = { framesDrawn: 0 };
    this.$('ohl-reset').disabled = true;
  }

  /** @param {string} id @returns {any} the element with that id */
  $(id) { return this.root.querySelector(`#${id}`); }

  /** @param {import('./model.js').OneHiddenLayerModel} m the buttons (at once: they answer a click) */
  renderPlaying(m) {
    const b = this.$('ohl-play');
    b.textContent = m.playLabel();
    b.setAttribute('aria-pressed', m.playing ? 'true' : 'false');
    b.disabled = !m.playing && m.epoch >= m.epochs && m.ready;
    if (m.ready) this.$('ohl-reset').disabled = false;
    m.dirty.playing = false;
  }

  /** @param {import('./model.js').OneHiddenLayerModel} m redraws what it marked dirty */
  render(m) {
    const d = m.dirty;
    if (d.protocol) { this.describeProtocol(m.settings); d.protocol = false; }
    if (d.playing) this.renderPlaying(m);
    if (d.readout) {
      this.$('ohl-epoch').textContent = String(m.epoch);
      this.$('ohl-epochs').textContent = String(m.epochs);
      const p = this.$('ohl-progress');
      p.max = m.epochs;
      p.value = m.epoch;
      p.setAttribute('aria-valuenow', String(m.epoch));
      p.setAttribute('aria-valuemax', String(m.epochs));
      this.renderPlaying(m);
      d.readout = false;
    }
    if (d.live) {
      const text = m.liveCaption();
      const live = this.$('ohl-live');
      if (live.textContent !== text) live.textContent = text;
      d.live = false;
    }
    if (d.traces) { this.traces.draw(m.records, m.epochs, m.decayFrom() ?? m.epochs); d.traces = false; }
    if (d.boundary) {
      if (m.grid && m.grid !== this.grid) { this.boundary.setGrid(m.grid.values, m.grid.n); this.grid = m.grid; }
      this.boundary.draw(m.inputs, m.labels, boundaryInfo(m.records, m.epochs));
      d.boundary = false;
    }
    this.stats.framesDrawn += 1;
  }

  /**
   * Sizes the canvases to their boxes at `dpr` (default: the screen's; 2 for a PNG export).
   * @param {import('./model.js').OneHiddenLayerModel} m marked dirty where a canvas changed size
   * @param {number} [dpr]
   */
  layout(m, dpr) {
    const tw = this.$('ohl-traces-box').clientWidth;
    if (tw && this.traces.resize(tw, dpr)) m.dirty.traces = true;
    const bw = this.$('ohl-boundary-box').clientWidth;
    if (bw && this.boundary.resize(bw, dpr)) m.dirty.boundary = true;
  }

  /** @param {any} c the study's settings: its numbers into the prose */
  describeProtocol(c) {
    if (!c) return;
    /** @type {Record<string, string>} */
    const values = {
      hidden: String(c.hidden), samples: c.samples.toLocaleString('en-US'), inputRange: `[−${c.inputRange}, ${c.inputRange}]²`,
      iterationsPerEpoch: String(c.iterationsPerEpoch), epochs: String(c.epochs), decayStart: String(c.decayStart),
      parameters: String(c.parameters), sigmaBatches: String(c.sigmaBatches), sigmaBatchSize: String(c.sigmaBatchSize),
    };
    for (const el of this.root.querySelectorAll('[data-ohl-setting]')) {
      const v = values[/** @type {HTMLElement} */ (el).dataset.ohlSetting || ''];
      if (v !== undefined && el.textContent !== v) el.textContent = v;
    }
  }
}
