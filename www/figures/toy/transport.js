// The 2-D figure's transport: Play/Pause, Step, Reset, "skip to end", the timeline, the speed and
// the pause-at iteration, and the keyboard shortcuts. The playback's state machine is model.js'
// Playback; each animation frame, tick() sends the request it asks for and draws.

import { seekRequest } from './model.js';
import { figureKeyHandler, toggleFullscreen } from '../../lib/keys.js';

/**
 * The figure's transport (play, pause, step, seek, reset, the frame loop, the keys), on `fig`.
 * @param {import('./context.js').Toy} fig
 */
export function transport(fig) {
  const { app, info, playback, $ } = fig;
  const iteration = () => (app.state ? app.state.iteration : 0);

  /** @param {boolean} on */
  function setPlaying(on) {
    if (on) app.scrubbed = null;
    playback.set(on, fig.target(), iteration());
    const b = $('play');
    b.textContent = on ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (!on) fig.describeState();
    fig.syncHash();
    fig.emit();
  }

  /** One animation frame: the request the playback asks for, then the drawing. */
  function tick() {
    if (app.destroyed) return;
    const next = playback.tick(app.ready && !!app.state, iteration(), fig.speed());
    if (next && 'step' in next) fig.post({ type: 'step', req: fig.req(), n: next.step });
    else if (next) setPlaying(false);
    fig.draw();
    app.raf = requestAnimationFrame(tick);
  }

  function play() {
    if (!app.state || playback.playing) return;
    setPlaying(true);
    fig.setStatus(Number.isFinite(playback.stopAt) ? `Running to iteration ${playback.stopAt}…` : 'Running…');
  }

  function pause() {
    if (!playback.playing) return;
    setPlaying(false);
    fig.setStatus(`Paused at iteration ${iteration()}.`);
  }

  function togglePlay() {
    if (playback.playing) pause(); else play();
  }

  function step() {
    if (playback.playing) setPlaying(false);
    app.scrubbed = null;
    playback.queued += 1;
  }

  /**
   * Shows iteration `raw` (the timeline, a link): the workers seek there, back or ahead.
   * @param {unknown} raw
   */
  function seek(raw) {
    const r = seekRequest(raw, fig.target());
    if ('error' in r) {
      $('timeline-error').textContent = r.error;
      fig.setStatus(r.error, 'error');
      return;
    }
    $('timeline-error').textContent = '';
    if (playback.playing) setPlaying(false);
    playback.queued = 0;
    app.scrubbed = r.seek;
    fig.post({ type: 'seek', req: fig.req(), iteration: r.seek });
    fig.syncHash();
  }

  function reset() {
    app.scrubbed = null;
    playback.queued = 0;
    fig.post({ type: 'reset', req: fig.req() });
    if (playback.playing) setPlaying(true);
    fig.setStatus('Reset to iteration 0.');
  }

  /** "Skip to end": plays to the pause-at iteration in steps as large as the workers take. */
  function runTo() {
    const t = fig.target();
    if (!app.state || t === null || app.state.iteration >= t) return;
    info.skipStartedAt = performance.now();
    setPlaying(true);
    playback.fast = true;
    fig.setStatus(`Computing to iteration ${t}…`);
  }

  /** The pause-at iteration changed: checked, echoed, and the prediction follows it. */
  function targetChanged() {
    const t = fig.target();
    if (t === null) {
      $('iterations-error').textContent = 'Enter a whole number of iterations, at least 1.';
      $('iterations').setAttribute('aria-invalid', 'true');
      return;
    }
    $('iterations-error').textContent = '';
    $('iterations').removeAttribute('aria-invalid');
    $('target-echo').textContent = String(t);
    if (playback.playing) setPlaying(true);
    app.dirty.escape = true;
    // The prediction covers the first iterations up to the new pause-at one.
    if (app.config && fig.predictionSteps() !== app.predictionSteps) fig.post({ type: 'predict', req: fig.req(), steps: fig.predictionSteps() });
    fig.syncHash();
  }

  function fullscreen() {
    const { opts, root } = fig;
    toggleFullscreen(opts.fullscreenTarget || opts.lectureTarget || root, (m) => fig.setStatus(`Fullscreen refused: ${m}`, 'info'));
  }

  /** Listens to the transport's buttons, the timeline, the speed and the pause-at iteration. */
  function wireTransport() {
    const { listen } = fig.bag;
    listen($('play'), 'click', togglePlay);
    listen($('step'), 'click', step);
    listen($('reset'), 'click', reset);
    listen($('timeline'), 'change', () => seek(/** @type {HTMLInputElement} */ ($('timeline')).value));
    listen($('run-to'), 'click', runTo);
    listen($('speed'), 'input', () => { $('speed-out').textContent = $('speed').value; });
    listen($('speed'), 'change', () => fig.syncHash());
    $('speed-out').textContent = $('speed').value;
    listen($('iterations'), 'change', targetChanged);
  }

  /** Keyboard: Space or K play/pause, → or . step, R reset, F fullscreen (not while typing). */
  function wireKeys() {
    const { keyTarget } = fig.opts;
    if (keyTarget) fig.bag.listen(keyTarget, 'keydown', figureKeyHandler({ toggle: togglePlay, step, reset, fullscreen }, () => !!(app.ready && app.state)));
  }

  return { setPlaying, tick, play, pause, step, seek, reset, wireTransport, wireKeys };
}
