// The 2-D figure as a mountable unit: mountToy(root, options) -> controller. The page, the iframe
// embed (embed.html) and the custom element (sgd-escape.js) all mount it; each mount has its own
// worker pool, state, hash and test hook, so several on one page are independent.
//
// root: the Document or ShadowRoot holding the markup of toy-dom.js (ids are looked up in it).
// options: {
//   hash: '#figure=toy&...'   the initial link (parsed by Rust, parsePermalink, in a worker)
//   writeHash(hash)           called with the canonical hash whenever the state changes (pages
//                             write it with history.replaceState; the element ignores it)
//   linkBase()                the URL a copied link starts from
//   openPreset(preset)        a preset of another figure was chosen (default: scroll to it)
//   keyTarget                 where the keyboard shortcuts listen (document, or the host element)
//   lectureTarget             the element that gets class `lecture`
//   fullscreenTarget          the element F puts in fullscreen (default: lectureTarget)
//   hook                      an object the figure fills for tests and debugging
//   start: true               false to wait for controller.start() (lazy custom elements)
// }
// The main thread never runs the simulation; it keeps at most one request in flight.

import { Landscape } from './landscape.js';
import { EscapePlot, IndicatorPlot } from './plots.js';
import { markerSwatch, DESCRIPTION } from './methods.js';
import { fmt } from './format.js';
import { statusReporter } from './status.js';
import { ToyPool } from './toy-pool.js';
import { SETTINGS } from './toy-dom.js';
import { curvesCsv, curvesJson, download, figurePng } from './toy-export.js';
import { figureKeyHandler, toggleFullscreen } from './figure-keys.js';

// The standard tiny SIMD test module (wasm-feature-detect's simd test).
const SIMD_TEST = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

// Simulation parameters: config key (docs/API.md) -> input id.
const FIELDS = SETTINGS.map(([key, id]) => [key, id]);
const FIELD_LABEL = { lr: 'learning rate', noiseTrace: 'noise trace', runs: 'runs', batchSize: 'batch size', samples: 'samples', dataSpread: 'data spread', seed: 'seed', methods: 'methods' };
const MAX_WORKERS = 8;
// Iterations per request in "skip to end": large enough that messaging costs little, small
// enough that the counters still move.
const FAST_STEP = 250;

const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

export function chooseBuild() {
  let simd = false;
  try {
    simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_TEST);
  } catch {
    simd = false;
  }
  return simd ? 'pkg' : 'pkg-scalar';
}

export function mountToy(root, options = {}) {
  const $ = (id) => root.getElementById(id);
  const setText = (id, text) => { const el = $(id); if (el && el.textContent !== text) el.textContent = text; };
  const opts = { hash: '', writeHash: () => {}, linkBase: () => location.href.split('#')[0], keyTarget: document, lectureTarget: null, hook: {}, start: true, ...options };

  const app = {
    pool: null,
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
    state: null,
    playing: false,
    stopAt: Infinity,
    inFlight: 0,
    stepQueued: 0,
    fellBack: false,
    nextReq: 1,
    lastStepFrame: 0,
    frame: 0,
    raf: 0,
    link: null, // the parsed link being applied
    playAfterConfigure: false,
    fast: false, // "skip to end": steps as large as the workers take, not per frame
    controls: null, // the embed's control list (kept in the hash)
    lecture: false,
    destroyed: false,
    dirty: { landscape: true, escape: true, indicator: true },
  };

  const hook = opts.hook;
  Object.assign(hook, { ready: false, engine: null, dir: null, config: null, state: null, indicators: null, playing: false, statesReceived: 0, framesDrawn: 0, drawMs: 0, errors: [], notices: [], warnings: [], hash: '', workers: 0, memoryBytes: 0, link: null });
  Object.defineProperty(hook, 'inFlight', { get: () => app.inFlight, enumerable: true, configurable: true });

  const landscape = new Landscape($('landscape'));
  const escapePlot = new EscapePlot($('escape-plot'));
  const indicatorPlot = new IndicatorPlot($('indicator-plot'));
  const { setStatus, reportError } = statusReporter($('status'), hook.errors);

  // ---------------------------------------------------------------- field errors

  function controlIdFor(field) {
    if (field === 'methods') return 'methods';
    const f = FIELDS.find(([key]) => key === field);
    return f ? f[1] : null;
  }

  function clearFieldErrors() {
    for (const [, id] of FIELDS) {
      $(`${id}-error`).textContent = '';
      $(id).removeAttribute('aria-invalid');
    }
    $('methods-error').textContent = '';
  }

  function showFieldError(field, message) {
    const id = controlIdFor(field);
    if (!id) return false;
    $(`${id}-error`).textContent = message;
    if (id !== 'methods') $(id).setAttribute('aria-invalid', 'true');
    // A hidden control (an embed without it) can't show its error: the status line does.
    return !$(id === 'methods' ? 'methods-error' : id).closest('[hidden]');
  }

  // ---------------------------------------------------------------- configuration

  function readNumber(id) {
    const raw = $(id).value.trim();
    return raw === '' ? NaN : Number(raw);
  }

  function readConfig() {
    const config = {};
    for (const [key, id] of FIELDS) config[key] = readNumber(id);
    config.methods = app.methodInfo.map((m) => m.id).filter((id) => {
      const box = $(`method-${id}`);
      return box && box.checked;
    });
    return config;
  }

  function post(msg) {
    app.inFlight += 1;
    app.pool.post(msg);
  }

  function configure(field) {
    if (!app.ready) return;
    post({ type: 'configure', req: app.nextReq++, config: readConfig(), field });
  }

  function target() {
    const v = readNumber('iterations');
    return Number.isInteger(v) && v >= 1 ? v : null;
  }

  function speed() {
    return Math.max(1, Math.min(50, Math.round(readNumber('speed')) || 1));
  }

  // ---------------------------------------------------------------- the link

  /** The canonical hash of what is on screen (the schema of src/permalink.rs). */
  function currentHash() {
    const c = app.config;
    if (!c) return '';
    const pairs = [
      ['figure', 'toy'],
      ['methods', c.methods.join(',')],
      ['runs', c.runs], ['lr', c.lr], ['noiseTrace', c.noiseTrace], ['batchSize', c.batchSize],
      ['samples', c.samples], ['dataSpread', c.dataSpread], ['seed', c.seed],
      ['iterations', target() ?? 500], ['speed', speed()], ['play', app.playing ? 1 : 0],
    ];
    const hidden = app.simulated.filter((id) => app.hidden.has(id));
    if (hidden.length) pairs.push(['hide', hidden.join(',')]);
    if (app.controls) pairs.push(['controls', app.controls.join(',')]);
    if (app.lecture) pairs.push(['lecture', 1]);
    return `#${pairs.map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/%2C/g, ',')}`).join('&')}`;
  }

  function syncHash() {
    const h = currentHash();
    if (!h || h === hook.hash) return;
    hook.hash = h;
    opts.writeHash(h);
  }

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

  /** Puts a parsed link (Rust's parsePermalink) into the controls, then starts a simulation. */
  function applyLink(link) {
    hook.link = link;
    hook.notices = link.notices.map((n) => `${n.key}: ${n.message}`);
    hook.warnings = link.warnings.slice();
    for (const w of link.warnings) console.warn(`[sgd-escape] link: ${w}`);
    showNotices(link.notices);
    const c = link.config;
    for (const [key, id] of FIELDS) $(id).value = String(c[key]);
    for (const { id } of app.methodInfo) {
      const box = $(`method-${id}`);
      if (box) box.checked = c.methods.includes(id);
    }
    $('iterations').value = String(link.iterations);
    $('target-echo').textContent = String(link.iterations);
    $('speed').value = String(link.speed);
    $('speed-out').textContent = String(link.speed);
    app.hidden = new Set(link.hide);
    if (link.controls) app.controls = link.controls;
    setLecture(link.lecture);
    if (app.playing) setPlaying(false);
    // prefers-reduced-motion: a link never starts the animation by itself (Play still works).
    app.playAfterConfigure = link.play && !reducedMotion();
    app.motionHeld = link.play && reducedMotion();
    app.stepQueued = 0;
    configure(null);
  }

  function parseLink(hash) {
    post({ type: 'parseLink', req: app.nextReq++, hash });
  }

  // ---------------------------------------------------------------- playback

  function setPlaying(on) {
    app.playing = on;
    hook.playing = on;
    const b = $('play');
    b.textContent = on ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (!on) app.fast = false;
    if (on) {
      const t = target();
      const it = app.state ? app.state.iteration : 0;
      // Play runs to the target; pressed again at or past it, play continues freely.
      app.stopAt = t !== null && it < t ? t : Infinity;
    } else {
      describeState();
    }
    syncHash();
  }

  function tick() {
    if (app.destroyed) return;
    app.frame += 1;
    if (app.ready && app.state && app.inFlight === 0) {
      if (app.stepQueued > 0) {
        post({ type: 'step', req: app.nextReq++, n: app.stepQueued });
        app.stepQueued = 0;
        app.lastStepFrame = app.frame;
      } else if (app.playing) {
        // Keep iterations per second steady when the workers need more than a frame.
        const frames = Math.min(3, Math.max(1, app.frame - app.lastStepFrame));
        let n = app.fast ? FAST_STEP : speed() * frames;
        const it = app.state.iteration;
        if (Number.isFinite(app.stopAt)) n = Math.min(n, app.stopAt - it);
        if (n >= 1) {
          post({ type: 'step', req: app.nextReq++, n });
          app.lastStepFrame = app.frame;
        } else {
          setPlaying(false);
        }
      }
    }
    draw();
    app.raf = requestAnimationFrame(tick);
  }

  // ---------------------------------------------------------------- drawing

  function visibleIds() {
    return app.simulated.filter((id) => !app.hidden.has(id));
  }

  function draw() {
    const d = app.dirty;
    if (d.landscape) {
      const t0 = performance.now();
      landscape.draw(app.state, visibleIds());
      hook.drawMs = performance.now() - t0;
      d.landscape = false;
      hook.framesDrawn += 1;
    }
    if (d.escape) {
      escapePlot.draw(app.state, visibleIds(), app.names, target());
      d.escape = false;
    }
    if (d.indicator && app.indicators) {
      indicatorPlot.draw(indicatorRows());
      d.indicator = false;
    }
  }

  function markAll() {
    app.dirty.landscape = true;
    app.dirty.escape = true;
    app.dirty.indicator = true;
  }

  function indicatorRows() {
    return app.simulated.filter((id) => app.indicators[id]).map((id) => ({ id, name: app.names[id] || id, ...app.indicators[id] }));
  }

  // ---------------------------------------------------------------- the DOM that depends on the methods

  function buildMethodBoxes() {
    const box = $('method-boxes');
    box.replaceChildren();
    for (const { id, name } of app.methodInfo) {
      const label = document.createElement('label');
      label.className = 'check';
      label.htmlFor = `method-${id}`;
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.id = `method-${id}`;
      input.value = id;
      input.checked = true;
      input.addEventListener('change', () => configure('methods'));
      const text = document.createElement('span');
      text.textContent = name;
      label.append(input, markerSwatch(id, 14), text);
      label.title = DESCRIPTION[id] || '';
      box.append(label);
    }
  }

  /** The paper's protocol, from Rust's defaults: what "Restore" restores, and its caption. */
  function applyDefaults(d) {
    if (!d) return;
    for (const [key, id] of FIELDS) $(id).defaultValue = String(d.config[key]);
    $('iterations').defaultValue = String(d.iterations);
    $('speed').defaultValue = String(d.speed);
    const c = d.config;
    setText('protocol-caption', `Changing a setting starts a fresh simulation. The paper’s protocol: η = ${c.lr}, noise trace ${c.noiseTrace}, ${c.runs} runs, batch ${c.batchSize} of ${c.samples} samples, data spread ${c.dataSpread}, ${d.iterations} iterations.`);
  }

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
      if (p.figure !== 'toy' && opts.openPreset) {
        opts.openPreset(p);
        return;
      }
      if (p.figure !== 'toy') {
        const section = document.getElementById(p.figure);
        if (section) section.scrollIntoView({ behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
        else setStatus(`${p.title}: open the full page for that figure.`, 'info');
        return;
      }
      setStatus(`Preset: ${p.title}.`, 'ok');
      parseLink(`preset=${encodeURIComponent(p.id)}${app.controls ? `&controls=${app.controls.join(',')}` : ''}${app.lecture ? '&lecture=1' : ''}`);
    });
  }

  function legendTitle(id) {
    return `${DESCRIPTION[id] || ''} Click to ${app.hidden.has(id) ? 'show' : 'hide'}.`;
  }

  function buildLegend() {
    const legend = $('legend');
    legend.replaceChildren();
    const runs = app.state ? app.state.runs : 0;
    for (const id of app.simulated) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'legend-item';
      b.dataset.method = id;
      b.setAttribute('aria-pressed', app.hidden.has(id) ? 'false' : 'true');
      b.title = legendTitle(id);
      const name = document.createElement('span');
      name.className = 'legend-name';
      name.textContent = app.names[id] || id;
      const sep = document.createElement('span');
      sep.className = 'visually-hidden';
      sep.textContent = ': ';
      const count = document.createElement('span');
      count.className = 'legend-count';
      count.id = `count-${id}`;
      count.textContent = app.state ? countText(app.state, id) : `0/${runs} escaped`;
      b.append(markerSwatch(id, 16), name, sep, count);
      b.addEventListener('click', () => {
        if (app.hidden.has(id)) app.hidden.delete(id); else app.hidden.add(id);
        b.setAttribute('aria-pressed', app.hidden.has(id) ? 'false' : 'true');
        b.title = legendTitle(id);
        app.dirty.landscape = true;
        app.dirty.escape = true;
        syncHash();
      });
      legend.append(b);
    }
  }

  /** "12/100 escaped", with "· 3 diverged" when runs diverged (never counted as escaped). */
  function countText(s, id) {
    const d = s.diverged && s.diverged[id];
    return `${s.escaped[id] ?? 0}/${s.runs} escaped${d ? ` · ${d} diverged` : ''}`;
  }

  function updateCounts() {
    const s = app.state;
    if (!s) return;
    const note = s.drawn < s.runs
      ? `Markers for the first ${s.drawn.toLocaleString('en-US')} of ${s.runs.toLocaleString('en-US')} runs per method; counts and curves use all runs.`
      : 'One marker per run.';
    setText('drawn-note', note);
    setText('iteration', String(s.iteration));
    for (const id of app.simulated) setText(`count-${id}`, countText(s, id));
  }

  /** The live caption (an ARIA live region): numbers from the state, written when it rests. */
  function describeState() {
    const s = app.state;
    const c = app.config;
    if (!s || !c) return;
    const parts = app.simulated.map((id) => `${app.names[id] || id} ${s.escaped[id] ?? 0}${s.diverged && s.diverged[id] ? ` (${s.diverged[id]} diverged)` : ''}`);
    const first = indicatorRows()[0];
    const unstable = first && first.gdStableLr && c.lr > first.gdStableLr
      ? ` η is beyond GD's stability limit 2/λ₁ = ${fmt(first.gdStableLr)} at the sharp minimum: escapes come from the step size, not the noise.`
      : '';
    const text = `Iteration ${s.iteration}${target() ? ` of ${target()}` : ''}, seed ${c.seed}, η = ${c.lr}, noise trace ${c.noiseTrace}: runs escaped to the flat basin out of ${s.runs}: ${parts.join(', ')}.${unstable}`;
    setText('figure-caption', text);
    app.describedAt = s.iteration;
  }

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function buildIndicatorTable() {
    const body = $('indicator-rows');
    body.replaceChildren();
    const rows = indicatorRows();
    for (const r of rows) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      const name = document.createElement('span');
      name.textContent = r.name;
      th.append(markerSwatch(r.id, 12), name);
      const noisy = r.trSigma > 0;
      tr.append(
        th,
        cell(fmt(r.trSigma), 'num'),
        cell(fmt(r.trHSigma), 'num'),
        cell(fmt(r.trHSigmaIso), 'num'),
        cell(noisy ? `×${Number(r.ratio).toFixed(2)}` : '—', 'num'),
        cell(noisy ? Number(r.aHat).toFixed(2) : '—', 'num'),
      );
      body.append(tr);
    }
    const first = rows[0];
    const limit = first && first.gdStableLr;
    const beyond = limit && app.config && app.config.lr > limit
      ? ` η = ${app.config.lr} is beyond it: even GD's steps overshoot and throw runs out of the sharp minimum, so escapes here measure the step size, not the noise.`
      : '';
    setText('hessian-caption', first
      ? `At w = (1, 1): Hessian eigenvalues λ₁ = ${fmt(first.lambda1)}, λ₂ = ${fmt(first.lambda2)}, Tr H = ${fmt(first.trH)}; D = 2.${limit ? ` GD is stable there for η < 2/λ₁ = ${fmt(limit)}.` : ''}${beyond}`
      : 'At w = (1, 1)');
  }

  /** The live part of "what to watch" (only on the full page), from this configuration. */
  function describeLive() {
    if (!$('watch-live')) return;
    const ind = app.indicators || {};
    const cfg = app.config || {};
    const out = [];
    const isoId = ['gld-const', 'gld-diag'].find((id) => ind[id] && ind[id].trSigma > 0);
    const alId = ['gld-eigvec', 'gld-leading', 'gld-hessian'].find((id) => ind[id] && ind[id].trSigma > 0);
    if (isoId && alId) {
      const a = ind[isoId];
      const b = ind[alId];
      out.push(`Live, at (1, 1): noise of trace ${fmt(a.trSigma)} scores Tr(HΣ) = ${fmt(a.trHSigma)} as ${app.names[isoId]} but ${fmt(b.trHSigma)} as ${app.names[alId]}.`);
    }
    const sgd = ind.sgd;
    const ref = cfg.noiseTrace;
    const dyn = ind['gld-dynamic'];
    const its = Number.isInteger(target()) ? ` in ${target()} iterations` : '';
    if (sgd && ref > 0 && sgd.trSigma < 0.3 * ref) {
      const like = dyn && dyn.trSigma < 0.3 * ref ? ', and so is GLD dynamic, which copies its trace' : '';
      out.push(`Honest caveat: SGD’s own noise here (data spread ${fmt(cfg.dataSpread)}, batch ${cfg.batchSize}) has trace ${fmt(sgd.trSigma)}, only ${fmt((100 * sgd.trSigma) / ref, 2)}% of ${fmt(ref)}. It is aligned (×${Number(sgd.ratio).toFixed(2)} the isotropic score) but far too small to escape${its}${like}.`);
      if (cfg.dataSpread > 0 && sgd.trSigma > 0) {
        const s = cfg.dataSpread * Math.sqrt(ref / sgd.trSigma);
        if (s <= 10) out.push(`Its covariance grows as the data spread squared: a spread near ${fmt(s, 2)} gives it trace ≈ ${fmt(ref)}.`);
      }
    } else if (sgd) {
      out.push(`SGD’s own noise has trace ${fmt(sgd.trSigma)} here (the GLD methods get ${fmt(ref)}) and scores ×${Number(sgd.ratio).toFixed(2)} the isotropic Tr(HΣ).`);
    } else {
      out.push('Tick SGD in the settings to compare its own noise with these.');
    }
    setText('watch-live', out.join(' '));
  }

  // ---------------------------------------------------------------- worker replies

  function applyState(state) {
    app.state = state;
    hook.state = state;
    hook.statesReceived += 1;
    updateCounts();
    app.dirty.landscape = true;
    app.dirty.escape = true;
    if (app.playing && state.iteration >= app.stopAt) {
      if (app.fast) hook.skipMs = performance.now() - hook.skipStartedAt;
      setPlaying(false);
      setStatus(`Reached iteration ${state.iteration}. Press Play to continue.`, 'ok');
    }
    // The caption is a live region: rewritten when the figure rests, and every 100 iterations.
    if (!app.playing || Math.floor(state.iteration / 100) !== Math.floor((app.describedAt ?? 0) / 100)) describeState();
  }

  function onMessage(msg) {
    hook.memoryBytes = app.pool ? app.pool.memoryBytes() : 0;
    switch (msg.type) {
      case 'ready': {
        app.methodInfo = msg.methods;
        app.names = Object.fromEntries(msg.methods.map((m) => [m.id, m.name]));
        app.presets = msg.presets || [];
        const simd = !!(msg.build && msg.build.simd);
        const engine = simd ? 'wasm SIMD128' : 'wasm scalar';
        setText('engine', `${engine}${msg.workers > 1 ? ` × ${msg.workers} workers` : ''}`);
        $('engine').dataset.dir = msg.dir;
        hook.engine = engine;
        hook.workers = msg.workers;
        if ((msg.dir === 'pkg') !== simd) console.warn(`[sgd-escape] loaded ./${msg.dir}/ but buildInfo().simd is ${simd}`);
        buildMethodBoxes();
        buildPresets();
        applyDefaults(msg.defaults);
        app.ready = true;
        setStatus('Starting the simulation…');
        parseLink(opts.hash || '');
        return;
      }
      case 'fatal': {
        reportError('WebAssembly', msg.message);
        setText('engine', 'unavailable');
        return;
      }
      default:
        break;
    }
    app.inFlight = Math.max(0, app.inFlight - 1);
    switch (msg.type) {
      case 'link':
        applyLink(msg.link);
        return;
      case 'configured': {
        const first = !app.config;
        app.config = msg.config;
        app.simulated = msg.methods;
        app.indicators = msg.indicators;
        hook.config = msg.config;
        hook.indicators = msg.indicators;
        clearFieldErrors();
        if (msg.grid) {
          const t0 = performance.now();
          landscape.setGrid(msg.grid);
          hook.gridMs = performance.now() - t0;
        }
        applyState(msg.state);
        buildLegend();
        buildIndicatorTable();
        describeLive();
        layout();
        markAll();
        for (const b of ['play', 'step', 'reset', 'run-to']) $(b).disabled = false;
        if (app.playAfterConfigure) {
          app.playAfterConfigure = false;
          setPlaying(true);
        } else if (app.playing) {
          setPlaying(true); // new run: play towards the target again
        }
        if (app.motionHeld) {
          app.motionHeld = false;
          hook.ready = true;
          setStatus('Autoplay is off because your system asks for reduced motion. Press Play.', 'ok');
        } else if (first) {
          hook.ready = true;
          setStatus(app.playing ? 'Running…' : 'Ready. Press Play.', 'ok');
        } else {
          setStatus(`New simulation: ${msg.state.runs} runs × ${msg.methods.length} methods.`, 'ok');
        }
        syncHash();
        return;
      }
      case 'invalid': {
        if (!app.config && !app.fellBack) {
          app.fellBack = true;
          for (const [, id] of FIELDS) $(id).value = $(id).defaultValue;
          for (const { id } of app.methodInfo) $(`method-${id}`).checked = true;
          reportError('Settings', `${msg.message}; starting with the paper’s settings instead`);
          configure(null);
          return;
        }
        clearFieldErrors();
        const named = /`([A-Za-z]+)`/.exec(msg.message);
        const field = named ? named[1] : msg.field;
        const perField = { ...(msg.fieldErrors || {}) };
        if (!Object.keys(perField).length) perField[field || msg.field] = msg.message;
        let shown = 0;
        for (const [key, text] of Object.entries(perField)) if (showFieldError(key, text)) shown += 1;
        if (!shown && !showFieldError(msg.field, msg.message)) {
          reportError('Settings', msg.message);
          return;
        }
        const label = FIELD_LABEL[field] || field || 'settings';
        const text = `Invalid ${label}: ${msg.message}. The previous simulation keeps running.`;
        hook.errors.push(text);
        console.error(`[sgd-escape] ${text}`);
        setStatus(text, 'error');
        return;
      }
      case 'state':
        applyState(msg.state);
        return;
      case 'error': {
        if (msg.state) applyState(msg.state);
        setPlaying(false);
        reportError('Simulation', msg.message + (msg.recovered ? ' (restarted with the last valid settings)' : ''));
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- layout

  function layout(dpr) {
    const lw = $('landscape-box').clientWidth;
    // In a short frame (an embed), the square landscape must also fit the height.
    const maxH = opts.fitHeight ? Math.max(200, opts.fitHeight() - 170) : Infinity; // minus the card's title and captions
    if (lw && landscape.resize(Math.min(lw, maxH), dpr)) app.dirty.landscape = true;
    const ew = $('escape-box').clientWidth;
    if (ew && escapePlot.resize(ew, dpr)) app.dirty.escape = true;
    const iw = $('indicator-box').clientWidth;
    if (iw && indicatorPlot.resize(iw, (app.indicators ? indicatorRows().length : 0) || 1, dpr)) app.dirty.indicator = true;
  }

  // ---------------------------------------------------------------- lecture mode and export

  function setLecture(on) {
    app.lecture = !!on;
    const b = $('lecture');
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (opts.lectureTarget) opts.lectureTarget.classList.toggle('lecture', app.lecture);
    requestAnimationFrame(() => { layout(); markAll(); });
  }

  function exportBase() {
    const c = app.config || {};
    return `sgd-escape-toy-seed${c.seed ?? 0}-it${app.state ? app.state.iteration : 0}`;
  }

  function exportData() {
    return { app, names: app.names, hash: currentHash(), target: target() };
  }

  async function exportPng() {
    // Redraw every canvas at devicePixelRatio 2, compose, then restore the screen resolution.
    layout(2);
    markAll();
    draw();
    const blob = await figurePng([$('landscape'), $('escape-plot')], currentCaption());
    layout();
    markAll();
    return blob;
  }

  function currentCaption() {
    return $('figure-caption').textContent || '';
  }

  const exporters = {
    png: async () => ({ blob: await exportPng(), name: `${exportBase()}.png` }),
    csv: async () => ({ blob: new Blob([curvesCsv(exportData())], { type: 'text/csv' }), name: `${exportBase()}.csv` }),
    json: async () => ({ blob: new Blob([JSON.stringify(curvesJson(exportData()), null, 1)], { type: 'application/json' }), name: `${exportBase()}.json` }),
    config: async () => ({ blob: new Blob([JSON.stringify({ config: app.config, iterations: target(), speed: speed(), link: currentHash() }, null, 1)], { type: 'application/json' }), name: `${exportBase()}-config.json` }),
  };

  async function exportAs(kind) {
    if (!app.state) return null;
    const out = await exporters[kind]();
    download(out.blob, out.name);
    setStatus(`Saved ${out.name}.`, 'ok');
    return out;
  }

  // ---------------------------------------------------------------- wiring

  const cleanups = [];
  function listen(target, type, fn, o) {
    target.addEventListener(type, fn, o);
    cleanups.push(() => target.removeEventListener(type, fn, o));
  }

  function togglePlay() {
    setPlaying(!app.playing);
    if (app.playing) setStatus(Number.isFinite(app.stopAt) ? `Running to iteration ${app.stopAt}…` : 'Running…');
    else setStatus(`Paused at iteration ${app.state ? app.state.iteration : 0}.`);
  }

  function stepOnce() {
    if (app.playing) setPlaying(false);
    app.stepQueued += 1;
  }

  function reset() {
    app.stepQueued = 0;
    post({ type: 'reset', req: app.nextReq++ });
    if (app.playing) setPlaying(true);
    setStatus('Reset to iteration 0.');
  }

  function fullscreen() {
    const el = opts.fullscreenTarget || opts.lectureTarget || document.documentElement;
    toggleFullscreen(el, (m) => setStatus(`Fullscreen refused: ${m}`, 'info'));
  }

  function wire() {
    listen($('play'), 'click', togglePlay);
    listen($('step'), 'click', stepOnce);
    listen($('reset'), 'click', reset);
    listen($('run-to'), 'click', () => {
      const t = target();
      if (!app.state || t === null || app.state.iteration >= t) return;
      hook.skipStartedAt = performance.now();
      setPlaying(true);
      app.fast = true;
      setStatus(`Computing to iteration ${t}…`);
    });
    listen($('speed'), 'input', () => { $('speed-out').textContent = $('speed').value; });
    listen($('speed'), 'change', syncHash);
    $('speed-out').textContent = $('speed').value;
    listen($('iterations'), 'change', () => {
      const t = target();
      if (t === null) {
        $('iterations-error').textContent = 'Enter a whole number of iterations, at least 1.';
        $('iterations').setAttribute('aria-invalid', 'true');
        return;
      }
      $('iterations-error').textContent = '';
      $('iterations').removeAttribute('aria-invalid');
      $('target-echo').textContent = String(t);
      if (app.playing) setPlaying(true);
      app.dirty.escape = true;
      syncHash();
    });
    for (const [key, id] of FIELDS) listen($(id), 'change', () => configure(key));
    listen($('controls'), 'submit', (e) => e.preventDefault());
    listen($('defaults'), 'click', () => {
      for (const [, id] of FIELDS) $(id).value = $(id).defaultValue;
      for (const { id } of app.methodInfo) $(`method-${id}`).checked = true;
      const it = $('iterations');
      if (it.value !== it.defaultValue) {
        it.value = it.defaultValue;
        it.dispatchEvent(new Event('change'));
      }
      configure(null);
    });
    listen($('copy-link'), 'click', async () => {
      syncHash();
      const url = opts.linkBase() + currentHash();
      hook.copiedLink = url;
      try {
        await navigator.clipboard.writeText(url);
        setStatus('Link copied: it reopens exactly this figure.', 'ok');
      } catch {
        // No clipboard permission (an iframe, http): show the link to copy by hand.
        setStatus(`Copy this link: ${url}`, 'info');
      }
    });
    for (const kind of ['png', 'csv', 'json', 'config']) listen($(`export-${kind}`), 'click', () => exportAs(kind).catch((e) => reportError('Export', e.message || String(e))));
    listen($('lecture'), 'click', () => { setLecture(!app.lecture); syncHash(); });
    // Keyboard: Space or K play/pause, → or . step, R reset, F fullscreen (not while typing).
    listen(opts.keyTarget, 'keydown', figureKeyHandler({ toggle: togglePlay, step: stepOnce, reset, fullscreen }, () => app.ready && app.state));
    const ro = new ResizeObserver(() => layout());
    for (const id of ['landscape-box', 'escape-box', 'indicator-box']) ro.observe($(id));
    cleanups.push(() => ro.disconnect());
    const watchDpr = () => {
      const mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      mq.addEventListener('change', () => { if (!app.destroyed) { layout(); markAll(); watchDpr(); } }, { once: true });
    };
    watchDpr();
  }

  function start() {
    if (app.started || app.destroyed) return;
    app.started = true;
    if (typeof WebAssembly !== 'object') {
      reportError('WebAssembly', 'this browser does not support WebAssembly');
      return;
    }
    app.dir = chooseBuild();
    hook.dir = app.dir;
    const link = /[#&]workers=(\d+)/.exec(opts.hash || '');
    // The link's `workers` (1..=8, checked again by Rust, which reports a bad value), else one
    // worker per core, at most one per method.
    const asked = link ? Number(link[1]) : NaN;
    const size = asked >= 1 && asked <= MAX_WORKERS ? asked : Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 2));
    setText('engine', app.dir === 'pkg' ? 'loading wasm SIMD128…' : 'loading wasm scalar…');
    setStatus('Loading the WebAssembly module…');
    try {
      app.pool = new ToyPool(size, app.dir, onMessage, (m) => reportError('Worker', m));
    } catch (e) {
      reportError('Worker', e.message || String(e));
      return;
    }
    app.pool.init();
    app.raf = requestAnimationFrame(tick);
  }

  wire();
  layout();
  if (opts.start) start();

  return {
    hook,
    start,
    /** Pauses (used when an element scrolls out of view); returns whether it was playing. */
    pause() { const was = app.playing; if (was) setPlaying(false); return was; },
    play() { if (app.state && !app.playing) togglePlay(); },
    step: stepOnce,
    reset,
    /** Re-reads a link (a new hash, or changed element attributes). */
    setLink(hash) { if (app.ready) parseLink(hash); else opts.hash = hash; },
    hash: currentHash,
    exportAs,
    exporters,
    get playing() { return app.playing; },
    get started() { return app.started; },
    destroy() {
      app.destroyed = true;
      cancelAnimationFrame(app.raf);
      for (const c of cleanups) c();
      if (app.pool) app.pool.terminate();
      app.pool = null;
    },
  };
}
