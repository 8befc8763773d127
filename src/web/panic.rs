//! A panic hook for the wasm build: a panic must never trap silently.
//!
//! Every export validates its input so that no panic should ever happen; if one does anyway,
//! the hook writes the message to `console.error` and keeps it for `lastPanic()`, so the page
//! (and the JS fuzz test) can tell a Rust panic apart from any other failure. The module then
//! traps, as a panic in wasm always does; the instance that panicked must be discarded.

use std::sync::{Mutex, Once};
use wasm_bindgen::prelude::*;

/// The message of the most recent panic, if any.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static INSTALL: Once = Once::new();

/// Keeps `message` as the last panic and reports it on the console.
fn record_panic(message: String) {
    web_sys::console::error_1(&JsValue::from_str(&format!(
        "sgd-escape: Rust panic: {message}"
    )));
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = Some(message);
    }
}

/// Installs the hook (once; later calls do nothing). Called by every constructor and by the
/// free functions, so whichever export JS calls first installs it.
pub fn install_panic_hook() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| record_panic(info.to_string())));
    });
}

/// The message of the last Rust panic in this module instance, or `null` if none happened
/// (it never should: a non-null value is a bug to report).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    install_panic_hook();
    LAST_PANIC.lock().ok().and_then(|last| last.clone())
}
