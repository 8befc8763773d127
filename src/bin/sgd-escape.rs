//! The native command line of sgd-escape; all logic lives in `sgd_escape::cli`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::io::Write;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match sgd_escape::cli::run(&args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                std::process::exit(1);
            }
        }
        // `--help`, `--version`: their text on stdout.
        Err(e) if e.code == 0 => print!("{}", e.message),
        Err(e) => {
            eprintln!("error: {}", e.message);
            std::process::exit(e.code);
        }
    }
}

/// The CLI is native only; the wasm build exposes the library through `web` instead.
#[cfg(target_arch = "wasm32")]
fn main() {}
