// Every figure, by id: the page, the iframe embed and the custom element are one loop over this
// registry. A figure is a folder (model.js: state, no DOM; view.js: DOM and canvas; worker.js:
// its wasm worker; index.js: mount) whose index.js exports `mount(root, options)`, returning the
// interface below. A figure never knows whether it is on the page, in an iframe or in an element.
// Modules load on first use, so an embed of one figure fetches only that figure's code.

/**
 * @typedef {object} MountOptions
 * @property {string} [hash]         the initial link ('#figure=toy&seed=3...'), read by Rust's parser
 * @property {boolean} [full]        the page's full figure (all controls, the prose); false: an
 *                                   embed, with only the controls the link lists
 * @property {() => string} [linkBase] the URL a copied link starts from
 * @property {EventTarget | null} [keyTarget] where the keyboard shortcuts listen (null: none)
 * @property {Element | null} [lectureTarget] what gets class `lecture` (default: root)
 * @property {Element | null} [fullscreenTarget] what F puts in fullscreen (default: lectureTarget)
 * @property {boolean} [start]       false: wait for start() (an element, when it nears the view)
 * @property {(() => number) | null} [fitHeight] the frame's height, for a figure that must fit it
 * @property {Node | null} [footer]  a line the figure shows below its controls (an embed's credit)
 * @property {((preset: { id: string, figure: string, title: string }) => void) | null} [openPreset]
 *                                   a preset of another figure was chosen
 */

/**
 * @typedef {object} Figure
 * @property {() => void} play
 * @property {() => void} pause
 * @property {() => void} step
 * @property {() => void} reset
 * @property {() => any} getState      plain JSON: the settings, `hash` (the canonical link), `ready`,
 *                                     `playing`, the live numbers, `errors`, `notices`, `stats`
 * @property {(partial: Record<string, any>) => void} setState  any settings, `playing`, or `hash`
 *                                     (a link, applied like a new URL)
 * @property {(fn: (state: any) => void) => () => void} onChange  fn(getState()) after changes;
 *                                     returns an unsubscribe
 * @property {(kind: string) => Promise<{ blob: Blob, name: string }>} export  downloads
 *                                     png (2x), csv, json or config
 * @property {() => void} start        starts loading (a no-op once started)
 * @property {() => void} destroy      stops the workers and listeners
 */

/**
 * The figures by id; each loads its module, whose mount returns the interface (or a promise of it).
 * @type {Record<string, () => Promise<{ mount: (root: HTMLElement, options?: MountOptions) => Figure | Promise<Figure> }>>}
 */
export const FIGURES = {
  'toy': () => import('./toy/index.js'),
  'fashion': () => import('./fashion/index.js'),
  'one-hidden-layer': () => import('./one-hidden-layer/index.js'),
  'sweep': () => import('./sweep/index.js'),
};

/**
 * Mounts figure `id` (a key of FIGURES) in `root`.
 * @param {string} id
 * @param {HTMLElement} root
 * @param {MountOptions} [options]
 * @returns {Promise<Figure>}
 */
export async function mountFigure(id, root, options = {}) {
  const load = FIGURES[id];
  if (!load) throw new Error(`unknown figure ${String(id)}`);
  const { mount } = await load();
  return mount(root, options);
}
