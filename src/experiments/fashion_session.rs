//! A FashionMNIST experiment that advances in small steps (stage 1, then stage 2 for every
//! method, recording every `log_every` iterations), for callers that must stay responsive:
//! the page's worker steps it a little at a time.
//!
//! Records are kept in a bounded buffer: when a method has more than `max_records`, every
//! other one is dropped and its record interval doubles, so a run of any length keeps evenly
//! spaced records from the minimum to now in bounded memory (and spends less on measuring).

use super::fashion::{
    Checkpoint, FashionConfig, FashionContext, FashionData, FashionRecord, MethodRun, Stage1,
};
use crate::config::{ConfigError, FieldValue};
use crate::landscape::network::{Architecture, NetworkKind};
use crate::noise::Method;
use crate::rng::Rng;
use crate::schema::{Figure, Setting, Value};

/// The settings a session accepts from loosely typed input (the page), with their limits.
#[derive(Clone, Debug, PartialEq)]
pub struct FashionSettings {
    /// The experiment settings.
    pub config: FashionConfig,
    /// The dynamics of stage 2.
    pub methods: Vec<Method>,
    /// Stage-2 iterations between records (until the buffer first fills).
    pub log_every: u64,
    /// Records kept per method; past this the records are thinned (see the module doc).
    pub max_records: usize,
}

impl Default for FashionSettings {
    /// The page's defaults from the schema (src/schema/fashion.rs), with cheaper measurements
    /// than the CLI's: the page records often.
    fn default() -> Self {
        let config = FashionConfig {
            trace_probes: 10,
            spectrum_k: 8,
            ..FashionConfig::default()
        };
        FashionSettings::from_schema(config, |s| s.default)
    }
}

impl FashionSettings {
    /// The command line's defaults: the paper's protocol (the schema's `cli_default` where it
    /// has one, [`FashionConfig::default`] for what is no setting).
    pub fn cli_default() -> Self {
        FashionSettings::from_schema(FashionConfig::default(), |s| {
            s.cli_default.unwrap_or(s.default)
        })
    }

    /// `config` with every API setting at the value `pick` gives.
    fn from_schema(config: FashionConfig, pick: impl Fn(&Setting) -> Value) -> Self {
        let mut s = FashionSettings {
            config,
            methods: Method::ALL.to_vec(),
            log_every: 1,
            max_records: 3,
        };
        for setting in Figure::Fashion.settings().iter().filter(|x| x.api) {
            // Every default is a valid value (schema::tests), so this never fails.
            let _ = s.set(setting.key, &pick(setting).field_value());
        }
        s
    }

    /// Settings from key/value pairs; missing keys keep the defaults, unknown keys are errors.
    pub fn from_fields<I>(fields: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, FieldValue)>,
    {
        let mut s = FashionSettings::default();
        for (key, value) in fields {
            s.set(&key, &value)?;
        }
        Ok(s)
    }

    /// Sets one API key of the schema after checking its value against it, so every reader
    /// of these settings (the JS API, the URL hash, the CLI) applies the same ranges; on
    /// error nothing changes.
    pub fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Figure::Fashion.api_setting(key)?;
        let c = &mut self.config;
        match s.key {
            "methods" => self.methods = s.parse_methods(value)?,
            "seed" => c.seed = s.parse_seed(value)?,
            "lr" => c.lr = s.parse_number(value)? as f32,
            "logEvery" => self.log_every = s.parse_integer(value)?,
            "sharpnessDraws" => c.sharpness_draws = s.parse_integer(value)? as usize,
            "refreshFast" => c.refresh_fast = s.parse_integer(value)?,
            "refreshSlow" => c.refresh_slow = s.parse_integer(value)?,
            "eigvecWarmSteps" => c.eigvec_warm_steps = s.parse_integer(value)? as usize,
            "stage1MaxIterations" => c.stage1_max_iterations = s.parse_integer(value)?,
            "network" => {
                let id = s.parse_choice(value)?;
                c.network = NetworkKind::from_id(id).unwrap_or_default();
            }
            "maxRecords" => self.max_records = s.parse_integer(value)? as usize,
            // A key of the schema this setter does not read (schema::tests catches it).
            _ => return Err(Figure::Fashion.unknown_api_key(key)),
        }
        Ok(())
    }

    /// The settings as key/value pairs with the API's keys, in the schema's order:
    /// `from_fields` of them gives the settings back.
    pub fn to_fields(&self) -> Vec<(String, FieldValue)> {
        let c = &self.config;
        let n = |x: f64| FieldValue::Number(x);
        let ids = self
            .methods
            .iter()
            .map(|m| FieldValue::Text(m.id().to_string()))
            .collect();
        [
            ("methods", FieldValue::List(ids)),
            ("seed", n(c.seed as f64)),
            ("logEvery", n(self.log_every as f64)),
            ("maxRecords", n(self.max_records as f64)),
            ("lr", n(c.lr as f64)),
            ("sharpnessDraws", n(c.sharpness_draws as f64)),
            ("refreshFast", n(c.refresh_fast as f64)),
            ("refreshSlow", n(c.refresh_slow as f64)),
            ("eigvecWarmSteps", n(c.eigvec_warm_steps as f64)),
            ("network", FieldValue::Text(c.network.id().to_string())),
            ("stage1MaxIterations", n(c.stage1_max_iterations as f64)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

/// Stage 2 of one method: its run, its records, and the current interval between them.
#[derive(Clone, Debug)]
struct Track {
    run: MethodRun,
    records: Vec<FashionRecord>,
    record_every: u64,
}

impl Track {
    fn new(
        ctx: &FashionContext,
        method: Method,
        theta: &[f32],
        start: FashionRecord,
        log_every: u64,
    ) -> Self {
        Track {
            run: MethodRun::new(ctx, method, theta),
            records: vec![start],
            record_every: log_every,
        }
    }
}

/// Keeps the records at multiples of `stride` (the first, at iteration 0, always stays).
fn keep_multiples(records: &mut Vec<FashionRecord>, stride: u64) {
    records.retain(|r| r.iteration.is_multiple_of(stride));
}

/// Stage 1, then stage 2 for every method, one small step at a time.
#[derive(Clone, Debug)]
pub struct FashionSession {
    ctx: FashionContext,
    settings: FashionSettings,
    stage1: Stage1,
    start_record: Option<FashionRecord>,
    minimum: Vec<f32>,
    minimum_iterations: u64,
    tracks: Vec<Track>,
}

impl FashionSession {
    /// A session at the start of stage 1.
    pub fn new(settings: FashionSettings, data: FashionData) -> Self {
        let ctx = FashionContext::new(settings.config.clone(), data);
        let stage1 = Stage1::new(&ctx);
        FashionSession {
            ctx,
            settings,
            stage1,
            start_record: None,
            minimum: Vec::new(),
            minimum_iterations: 0,
            tracks: Vec::new(),
        }
    }

    /// The shared context (data, network, settings).
    pub fn context(&self) -> &FashionContext {
        &self.ctx
    }

    /// The settings.
    pub fn settings(&self) -> &FashionSettings {
        &self.settings
    }

    /// The stage-1 run.
    pub fn stage1(&self) -> &Stage1 {
        &self.stage1
    }

    /// Whether stage 2 has started (stage 1 done or a minimum loaded).
    pub fn in_stage2(&self) -> bool {
        self.start_record.is_some()
    }

    /// Runs up to `n` stage-1 iterations; when stage 1 ends, stage 2 begins from its point.
    pub fn stage1_step(&mut self, n: u64) -> bool {
        if self.in_stage2() {
            return true;
        }
        if self.stage1.step(&self.ctx, n) {
            let theta = self.stage1.theta().to_vec();
            self.minimum_iterations = self.stage1.iteration();
            self.begin_stage2(&theta);
        }
        self.in_stage2()
    }

    /// Starts stage 2 from a stage-1 checkpoint (as the CLI writes it) instead of running stage 1.
    pub fn load_minimum(&mut self, bytes: &[u8]) -> Result<(), String> {
        let cp = Checkpoint::from_bytes(bytes, self.ctx.dim())?;
        if cp.seed != self.settings.config.seed {
            return Err(format!(
                "the checkpoint was made with seed {}, this experiment has seed {}",
                cp.seed, self.settings.config.seed
            ));
        }
        self.minimum_iterations = cp.iterations;
        self.begin_stage2(&cp.theta);
        Ok(())
    }

    fn begin_stage2(&mut self, theta: &[f32]) {
        let mut rng = Rng::for_stream(self.settings.config.seed as u64, &[200, 99]);
        let mut ws = self.ctx.network.workspace();
        let record = self.ctx.measure(theta, 0, &mut rng, &mut ws);
        let log_every = self.settings.log_every;
        self.tracks = self
            .settings
            .methods
            .iter()
            .map(|&m| Track::new(&self.ctx, m, theta, record.clone(), log_every))
            .collect();
        self.start_record = Some(record);
        self.minimum = theta.to_vec();
    }

    /// The record at the stage-1 minimum (stage 2's iteration 0).
    pub fn start_record(&self) -> Option<&FashionRecord> {
        self.start_record.as_ref()
    }

    /// Advances `method` by `n` stage-2 iterations, recording at every multiple of its record
    /// interval (thinning the records when they pass `max_records`); false if stage 2 has not
    /// begun or the method is not in the session.
    pub fn step_method(&mut self, method: Method, n: u64) -> bool {
        let max_records = self.settings.max_records;
        let Some(track) = self.tracks.iter_mut().find(|t| t.run.method() == method) else {
            return false;
        };
        let target = track.run.iteration() + n;
        // A diverged run is frozen: later calls do nothing (and add no records).
        while track.run.iteration() < target && track.run.diverged_at().is_none() {
            let every = track.record_every;
            let to_boundary = every - track.run.iteration() % every;
            track
                .run
                .step(&self.ctx, to_boundary.min(target - track.run.iteration()));
            if track.run.diverged_at().is_some() {
                // Frozen for good: one last record at its last finite weights, then stop.
                let record = track.run.measure(&self.ctx);
                track.records.push(record);
                break;
            }
            if track.run.iteration().is_multiple_of(every) {
                let record = track.run.measure(&self.ctx);
                track.records.push(record);
                while track.records.len() > max_records {
                    track.record_every = track.record_every.saturating_mul(2);
                    keep_multiples(&mut track.records, track.record_every);
                }
            }
        }
        true
    }

    /// The current interval between `method`'s records: `log_every`, doubled at every thinning.
    pub fn record_every(&self, method: Method) -> Option<u64> {
        self.track(method).map(|t| t.record_every)
    }

    /// The records of `method` after stage-2 iteration `after` (what a caller that has seen
    /// the records up to `after` is missing).
    pub fn records_after(&self, method: Method, after: u64) -> Option<&[FashionRecord]> {
        self.track(method).map(|t| {
            let from = t.records.partition_point(|r| r.iteration <= after);
            &t.records[from..]
        })
    }

    /// The iteration at which `method`'s run diverged (`Some(None)`: it has not).
    pub fn diverged_at(&self, method: Method) -> Option<Option<u64>> {
        self.track(method).map(|t| t.run.diverged_at())
    }

    /// Stage-2 iterations done by `method`.
    pub fn iteration(&self, method: Method) -> Option<u64> {
        self.track(method).map(|t| t.run.iteration())
    }

    /// The records of `method` so far (the first is the stage-1 minimum).
    pub fn records(&self, method: Method) -> Option<&[FashionRecord]> {
        self.track(method).map(|t| t.records.as_slice())
    }

    fn track(&self, method: Method) -> Option<&Track> {
        self.tracks.iter().find(|t| t.run.method() == method)
    }

    /// Back to the start of stage 2 (every method at the minimum, records cleared) if stage 2
    /// has begun, else back to the start of stage 1.
    pub fn reset(&mut self) {
        match self.tracks.first().map(|t| t.records[0].clone()) {
            Some(start) => {
                let theta = self.minimum.clone();
                let log_every = self.settings.log_every;
                self.tracks = self
                    .settings
                    .methods
                    .iter()
                    .map(|&m| Track::new(&self.ctx, m, &theta, start.clone(), log_every))
                    .collect();
            }
            None => self.stage1 = Stage1::new(&self.ctx),
        }
    }

    /// The stage-1 minimum stage 2 started from, as a checkpoint (`None` before stage 2).
    pub fn minimum_checkpoint(&self) -> Option<Checkpoint> {
        self.in_stage2().then(|| Checkpoint {
            seed: self.settings.config.seed,
            iterations: self.minimum_iterations,
            theta: self.minimum.clone(),
        })
    }

    /// Whether `method` is in this session.
    pub fn has_method(&self, method: Method) -> bool {
        self.settings.methods.contains(&method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(iteration: u64) -> FashionRecord {
        FashionRecord {
            iteration,
            train_loss: 0.0,
            train_accuracy: 0.0,
            clean_accuracy: 0.0,
            corrupted_accuracy: 0.0,
            test_accuracy: 0.0,
            sharpness: 0.0,
            sharpness_std_err: 0.0,
            tr_h_sigma: 0.0,
            tr_h_sigma_iso: 0.0,
            tr_h: 0.0,
            tr_sigma: 0.0,
            top_eigenvalues: Vec::new(),
            a_hat: None,
        }
    }

    #[test]
    fn thinning_keeps_the_start_and_the_even_multiples() {
        let mut rs: Vec<FashionRecord> = (0..=9).map(|i| record(10 * i)).collect();
        keep_multiples(&mut rs, 20);
        let its: Vec<u64> = rs.iter().map(|r| r.iteration).collect();
        assert_eq!(its, [0, 20, 40, 60, 80]);
    }

    #[test]
    fn a_standard_error_needs_two_sharpness_draws() {
        // The schema's minimum, which the CLI flag, the wasm facade and the API all apply.
        let draws = |n: f64| {
            FashionSettings::from_fields([("sharpnessDraws".to_string(), FieldValue::Number(n))])
        };
        let e = draws(1.0).unwrap_err();
        assert_eq!(e.field, "sharpnessDraws");
        assert!(e.to_string().starts_with("`sharpnessDraws`"), "{e}");
        assert_eq!(draws(2.0).unwrap().config.sharpness_draws, 2);
    }

    /// Needs the data files of www/data: native only.
    #[cfg(not(target_arch = "wasm32"))]
    mod with_data {
        use super::*;
        use crate::data::fashion::{CORRUPTED, TRAIN_SIZE};

        fn data_file(name: &str) -> Vec<u8> {
            let path = format!("{}/www/data/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        }

        /// Many stage-2 steps with a tiny buffer: the record count stays bounded, the records stay
        /// evenly spaced from the minimum, and `records_after` hands out only the new ones.
        #[test]
        fn records_stay_bounded_on_long_runs() {
            let mut settings = FashionSettings::from_fields([
                (
                    "methods".to_string(),
                    FieldValue::List(vec![FieldValue::Text("sgd".to_string())]),
                ),
                ("logEvery".to_string(), FieldValue::Number(1.0)),
                ("maxRecords".to_string(), FieldValue::Number(4.0)),
                ("sharpnessDraws".to_string(), FieldValue::Number(2.0)),
            ])
            .unwrap();
            settings.config.trace_probes = 1;
            settings.config.spectrum_k = 1;
            let data = FashionData::from_idx(
                &data_file("fmnist-train1200-images-idx3-ubyte.gz"),
                &data_file("fmnist-train1200-labels-idx1-ubyte.gz"),
                &data_file("fmnist-test2000-images-idx3-ubyte.gz"),
                &data_file("fmnist-test2000-labels-idx1-ubyte.gz"),
                TRAIN_SIZE,
                CORRUPTED,
                0,
            )
            .unwrap();
            let mut s = FashionSession::new(settings, data);
            s.load_minimum(&data_file("fashion-minimum-seed0.bin"))
                .unwrap();
            let mut seen = 0;
            let mut most = 0;
            for _ in 0..64 {
                assert!(s.step_method(Method::Sgd, 1));
                let rs = s.records(Method::Sgd).unwrap();
                most = most.max(rs.len());
                assert!(rs.len() <= 4, "{} records kept", rs.len());
                let fresh = s.records_after(Method::Sgd, seen).unwrap();
                assert!(fresh.iter().all(|r| r.iteration > seen));
                if let Some(r) = fresh.last() {
                    seen = r.iteration;
                }
            }
            let rs = s.records(Method::Sgd).unwrap();
            let every = s.record_every(Method::Sgd).unwrap();
            assert_eq!(most, 4);
            assert!(
                every >= 16,
                "the interval should have doubled to 16 or more, got {every}"
            );
            assert_eq!(rs[0].iteration, 0);
            for (k, r) in rs.iter().enumerate() {
                assert_eq!(r.iteration, k as u64 * every, "records evenly spaced");
            }
            s.reset();
            assert_eq!(s.record_every(Method::Sgd), Some(1));
            assert_eq!(s.records(Method::Sgd).unwrap().len(), 1);
        }
    }
}
