// The 2-D figure's canvases: the landscape (landscape.js) with its shape handles
// (shape-control.js), the escape curves and the indicator bars (plots.js), the loss prediction
// (prediction.js). What changed is marked dirty; each animation frame redraws only that. Sizes
// follow their boxes, the frame's height (an embed), the screen's pixel ratio and lecture mode.

import { Landscape } from './landscape.js';
import { EscapePlot, IndicatorPlot } from './plots.js';
import { PredictionPlot } from './prediction.js';
import { ShapeHandles } from './shape-control.js';
import { frameOf } from './handles.js';
import { shapeOf, pointText } from './shape.js';
import { visibleIds, rows, predictionArgs } from './state.js';
import { whenResized } from '../../lib/figure-shell.js';

/**
 * The figure's canvases and their drawing, layout and lecture mode, on the context `fig`.
 * @param {import('./context.js').Toy} fig
 */
export function canvases(fig) {
  const { app, info, $ } = fig;
  const landscape = new Landscape($('landscape'));
  const escapePlot = new EscapePlot($('escape-plot'));
  const indicatorPlot = new IndicatorPlot($('indicator-plot'));
  const predictionPlot = new PredictionPlot($('prediction-plot'));
  const handles = new ShapeHandles($('shape-handles'), {
    onInput: (key, value, o) => fig.shapeInput(key, value, o),
    onRender: (positions, center) => {
      landscape.guides = positions && center ? { positions, center } : null;
      app.dirty.landscape = true;
    },
  });

  /** Redraws what is marked dirty. */
  function draw() {
    const d = app.dirty;
    if (d.landscape) {
      const t0 = performance.now();
      landscape.draw(app.state, visibleIds(app));
      info.drawMs = performance.now() - t0;
      d.landscape = false;
      info.framesDrawn += 1;
    }
    if (d.escape) {
      escapePlot.draw(app.state, visibleIds(app), app.names, fig.target());
      d.escape = false;
    }
    if (d.indicator && app.indicators) {
      indicatorPlot.draw(rows(app), app.analysis ? pointText(app.analysis.sharpMinimum) : null);
      d.indicator = false;
    }
    if (d.prediction && app.predictions && !$('prediction-panel').hidden) {
      predictionPlot.draw(predictionArgs(app));
      d.prediction = false;
    }
  }

  function markAll() {
    app.dirty.landscape = true;
    app.dirty.escape = true;
    app.dirty.indicator = true;
    app.dirty.prediction = true;
  }

  /** Places the shape handles for the landscape on screen (after a resize or a new shape). */
  function placeHandles() {
    const a = app.analysis;
    if (!a || !landscape.width || $('shape-fields').hidden) {
      handles.update(null, null, { x: 0, y: 0 });
      return;
    }
    const canvas = $('landscape');
    const view = { toX: (/** @type {number} */ w) => landscape.toX(w), toY: (/** @type {number} */ w) => landscape.toY(w), size: landscape.plot.size };
    // A reply older than a waiting request (a drag's latest) would pull the handles back.
    const shape = fig.configurer.waiting ? null : /** @type {any} */ (shapeOf(app.config));
    handles.update(shape, frameOf(a, view), { x: canvas.offsetLeft, y: canvas.offsetTop });
  }

  /** @param {number} [dpr] sizes the canvases to their boxes (default: the screen's dpr) */
  function layout(dpr) {
    const lw = $('landscape-box').clientWidth;
    // In a short frame (an embed), the square landscape must also fit the height.
    const maxH = fig.opts.fitHeight ? Math.max(200, fig.opts.fitHeight() - 170) : Infinity; // minus the card's title and captions
    if (lw && landscape.resize(Math.min(lw, maxH), dpr)) app.dirty.landscape = true;
    const ew = $('escape-box').clientWidth;
    if (ew && escapePlot.resize(ew, dpr)) app.dirty.escape = true;
    const iw = $('indicator-box').clientWidth;
    if (iw && indicatorPlot.resize(iw, (app.indicators ? rows(app).length : 0) || 1, dpr)) app.dirty.indicator = true;
    const pw = $('prediction-box').clientWidth;
    if (pw && predictionPlot.resize(pw, visibleIds(app).length || 1, dpr)) app.dirty.prediction = true;
    placeHandles();
  }

  /** Lays the canvases out again when their boxes or the screen's pixel ratio change. */
  function wireLayout() {
    fig.bag.add(whenResized(['landscape-box', 'escape-box', 'indicator-box', 'prediction-box'].map($), () => layout()));
    const watchDpr = () => {
      const mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      mq.addEventListener('change', () => { if (!app.destroyed) { layout(); markAll(); watchDpr(); } }, { once: true });
    };
    watchDpr();
  }

  /**
   * Lecture mode (larger type and lines, for a projector): its button, the class, a new layout.
   * @param {boolean} on
   */
  function setLecture(on) {
    app.lecture = !!on;
    $('lecture').setAttribute('aria-pressed', on ? 'true' : 'false');
    (fig.opts.lectureTarget || fig.root).classList.toggle('lecture', app.lecture);
    requestAnimationFrame(() => { layout(); markAll(); });
  }

  function wireLecture() {
    fig.bag.listen($('lecture'), 'click', () => { setLecture(!app.lecture); fig.syncHash(); });
  }

  return { landscape, draw, markAll, placeHandles, layout, setLecture, wireLayout, wireLecture };
}
