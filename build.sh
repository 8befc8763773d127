#!/usr/bin/env bash
# Build, test and serve sgd-escape.
#
#   ./build.sh [build]       SIMD + scalar wasm builds into www/pkg and www/pkg-scalar, native CLI
#   ./build.sh setup         install whatever is missing (toolchain bits, npm packages, Chromium,
#                            Firefox ESR, geckodriver, cargo-fuzz), independent installs in parallel
#   ./build.sh serve [PORT]  SIMD build, then serve www/ on http://127.0.0.1:PORT/ (default 8000)
#                            while the scalar build finishes in the background
#   ./build.sh test          fmt, clippy, rustdoc links, native tests (incl. proptest), wasm tests in headless
#                            Chromium and Firefox, cargo-fuzz targets (bounded), build, JS unit
#                            tests, tsc, eslint, doc links, e2e (@playwright/test), JS API fuzz
#   ./build.sh fuzz [SECS]   run each cargo-fuzz target for SECS seconds (default 25)
#   ./build.sh bench [--quick]  build, then benchmark every engine; table + target/bench/results.json
#
# build and serve install only what building needs (wasm target, wasm-pack, wasm-bindgen-cli,
# npm's binaryen); test, fuzz and bench run the whole `setup` first. When everything is installed,
# that takes about a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

WASM_TARGET=wasm32-unknown-unknown
WASM_PACK_VERSION=0.15.1           # installed by `setup` when wasm-pack is missing
CARGO_FUZZ_VERSION=0.13.2          # installed by `setup` (cargo install, about 1 min on 2 cores)
FUZZ_TARGETS=(config_parser idx_reader hash_parser)
FUZZ_SECONDS=25                    # per target in `./build.sh test`
JS_FUZZ_CASES=20000                # per wasm build in `./build.sh test` (about 15 s each)
CHROMEDRIVER=/usr/bin/chromedriver # Debian's chromium-driver; matches Debian's chromium
CHROMIUM=/usr/bin/chromium
FIREFOX=/usr/bin/firefox-esr       # Debian's firefox-esr
GECKODRIVER_VERSION=0.37.1         # installed by `setup` (cargo install, about 4 min on 2 cores)

# wasm-opt (and wasm-dis) must come from the npm package `binaryen` pinned in package.json:
# wasm-pack runs the first `wasm-opt` on PATH, and Debian's binaryen 108 silently produces
# modules that fail at page load ("WebAssembly.Table.set(): Argument 1 is invalid for table").
# So node_modules/.bin goes first on PATH, and cargo's bin dir (wasm-pack, wasm-bindgen) next.
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
GECKODRIVER="${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver"

# The SIMD build gets `-C target-feature=+simd128` from .cargo/config.toml, and any RUSTFLAGS
# (or CARGO_ENCODED_RUSTFLAGS) in the environment, even an empty one, would replace those flags.
# So none may reach the SIMD build: drop them once here for the whole script. The scalar build
# sets RUSTFLAGS to the empty string on purpose, for its own commands only (see SCALAR_ENV).
if [[ -n "${RUSTFLAGS+set}" || -n "${CARGO_ENCODED_RUSTFLAGS+set}" ]]; then
  echo "==> note: ignoring RUSTFLAGS/CARGO_ENCODED_RUSTFLAGS from the environment (they would override .cargo/config.toml)"
fi
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
# Scalar wasm build: empty RUSTFLAGS turns simd128 off; its own target dir keeps the SIMD and
# scalar artefacts from evicting each other in the cache.
SCALAR_ENV=(env RUSTFLAGS=)
SCALAR_TARGET_DIR=target/scalar

# wasm-bindgen-test's defaults (5 s to reach the driver, 20 s per test) are too short on 2 cores.
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-60}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
# Extra Chromium flags for the wasm tests (wasm-bindgen-test-runner adds headless, no-sandbox and
# disable-dev-shm-usage itself); an absolute path so it's found whatever the runner's cwd.
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-$ROOT/webdriver.json}"

log() { printf '==> %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }
# Print a command, then run it.
run() { printf '  $ %s\n' "$*"; "$@"; }

usage() {
  sed -n '2,17s/^# \{0,1\}//p' "$0"
}

# ---------------------------------------------------------------------------------------------
# setup
# ---------------------------------------------------------------------------------------------

# Runs apt-get as root, through sudo when we aren't root.
apt_get() {
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  elif command -v sudo >/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    die "apt-get $* needs root, and sudo is not installed"
  fi
}

# The wasm-bindgen version Cargo.lock pins; wasm-bindgen-cli must match it exactly.
locked_wasm_bindgen_version() {
  [[ -f Cargo.lock ]] || die "Cargo.lock is missing (it pins the wasm-bindgen version)"
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# --- background jobs: independent installs run concurrently, each into its own log ---------------

SETUP_LOGS=target/setup-logs
BG_PIDS=()
BG_NAMES=()

# bg ID DESCRIPTION COMMAND...: runs COMMAND in the background (with `set -e`), output to
# $SETUP_LOGS/ID.log and its wall time to ID.time; `bg_wait` collects it.
bg() {
  local id="$1" what="$2"
  shift 2
  mkdir -p "$SETUP_LOGS"
  log "setup: $what (in the background; log $SETUP_LOGS/$id.log)"
  (
    start=$SECONDS
    set -e
    "$@"
    echo $((SECONDS - start)) >"$SETUP_LOGS/$id.time"
  ) >"$SETUP_LOGS/$id.log" 2>&1 &
  BG_PIDS+=($!)
  BG_NAMES+=("$id")
}

# Waits for every background job; prints each one's time, and the log tail of any that failed.
bg_wait() {
  local i id failed=()
  for i in "${!BG_PIDS[@]}"; do
    id="${BG_NAMES[$i]}"
    if wait "${BG_PIDS[$i]}"; then
      printf '  done: %s (%ss)\n' "$id" "$(cat "$SETUP_LOGS/$id.time" 2>/dev/null || echo '?')"
    else
      echo "  FAILED: $id; the end of $SETUP_LOGS/$id.log:" >&2
      tail -n 30 "$SETUP_LOGS/$id.log" >&2
      failed+=("$id")
    fi
  done
  BG_PIDS=()
  BG_NAMES=()
  ((${#failed[@]} == 0)) || die "setup failed: ${failed[*]}"
}

# --- what each subcommand needs -----------------------------------------------------------------

# cargo, rustup, node and npm must exist already; the wasm32 target is added (rustup, seconds).
setup_base() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
  command -v rustup >/dev/null || die "rustup not found: needed to add the $WASM_TARGET target"
  command -v node >/dev/null || die "node not found: install Node.js 20 or newer"
  command -v npm >/dev/null || die "npm not found: install npm"
  # (Lists captured first: `rustup ... | grep -q` can fail under pipefail when grep exits early.)
  local targets
  targets="$(rustup target list --installed)"
  if ! grep -qx "$WASM_TARGET" <<<"$targets"; then
    log "setup: adding the Rust target $WASM_TARGET"
    run rustup target add "$WASM_TARGET" || die "could not add the Rust target $WASM_TARGET"
  fi
}

# rustfmt and clippy (rustup; one at a time, rustup locks its toolchain directory).
setup_components() {
  local components component
  components="$(rustup component list --installed)"
  for component in rustfmt clippy; do
    if ! grep -q "^$component" <<<"$components"; then
      log "setup: adding the Rust component $component"
      run rustup component add "$component" || die "could not add the Rust component $component"
    fi
  done
}

have_wasm_pack() { command -v wasm-pack >/dev/null; }
install_wasm_pack() {
  run cargo install wasm-pack --version "$WASM_PACK_VERSION"
}

# wasm-pack would try to download wasm-bindgen if the one on PATH doesn't match Cargo.lock
# (no downloads work here), so install exactly the locked version (without --locked, which
# is known not to work for wasm-bindgen-cli here).
have_wasm_bindgen() {
  [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)" == "$(locked_wasm_bindgen_version)" ]]
}
install_wasm_bindgen() {
  run cargo install wasm-bindgen-cli --version "$(locked_wasm_bindgen_version)" --force
}

# npm packages: `npm ci` (exactly what package-lock.json says: binaryen's wasm-opt for the
# build, @playwright/test for the e2e tests, TypeScript and ESLint; no browser downloads) only when the lock file changed
# since the last install; the stamp records the hash of the lock file that was installed.
NPM_STAMP=node_modules/.build-sh-stamp
have_npm_packages() {
  [[ -f "$NPM_STAMP" && "$(cat "$NPM_STAMP")" == "$(sha256sum package-lock.json | cut -d' ' -f1)" &&
     -x node_modules/.bin/wasm-opt && -d node_modules/@playwright/test && -x node_modules/.bin/tsc ]]
}
install_npm_packages() {
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: @playwright/test drives Debian's chromium (see
  # playwright.config.mjs) and must never fetch a browser of its own.
  run env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 >"$NPM_STAMP"
}

# cargo-fuzz, for the fuzz targets in fuzz/ (run on the stable toolchain with
# `--sanitizer none`, which needs no nightly -Z flag; see the README).
have_cargo_fuzz() {
  [[ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)" == "$CARGO_FUZZ_VERSION" ]]
}
install_cargo_fuzz() {
  run cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
}

# geckodriver (WebDriver for Firefox) from crates.io: Debian ships none.
have_geckodriver() {
  [[ "$("$GECKODRIVER" --version 2>/dev/null | awk 'NR == 1 {print $2}' || true)" == "$GECKODRIVER_VERSION" ]]
}
install_geckodriver() {
  run cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
}

# Debian's Chromium, ChromeDriver and Firefox ESR (never a downloaded browser: no downloads
# work here), in one apt-get call.
have_browsers() { [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" && -x "$FIREFOX" ]]; }
install_browsers() {
  local packages=(chromium chromium-driver firefox-esr)
  if ! run apt_get install -y "${packages[@]}"; then
    echo "apt-get install failed; updating the package lists and retrying"
    run apt_get update
    run apt_get install -y "${packages[@]}"
  fi
  have_browsers || { echo "a browser or driver is still missing: $CHROMIUM $CHROMEDRIVER $FIREFOX" >&2; return 1; }
}

# What `build` and `serve` need: the wasm target, wasm-pack, the locked wasm-bindgen-cli and
# npm's binaryen, the installs running concurrently. With `prebuild`, the SIMD build's cargo
# compile (exactly the command wasm-pack runs first) runs alongside them, so it is a no-op
# by the time wasm-pack gets to it.
setup_build_tools() {
  log "setup: checking the build tools"
  [[ -f package-lock.json ]] || die "package-lock.json is missing"
  local want
  want="$(locked_wasm_bindgen_version)"
  [[ -n "$want" ]] || die "no wasm-bindgen entry in Cargo.lock"
  setup_base
  local installing=0
  if ! have_wasm_pack; then bg wasm-pack "installing wasm-pack $WASM_PACK_VERSION (cargo install)" install_wasm_pack; installing=1; fi
  if ! have_wasm_bindgen; then bg wasm-bindgen-cli "installing wasm-bindgen-cli $want (cargo install)" install_wasm_bindgen; installing=1; fi
  if ! have_npm_packages; then bg npm "installing npm packages (npm ci)" install_npm_packages; installing=1; fi
  if ((installing)) && [[ "${1:-}" == prebuild ]]; then
    bg simd-compile "compiling the SIMD wasm (the cargo build wasm-pack starts with)" \
      cargo build --lib --release --target "$WASM_TARGET"
  fi
  bg_wait
  have_wasm_pack || die "wasm-pack is not on PATH after installing it: is ${CARGO_HOME:-$HOME/.cargo}/bin shadowed?"
  have_wasm_bindgen || die "wasm-bindgen on PATH is not $want after installing it: is ${CARGO_HOME:-$HOME/.cargo}/bin shadowed?"
  [[ "$(command -v wasm-opt)" == "$ROOT/node_modules/.bin/wasm-opt" ]] ||
    die "wasm-opt on PATH is $(command -v wasm-opt), not the one from node_modules"
}

# Everything: the build tools, then (concurrently) the test tools: rustfmt/clippy, cargo-fuzz,
# geckodriver, and the browsers from apt.
cmd_setup() {
  setup_build_tools "$@"
  log "setup: checking the test tools"
  setup_components
  if ! have_cargo_fuzz; then bg cargo-fuzz "installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install)" install_cargo_fuzz; fi
  if ! have_geckodriver; then bg geckodriver "installing geckodriver $GECKODRIVER_VERSION (cargo install)" install_geckodriver; fi
  if ! have_browsers; then bg browsers "installing chromium, chromium-driver, firefox-esr (apt-get)" install_browsers; fi
  bg_wait
  have_geckodriver || die "geckodriver $GECKODRIVER_VERSION is not at $GECKODRIVER after installing it"
  log "setup: ok (wasm-pack $(wasm-pack --version | awk '{print $2}'), wasm-bindgen $(locked_wasm_bindgen_version), $(wasm-opt --version | cut -d' ' -f1-3), $("$CHROMIUM" --version 2>/dev/null | cut -d' ' -f1-2), $("$FIREFOX" --version 2>/dev/null | cut -d' ' -f1-3), geckodriver $GECKODRIVER_VERSION)"
}

# ---------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------

# wasm-pack flags shared by both builds. --mode no-install: never download anything (setup put
# a matching wasm-bindgen on PATH; without it wasm-pack fails instead of fetching). The out dirs
# are wiped first (wasm-pack doesn't remove stale files) and are gitignored at the root, hence
# --no-gitignore; --no-pack skips the npm package.json/README/LICENSE the page doesn't need.
# TypeScript declarations are on: www/pkg/sgd_escape.d.ts types the wasm facade for
# `npm run typecheck` (tsc --checkJs over www/), generated from the Rust exports on every build
# so they can never drift from them.
WASM_PACK_BUILD=(wasm-pack build --release --target web --no-pack --no-gitignore --mode no-install)

# Counts SIMD instructions (v128.* and the i8x16/i16x8/i32x4/i64x2/f32x4/f64x2 lane ops) in a
# .wasm file, disassembled by binaryen's wasm-dis. `$`-prefixed names are not counted.
count_simd() {
  local text
  # A failed disassembly must not read as "0 SIMD instructions".
  text="$(wasm-dis "$1")" || die "wasm-dis $1 failed"
  # `|| true`: grep exits 1 when nothing matches, which is the expected case for the scalar build.
  { grep -Eo '(^|[^$A-Za-z0-9_.:])(v128|[if](8x16|16x8|32x4|64x2))\.[a-z0-9_]+' <<<"$text" || true; } | wc -l
}

gz_size() { gzip -9 -c "$1" | wc -c; }

# Writes www/build-id.js for the service worker (www/sw.js): the build's id (a hash of every
# file the page serves) and those files in two lists: the shell (pages, styles, JS modules, the
# schema), which the worker precaches at install, and the lazy files (the two wasm builds, the
# data), which it caches only when the page fetches them, so a first visit downloads only the
# build the browser runs and the data it reads. A rebuild that changes any file changes the id,
# so browsers replace the worker and its cache.
write_build_id() {
  local files shell lazy id
  # (Not the CLI-only data, fmnist-train6000 and fmnist-test10000, which the page never loads,
  # nor the TypeScript declarations.)
  files="$(cd www && find . -type f ! -name build-id.js ! -name sw.js ! -name '*.md' ! -name LICENSE \
    ! -name 'fmnist-train6000-*' ! -name 'fmnist-test10000-*' ! -name '*.d.ts' | sed 's|^\./||' | LC_ALL=C sort)"
  id="$(cd www && tr '\n' '\0' <<<"$files" | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  lazy="$(grep -E '^(pkg|pkg-scalar|data)/' <<<"$files" || true)"
  shell="$(grep -vE '^(pkg|pkg-scalar|data)/' <<<"$files" || true)"
  {
    echo "// Written by ./build.sh build: the build's id and files, for sw.js. Do not edit."
    printf 'self.SGD_ESCAPE_BUILD = { id: %s, shell: [\n' "\"$id\""
    sed 's|.*|  "&",|' <<<"$shell"
    echo '], lazy: ['
    [[ -z "$lazy" ]] || sed 's|.*|  "&",|' <<<"$lazy"
    echo '] };'
  } >www/build-id.js
  echo "  www/build-id.js: build $id, $(wc -l <<<"$shell") shell files precached, $(grep -c . <<<"$lazy") cached on demand"
}

build_simd() {
  log "build: SIMD wasm -> www/pkg (simd128 from .cargo/config.toml)"
  rm -rf www/pkg
  run "${WASM_PACK_BUILD[@]}" --out-dir www/pkg
}

build_scalar() {
  log "build: scalar wasm -> www/pkg-scalar (RUSTFLAGS= turns simd128 off; --target-dir $SCALAR_TARGET_DIR)"
  rm -rf www/pkg-scalar
  run "${SCALAR_ENV[@]}" "${WASM_PACK_BUILD[@]}" --out-dir www/pkg-scalar -- --target-dir "$SCALAR_TARGET_DIR"
}

# Checks that each build is what it claims (SIMD instructions counted with wasm-dis).
check_builds() {
  local simd scalar
  simd="$(count_simd www/pkg/sgd_escape_bg.wasm)"
  scalar="$(count_simd www/pkg-scalar/sgd_escape_bg.wasm)"
  echo "  SIMD build:   $simd SIMD instructions (www/pkg/sgd_escape_bg.wasm)"
  echo "  scalar build: $scalar SIMD instructions (www/pkg-scalar/sgd_escape_bg.wasm)"
  ((simd > 0)) || die "the SIMD build has no SIMD instructions: is simd128 on in .cargo/config.toml, and did something set RUSTFLAGS?"
  ((scalar == 0)) || die "the scalar build has $scalar SIMD instructions: RUSTFLAGS= did not turn simd128 off"
}

wasm_sizes() {
  local f
  for f in www/pkg/sgd_escape_bg.wasm www/pkg-scalar/sgd_escape_bg.wasm; do
    printf '  %-36s %8d bytes, %8d gzipped\n' "$f" "$(stat -c %s "$f")" "$(gz_size "$f")"
  done
}

cmd_build() {
  build_simd
  build_scalar
  log "build: checking that each build is what it claims (SIMD instructions counted with wasm-dis)"
  check_builds

  log "build: service worker manifest (www/build-id.js)"
  write_build_id

  log "build: native CLI (cargo build --release)"
  run cargo build --release

  log "build: done"
  wasm_sizes
  printf '  %-36s %8d bytes\n' "${CARGO_TARGET_DIR:-target}/release/sgd-escape" \
    "$(stat -c %s "${CARGO_TARGET_DIR:-target}/release/sgd-escape")"
}

# ---------------------------------------------------------------------------------------------
# serve
# ---------------------------------------------------------------------------------------------

# The page runs on the SIMD build in every browser with wasm SIMD (all current ones); the scalar
# build is only its fallback. So the server starts as soon as the SIMD build is done and prints
# the URL, while the scalar build goes on in the background (its end is logged; a browser without
# SIMD that opens the page before then fails to load ./pkg-scalar, and the error says so; a
# reload after it works). The native CLI is not built: serving does not need it.
cmd_serve() {
  local port="${1:-8000}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "serve: PORT must be a number, got '$port'"
  build_simd
  write_build_id
  log "serve: www/ on 127.0.0.1, port $port (0: any free port; the URL follows). Ctrl-C stops it"
  node tools/serve.mjs --root www --port "$port" --host 127.0.0.1 &
  local server=$!
  mkdir -p "$SETUP_LOGS"
  (
    if { build_scalar && check_builds && write_build_id; } >"$SETUP_LOGS/scalar-build.log" 2>&1; then
      # (The manifest again, now with the scalar build: a new id, so browsers renew the worker.)
      log "serve: the scalar build is ready too (www/pkg-scalar)"
      wasm_sizes
    else
      echo "serve: the scalar build failed (the page still runs on the SIMD build); the end of $SETUP_LOGS/scalar-build.log:" >&2
      tail -n 30 "$SETUP_LOGS/scalar-build.log" >&2
    fi
  ) &
  local scalar=$!
  # Ctrl-C reaches the whole foreground process group (the server closes its connections and
  # exits 0); on any exit, stop the scalar build if it is still running.
  trap 'kill "$scalar" 2>/dev/null || true' EXIT
  local rc=0
  wait "$server" || rc=$?
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------
# test
# ---------------------------------------------------------------------------------------------

STEP_NAMES=()
STEP_TIMES=()
STEP_RESULTS=()

summary() {
  local i total=0
  echo
  log "test summary"
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-6s %6ds  %s\n' "${STEP_RESULTS[$i]}" "${STEP_TIMES[$i]}" "${STEP_NAMES[$i]}"
    total=$((total + STEP_TIMES[i]))
  done
  printf '  %-6s %6ds\n' total "$total"
}

# step NAME COMMAND...: runs one test step, timed; on failure prints the summary and exits.
step() {
  local name="$1" start rc=0
  shift
  echo
  log "test: $name"
  start=$SECONDS
  # In a subshell, outside any `||`/`if` context: bash ignores `set -e` inside anything run as
  # `cmd || ...`, which would let a failing command in the middle of a step go unnoticed.
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  STEP_NAMES+=("$name")
  STEP_TIMES+=($((SECONDS - start)))
  if ((rc != 0)); then
    STEP_RESULTS+=(FAILED)
    summary
    die "test step '$name' failed (exit $rc)"
  fi
  STEP_RESULTS+=(ok)
}

# wasm-pack test flags shared by both builds: headless Debian Chromium through Debian's
# chromedriver (given explicitly so wasm-pack never looks for one to download), release profile
# (the simulations are slow unoptimised), and no downloads at all.
WASM_PACK_TEST=(wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --release --mode no-install)

wasm_test_simd() {
  run "${WASM_PACK_TEST[@]}"
}

wasm_test_scalar() {
  # Everything after `--` goes to cargo test.
  run "${SCALAR_ENV[@]}" "${WASM_PACK_TEST[@]}" -- --target-dir "$SCALAR_TARGET_DIR"
}

# The bit-for-bit tests in headless Firefox (SpiderMonkey), through geckodriver from crates.io
# and Debian's firefox-esr (webdriver-firefox.json names the binary): the determinism fixture and
# the kernels' SIMD-vs-portable identity. Not tests/web.rs: under WebDriver, Firefox ran it more
# than 150 times slower than Chromium (over 10 min against 3.6 s; docs/speed.md).
WASM_PACK_TEST_FIREFOX=(wasm-pack test --headless --firefox --geckodriver "$GECKODRIVER" --release --mode no-install)
FIREFOX_TESTS=(--test web_determinism --test kernels)

wasm_test_simd_firefox() {
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver-firefox.json" \
    run "${WASM_PACK_TEST_FIREFOX[@]}" -- "${FIREFOX_TESTS[@]}"
}

wasm_test_scalar_firefox() {
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver-firefox.json" \
    run "${SCALAR_ENV[@]}" "${WASM_PACK_TEST_FIREFOX[@]}" -- --target-dir "$SCALAR_TARGET_DIR" "${FIREFOX_TESTS[@]}"
}

# The end-to-end suite: @playwright/test driving Debian's chromium (playwright.config.mjs).
# Extra arguments go to `playwright test` (e.g. --grep 'embed'). The browser download stays off.
e2e_tests() {
  run env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx --no-install playwright test "$@"
}

# The front end's own checks (package.json scripts): node:test unit tests of the pure modules,
# TypeScript over www/ (JSDoc types + the wasm facade's generated .d.ts), ESLint, and the
# relative links in README.md and docs/.
js_unit_tests() { run npm test --silent; }
js_typecheck() { run npm run --silent typecheck; }
js_lint() { run npm run --silent lint; }
doc_links() { run npm run --silent links; }

# Runs every cargo-fuzz target for $1 seconds (default FUZZ_SECONDS), on the stable toolchain:
# `--sanitizer none` needs no -Z flag (AddressSanitizer would need nightly; safe Rust needs it
# little). New inputs go to a scratch directory, so the committed corpus in fuzz/corpus/ stays
# small; it is read as a second, read-only corpus. A crash writes fuzz/artifacts/TARGET/ and
# fails the step.
cmd_fuzz() {
  local seconds="${1:-$FUZZ_SECONDS}" target scratch out
  [[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || die "fuzz: SECONDS must be a positive integer, got '$seconds'"
  for target in "${FUZZ_TARGETS[@]}"; do
    log "fuzz: $target for $seconds s"
    scratch="$(mktemp -d)"
    out="$(mktemp)"
    if ! (cd fuzz && cargo fuzz run --sanitizer none -O "$target" "$scratch" "corpus/$target" -- \
          -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10) >"$out" 2>&1; then
      tail -n 60 "$out"
      rm -rf "$scratch" "$out"
      die "fuzz target $target failed (input saved under fuzz/artifacts/$target/)"
    fi
    echo "  $target: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second\(s\)' "$out" | tail -n 1), no crash"
    rm -rf "$scratch" "$out"
  done
}

js_fuzz() {
  run node tests/e2e/fuzz-api.mjs --pkg pkg --cases "$JS_FUZZ_CASES" --seed 1
  run node tests/e2e/fuzz-api.mjs --pkg pkg-scalar --cases "$JS_FUZZ_CASES" --seed 2
}

# The benchmark drivers on a few cheap workloads, one op each: checks they work, times nothing
# (speed is measured by `./build.sh bench`, never asserted in tests). A few seconds.
BENCH_SMOKE_WORKLOADS=peak,toy-100,mlp-grad,hvp,stage2-sgd
bench_smoke() {
  run "${CARGO_TARGET_DIR:-target}/release/sgd-escape-bench" --quick --only "$BENCH_SMOKE_WORKLOADS" >/dev/null
  run node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON tools/bench-node.mjs --quick \
    --only "$BENCH_SMOKE_WORKLOADS" >/dev/null
}

cmd_test() {
  step "cargo fmt --check" run cargo fmt --check
  step "cargo clippy (native)" run cargo clippy --all-targets -- -D warnings
  step "cargo clippy ($WASM_TARGET)" run cargo clippy --target "$WASM_TARGET" --all-targets -- -D warnings
  step "cargo doc (broken or private intra-doc links are errors)" \
    run env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib
  step "cargo test --release (native)" run cargo test --release
  step "wasm tests, SIMD build (headless Chromium)" wasm_test_simd
  step "wasm tests, scalar build (headless Chromium)" wasm_test_scalar
  step "wasm determinism + kernel tests, SIMD build (headless Firefox)" wasm_test_simd_firefox
  step "wasm determinism + kernel tests, scalar build (headless Firefox)" wasm_test_scalar_firefox
  step "fuzz targets (cargo fuzz, ${FUZZ_SECONDS} s each)" cmd_fuzz "$FUZZ_SECONDS"
  step "build" cmd_build
  step "benchmark drivers, smoke test (one op each, no timing)" bench_smoke
  step "JS unit tests (npm test: node --test tests/unit)" js_unit_tests
  step "TypeScript over www/ (npm run typecheck)" js_typecheck
  step "ESLint (npm run lint)" js_lint
  step "relative links in README.md and docs/ (npm run links)" doc_links
  step "end-to-end page tests (npx playwright test)" e2e_tests
  step "JS API fuzz, $JS_FUZZ_CASES cases per build (node tests/e2e/fuzz-api.mjs)" js_fuzz
  summary
  log "test: all steps passed"
}

# ---------------------------------------------------------------------------------------------
# bench
# ---------------------------------------------------------------------------------------------

# NumPy for the benchmark's reference (benches/numpy_ref.py), from PyPI into a venv under
# target/ (never into the system Python). The stamp records the pinned version installed.
NUMPY_VERSION=2.4.6
BENCH_VENV=target/bench-venv
NATIVE_CPU_TARGET_DIR=target/native-cpu

setup_numpy() {
  local stamp="$BENCH_VENV/.numpy-$NUMPY_VERSION"
  [[ -f "$stamp" ]] && return 0
  command -v python3 >/dev/null || die "python3 not found (apt-get install python3 python3-venv)"
  if [[ ! -x "$BENCH_VENV/bin/python" ]]; then
    log "bench: creating the Python venv $BENCH_VENV"
    if ! python3 -m venv "$BENCH_VENV"; then
      log "bench: python3 -m venv failed; installing python3-venv (apt-get)"
      rm -rf "$BENCH_VENV"
      run apt_get install -y python3-venv || die "apt-get install python3-venv failed"
      run python3 -m venv "$BENCH_VENV" || die "python3 -m venv $BENCH_VENV failed"
    fi
  fi
  log "bench: installing numpy $NUMPY_VERSION into $BENCH_VENV (pip, from PyPI)"
  run "$BENCH_VENV/bin/pip" install --quiet "numpy==$NUMPY_VERSION" || die "pip install numpy==$NUMPY_VERSION failed"
  touch "$stamp"
}

cmd_bench() {
  local quick=()
  case "${1:-}" in
    --quick) quick=(--quick) ;;
    "") ;;
    *) die "bench: unknown argument '$1' (only --quick)" ;;
  esac
  # The wasm builds in www/pkg and www/pkg-scalar and the native binaries (incl. the runner
  # target/release/sgd-escape-bench, default x86-64 target).
  cmd_build
  # The same runner for this CPU: RUSTFLAGS for this one command only, with its own target
  # dir so it never evicts the default build's cache.
  log "bench: native runner with -C target-cpu=native (--target-dir $NATIVE_CPU_TARGET_DIR)"
  run env RUSTFLAGS="-C target-cpu=native" cargo build --release --bin sgd-escape-bench \
    --target-dir "$NATIVE_CPU_TARGET_DIR"
  setup_numpy
  log "bench: running every engine, one after the other (a few minutes)"
  run node tools/bench.mjs --native "${CARGO_TARGET_DIR:-target}/release/sgd-escape-bench" \
    --native-cpu "$NATIVE_CPU_TARGET_DIR/release/sgd-escape-bench" \
    --python "$BENCH_VENV/bin/python" --out target/bench/results.json "${quick[@]}"
}

# ---------------------------------------------------------------------------------------------

main() {
  local sub="${1:-build}"
  [[ $# -gt 0 ]] && shift
  case "$sub" in
    setup) cmd_setup ;;
    build) setup_build_tools prebuild; cmd_build ;;
    serve) setup_build_tools prebuild; cmd_serve "$@" ;;
    test) cmd_setup; cmd_test ;;
    fuzz) cmd_setup; cmd_fuzz "$@" ;;
    bench) cmd_setup; cmd_bench "$@" ;;
    -h | --help | help) usage ;;
    *)
      echo "unknown subcommand: $sub" >&2
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
