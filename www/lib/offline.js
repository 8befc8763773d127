// Registers the page's service worker (www/sw.js) where browsers allow it: https, or
// localhost / 127.0.0.1 / [::1] over http. Pure module: navigator and location are passed in.

/** Whether a page at `location` may register a service worker. */
export function offlineAllowed(location) {
  if (!location) return false;
  if (location.protocol === 'https:') return true;
  return location.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]', '::1'].includes(location.hostname);
}

/**
 * Registers `sw.js` (relative to the page, scope the page's folder) when allowed; resolves to
 * the registration, or null when not allowed or not supported. Never throws: offline support
 * is an extra, its failure is a console warning.
 */
export async function registerOffline(navigator, location, { url = 'sw.js', warn = (...a) => console.warn(...a) } = {}) {
  if (!navigator || !('serviceWorker' in navigator) || !offlineAllowed(location)) return null;
  try {
    return await navigator.serviceWorker.register(url, { scope: './' });
  } catch (e) {
    warn(`sgd-escape: offline support unavailable: ${e && e.message ? e.message : e}`);
    return null;
  }
}
