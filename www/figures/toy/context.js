// What every part of a mounted 2-D figure shares: its element lookup, its live state (state.js),
// its playback (model.js Playback), its settings fields, its status line, its listeners, its
// cleanups, and the one way it asks the workers for something. The parts (configure.js,
// canvases.js, transport.js, permalink.js, replies.js, exports.js) add their functions to it,
// so each calls the others through it once index.js has put them all together.

import { Playback, clampSpeed } from './model.js';
import { SettingsFields } from './fields.js';
import { createApp, createInfo } from './state.js';
import { statusReporter } from '../../lib/status.js';
import { setText as writeText } from '../../lib/dom.js';
import { cleanups, emitter } from '../../lib/figure-shell.js';

/**
 * @typedef {{ hash: string, full: boolean, linkBase: () => string, keyTarget: EventTarget | null, lectureTarget: Element | null, fullscreenTarget: Element | null, start: boolean, fitHeight: (() => number) | null, openPreset: ((preset: { id: string, figure: string, title: string }) => void) | null, footer: Node | null }} ToyOptions
 * @typedef {ReturnType<typeof createContext>} ToyBase
 *
 * @typedef {object} ToyParts what the parts add to the context (each part's module says more)
 * @property {import('./landscape.js').Landscape} landscape                    canvases.js
 * @property {() => void} draw                                                 canvases.js: what is dirty
 * @property {() => void} markAll                                              canvases.js: everything dirty
 * @property {() => void} placeHandles                                         canvases.js
 * @property {(dpr?: number) => void} layout                                   canvases.js
 * @property {(on: boolean) => void} setLecture                                canvases.js
 * @property {import('./coalesce.js').Coalescer<{ field: string | null, preview: boolean }>} configurer  configure.js
 * @property {(field: string | null, preview?: boolean) => void} configure     configure.js
 * @property {(key: string, value: number, o: { preview: boolean }) => void} shapeInput  configure.js
 * @property {(seed: number) => void} newSeed                                  configure.js
 * @property {() => number} predictionSteps                                    configure.js
 * @property {(on: boolean) => void} setPlaying                                transport.js
 * @property {() => void} tick                                                 transport.js
 * @property {() => void} play                                                 transport.js
 * @property {() => void} pause                                                transport.js
 * @property {() => void} step                                                 transport.js
 * @property {(raw: unknown) => void} seek                                     transport.js
 * @property {() => void} reset                                                transport.js
 * @property {() => string} currentHash                                        permalink.js
 * @property {() => void} syncHash                                             permalink.js
 * @property {(link: any) => void} applyLink                                   permalink.js
 * @property {(hash: string) => void} parseLink                                permalink.js
 * @property {() => void} buildPresets                                         permalink.js
 * @property {(msg: any) => void} onMessage                                    replies.js
 * @property {() => void} describeState                                        replies.js
 * @property {(kind: string) => Promise<{ blob: Blob, name: string }>} exportAs  exports.js
 * @property {() => void} wireLayout                                           canvases.js
 * @property {() => void} wireLecture                                          canvases.js
 * @property {() => void} wireSettings                                         configure.js
 * @property {() => void} wireSeeds                                            configure.js
 * @property {() => void} wireTransport                                        transport.js
 * @property {() => void} wireKeys                                             transport.js
 * @property {() => void} wireLink                                             permalink.js
 * @property {() => void} wireExports                                          exports.js
 *
 * @typedef {ToyBase & ToyParts} Toy the mounted figure's parts, together
 */

/**
 * The shared part of a figure mounted in `root` (its markup already built).
 * @param {HTMLElement} root
 * @param {ToyOptions} opts
 */
export function createContext(root, opts) {
  /** @param {string} id @returns {any} */
  const $ = (id) => root.querySelector(`#${id}`);
  const app = createApp();
  const info = createInfo();
  const fields = new SettingsFields($);
  const changes = emitter();
  const fig = {
    root,
    opts,
    $,
    /** @param {string} id @param {string} text */
    setText: (id, text) => writeText($(id), text),
    app,
    // Playing, where it stops, queued steps, the request in flight (model.js).
    playback: new Playback(),
    info,
    fields,
    changes,
    /** The listeners and observers destroy() removes. */
    bag: cleanups(),
    // The status line: messages, and errors (kept in info.errors for getState).
    ...statusReporter($('status'), info.errors),
    /** @type {() => any} the figure's getState (index.js) */
    getState: () => null,
    /** Tells the listeners of onChange the figure's state. */
    emit: () => changes.emit(fig.getState),
    /** @param {any} msg a request to the workers (one more in flight) */
    post(msg) {
      if (!app.client) return;
      fig.playback.inFlight += 1;
      app.client.post(msg);
    },
    /** @returns {number} the req of a new request */
    req: () => app.nextReq++,
    /** @returns {number | null} the iteration Play stops at */
    target() {
      const v = fields.number('iterations');
      return Number.isInteger(v) && v >= 1 ? v : null;
    },
    speed: () => clampSpeed(fields.number('speed')),
    methodIds: () => app.methodInfo.map((m) => m.id),
    readConfig: () => fields.read(app.extra, fig.methodIds()),
  };
  return fig;
}
