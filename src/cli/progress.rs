//! Progress lines with an ETA on stderr for long CLI runs (at most one every few seconds, so
//! logs stay short), and the ETA of many jobs of unequal cost run a few at a time
//! ([`remaining_seconds`]).

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

    /// Notes that `done` units are done; prints a line if enough time has passed, with an ETA
    /// that assumes every unit costs the same.
    pub fn update(&mut self, done: u64, detail: &str) {
        let per = self.start.elapsed().as_secs_f64() / done.max(1) as f64;
        let eta = (done > 0 && self.total >= done).then(|| per * (self.total - done) as f64);
        self.report(done, detail, eta);
    }

    /// Notes that `done` units are done; prints a line with the given ETA (seconds) if enough
    /// time has passed.
    pub fn report(&mut self, done: u64, detail: &str, eta_seconds: Option<f64>) {
        let now = Instant::now();
        if self.last.is_some_and(|t| now - t < self.every) {
            return;
        }
        self.last = Some(now);
        let elapsed = now - self.start;
        let eta = match eta_seconds.filter(|s| s.is_finite() && *s >= 0.0) {
            Some(s) => format!(", ETA {}", format_duration(Duration::from_secs_f64(s))),
            None => String::new(),
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

/// What a job tells the progress as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tick {
    /// Units found done when the job starts (resumed from a partial state or a checkpoint, or
    /// finished by another process): counted as done, but not in the job's pace.
    Resumed(u64),
    /// Units this process has just done.
    Advanced(u64),
}

impl Tick {
    /// The units it reports, resumed or advanced.
    pub fn units(self) -> u64 {
        let (Tick::Resumed(n) | Tick::Advanced(n)) = self;
        n
    }
}

/// One job among many, as the ETA sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobPace {
    /// What the job runs (e.g. a method id): before a job starts, its pace is guessed from the
    /// started jobs of its kind.
    pub kind: String,
    /// Units of the whole job.
    pub total: u64,
    /// Units found done at its start ([`Tick::Resumed`]).
    pub resumed: u64,
    /// Units done, resumed ones included.
    pub done: u64,
    /// Seconds it has run in this process; `None` before it starts.
    pub running: Option<f64>,
}

impl JobPace {
    /// Seconds per unit this process has measured for this job.
    fn pace(&self) -> Option<f64> {
        let advanced = self.done.saturating_sub(self.resumed);
        self.running
            .filter(|_| advanced > 0)
            .map(|s| s / advanced as f64)
    }
}

/// Seconds until `jobs`, run `threads` at a time, are all done: each job's remaining units at
/// its own measured pace; a job without one yet at the mean pace of the started jobs of its
/// kind, else of all started jobs. The sum is spread over the threads, but never below the
/// longest single job left. `None` until some job has a pace.
///
/// Why per job: the FashionMNIST methods differ some 20 times in cost per iteration (SGD's
/// minibatch against GLD Hessian's Lanczos refresh), so an ETA that gives every iteration of
/// every job the same cost is off by that factor when they are mixed.
pub fn remaining_seconds(jobs: &[JobPace], threads: usize) -> Option<f64> {
    let mean = |of_kind: Option<&str>| {
        let paces: Vec<f64> = jobs
            .iter()
            .filter(|j| of_kind.is_none_or(|k| j.kind == k))
            .filter_map(JobPace::pace)
            .collect();
        (!paces.is_empty()).then(|| paces.iter().sum::<f64>() / paces.len() as f64)
    };
    let overall = mean(None)?;
    let (mut sum, mut longest) = (0.0f64, 0.0f64);
    for job in jobs {
        let left = job.total.saturating_sub(job.done) as f64;
        if left == 0.0 {
            continue;
        }
        let pace = job
            .pace()
            .or_else(|| mean(Some(&job.kind)))
            .unwrap_or(overall);
        sum += left * pace;
        longest = longest.max(left * pace);
    }
    Some((sum / threads.max(1) as f64).max(longest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(kind: &str, total: u64, resumed: u64, done: u64, running: Option<f64>) -> JobPace {
        JobPace {
            kind: kind.into(),
            total,
            resumed,
            done,
            running,
        }
    }

    #[test]
    fn each_job_is_timed_at_its_own_pace_and_resumed_units_do_not_count_in_it() {
        // A slow job (1 s per unit) and a fast one (0.1 s per unit), 100 units each, on two
        // threads: the slow one's 90 units left dominate (90 s), not the average pace.
        let jobs = [
            job("slow", 100, 0, 10, Some(10.0)),
            job("fast", 100, 0, 50, Some(5.0)),
        ];
        assert_eq!(remaining_seconds(&jobs, 2), Some(90.0));
        // On one thread the two add up: 90 + 5.
        assert_eq!(remaining_seconds(&jobs, 1), Some(95.0));
        // 60 units resumed from a partial state and 10 done in 10 s: 1 s per unit, 30 left.
        let resumed = [job("slow", 100, 60, 70, Some(10.0))];
        assert_eq!(remaining_seconds(&resumed, 1), Some(30.0));
    }

    #[test]
    fn a_job_not_started_takes_the_pace_of_its_kind_else_of_all() {
        let jobs = [
            job("slow", 100, 0, 10, Some(10.0)),
            job("fast", 100, 0, 50, Some(5.0)),
            job("slow", 100, 0, 0, None),
            job("new", 100, 0, 0, None),
        ];
        // 90 (slow, started) + 5 (fast) + 100 (slow, not started: 1 s per unit) + 55 (new:
        // the mean of 1 and 0.1 s per unit), on two threads.
        assert_eq!(
            remaining_seconds(&jobs, 2),
            Some((90.0 + 5.0 + 100.0 + 55.0) / 2.0)
        );
    }

    #[test]
    fn no_estimate_before_any_pace_and_nothing_left_is_zero() {
        assert_eq!(remaining_seconds(&[job("a", 10, 0, 0, None)], 2), None);
        // Resumed units alone give no pace.
        assert_eq!(remaining_seconds(&[job("a", 10, 5, 5, Some(3.0))], 2), None);
        assert_eq!(
            remaining_seconds(&[job("a", 10, 0, 10, Some(3.0))], 2),
            Some(0.0)
        );
        assert_eq!(remaining_seconds(&[], 2), None);
    }
}
