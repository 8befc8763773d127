//! The native benchmark runner of `./build.sh bench`; all logic lives in `sgd_escape::bench`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match sgd_escape::bench::native::run(&args) {
        Ok(out) => print!("{out}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}

/// The runner is native only; the wasm builds are benchmarked through `BenchHarness`.
#[cfg(target_arch = "wasm32")]
fn main() {}
