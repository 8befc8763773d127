// The 2-D figure's link: the canonical hash of what is on screen (reported to onChange when it
// changes, copied by "Copy link"), a parsed link (Rust's parsePermalink, in the workers) put
// into the controls with its notices, and the presets, which are links too.

import { extraSettings } from './model.js';
import { screenHash, presetLink, linkNotices, linkMotion } from './state.js';

const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * The figure's link: what is on screen as a hash, a parsed link applied, presets, copy link.
 * @param {import('./context.js').Toy} fig
 */
export function permalink(fig) {
  const { app, info, playback, $ } = fig;

  /** The canonical hash of what is on screen. */
  function currentHash() {
    return screenHash(app, { target: fig.target(), speed: fig.speed(), playing: playback.playing });
  }

  /** Reports the hash to the listeners when it changed. */
  function syncHash() {
    const h = currentHash();
    if (!h || h === app.hash) return;
    app.hash = h;
    fig.emit();
  }

  /** @param {{ message: string }[]} notices */
  function showNotices(notices) {
    const box = $('notices');
    box.replaceChildren();
    for (const n of notices) {
      const p = document.createElement('p');
      p.textContent = `Link: ${n.message}.`;
      box.append(p);
    }
    box.hidden = notices.length === 0;
  }

  /**
   * Puts a parsed link (Rust's parsePermalink) into the controls, then starts a simulation.
   * @param {any} link
   */
  function applyLink(link) {
    info.link = link;
    info.notices = linkNotices(link);
    info.warnings = link.warnings.slice();
    for (const w of link.warnings) console.warn(`[sgd-escape] link: ${w}`);
    showNotices(link.notices);
    const c = link.config;
    app.extra = extraSettings(c);
    fig.fields.write(c, fig.methodIds());
    $('iterations').value = String(link.iterations);
    $('target-echo').textContent = String(link.iterations);
    // The timeline's iteration: sought once the simulation is configured.
    app.pendingSeek = link.iteration ?? null;
    app.scrubbed = link.iteration ?? null;
    $('speed').value = String(link.speed);
    $('speed-out').textContent = String(link.speed);
    app.hidden = new Set(link.hide);
    if (link.controls) app.controls = link.controls;
    fig.setLecture(link.lecture);
    if (playback.playing) fig.setPlaying(false);
    // prefers-reduced-motion: a link never starts the animation by itself (Play still works).
    Object.assign(app, linkMotion(link.play, reducedMotion()));
    playback.queued = 0;
    fig.configure(null);
  }

  /** @param {string} hash asks the workers to parse a link (their `link` reply applies it) */
  function parseLink(hash) {
    fig.post({ type: 'parseLink', req: fig.req(), hash });
  }

  /** Copies the link of what is on screen (or shows it, without clipboard permission). */
  async function copyLink() {
    syncHash();
    const url = fig.opts.linkBase() + currentHash();
    info.copiedLink = url;
    fig.emit();
    try {
      await navigator.clipboard.writeText(url);
      fig.setStatus('Link copied: it reopens exactly this figure.', 'ok');
    } catch {
      // No clipboard permission (an iframe, http): show the link to copy by hand.
      fig.setStatus(`Copy this link: ${url}`, 'info');
    }
  }

  /** The presets' menu (once the workers listed them): this figure's open as links. */
  function buildPresets() {
    const select = $('preset');
    for (const p of app.presets) {
      const o = document.createElement('option');
      o.value = p.id;
      o.textContent = p.title;
      o.dataset.figure = p.figure;
      select.append(o);
    }
    select.addEventListener('change', () => {
      const p = app.presets.find((x) => x.id === select.value);
      select.value = '';
      if (!p) return;
      if (p.figure !== 'toy') {
        if (fig.opts.openPreset) fig.opts.openPreset(p);
        else fig.setStatus(`${p.title}: open the full page for that figure.`, 'info');
        return;
      }
      fig.setStatus(`Preset: ${p.title}.`, 'ok');
      parseLink(presetLink(p.id, app.controls, app.lecture));
    });
  }

  function wireLink() {
    fig.bag.listen($('copy-link'), 'click', copyLink);
  }

  return { currentHash, syncHash, applyLink, parseLink, buildPresets, wireLink };
}
