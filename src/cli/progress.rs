//! Progress lines with an ETA on stderr for long CLI runs (at most one every few seconds, so
//! logs stay short).

use std::time::{Duration, Instant};

/// Reports the progress of a run made of units of work (e.g. iterations).
pub struct Progress {
    label: String,
    total: u64,
    start: Instant,
    last: Option<Instant>,
    every: Duration,
}

/// `3m07s`-style durations.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

impl Progress {
    /// Progress over `total` units, printed as `[label] ...`.
    pub fn new(label: impl Into<String>, total: u64) -> Self {
        Progress {
            label: label.into(),
            total,
            start: Instant::now(),
            last: None,
            every: Duration::from_secs(5),
        }
    }

    /// Notes that `done` units are done; prints a line if enough time has passed.
    pub fn update(&mut self, done: u64, detail: &str) {
        let now = Instant::now();
        if self.last.is_some_and(|t| now - t < self.every) {
            return;
        }
        self.last = Some(now);
        let elapsed = now - self.start;
        let eta = if done > 0 && self.total >= done {
            let per = elapsed.as_secs_f64() / done as f64;
            format!(
                ", ETA {}",
                format_duration(Duration::from_secs_f64(per * (self.total - done) as f64))
            )
        } else {
            String::new()
        };
        eprintln!(
            "[{}] {done}/{} {detail} (elapsed {}{eta})",
            self.label,
            self.total,
            format_duration(elapsed)
        );
    }

    /// Prints the final line.
    pub fn finish(&self, detail: &str) {
        eprintln!(
            "[{}] done: {detail} in {}",
            self.label,
            format_duration(self.start.elapsed())
        );
    }
}
