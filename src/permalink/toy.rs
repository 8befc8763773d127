//! The 2-D figure's link state (`figure=toy`): its simulation settings and what exists in
//! the page alone (the "pause at" iteration, the speed, the worker count).

use super::FigureLink;
use crate::config::{ConfigError, FieldValue, ToyConfig};
use crate::schema::Figure;

/// What a link says about the 2-D figure, every value valid.
#[derive(Clone, Debug, PartialEq)]
pub struct ToyLink {
    /// The simulation settings (validated together, as the JS API would).
    pub config: ToyConfig,
    /// "Pause at" iteration.
    pub iterations: u64,
    /// The iteration the timeline shows (`None`: the latest); at most `iterations`.
    pub iteration: Option<u64>,
    /// Iterations per animation frame.
    pub speed: u64,
    /// Simulation workers (`None`: one per core, at most one per method).
    pub workers: Option<u64>,
}

impl Default for ToyLink {
    fn default() -> Self {
        let mut link = ToyLink {
            config: ToyConfig::default(),
            iterations: 1,
            iteration: None,
            speed: 1,
            workers: None,
        };
        super::set_defaults(&mut link);
        link
    }
}

impl FigureLink for ToyLink {
    const FIGURE: Figure = Figure::Toy;

    fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Self::FIGURE.link_setting(key)?;
        match s.key {
            "iterations" => self.iterations = s.parse_integer(value)?,
            "iteration" => self.iteration = Some(s.parse_integer(value)?),
            "speed" => self.speed = s.parse_integer(value)?,
            "workers" => self.workers = Some(s.parse_integer(value)?),
            _ => self.config.set(key, value)?,
        }
        Ok(())
    }

    fn clear(&mut self, key: &str) {
        match key {
            "workers" => self.workers = None,
            "iteration" => self.iteration = None,
            _ => {}
        }
    }

    fn fields(&self) -> Vec<(String, FieldValue)> {
        let mut out = self.config.to_fields();
        let n = |x: u64| FieldValue::Number(x as f64);
        out.push(("iterations".into(), n(self.iterations)));
        if let Some(i) = self.iteration {
            out.push(("iteration".into(), n(i)));
        }
        out.push(("speed".into(), n(self.speed)));
        if let Some(w) = self.workers {
            out.push(("workers".into(), n(w)));
        }
        out
    }

    /// The settings together, and the timeline's iteration at most the pause-at iteration.
    fn check(&self) -> Result<(), ConfigError> {
        self.config.validate()?;
        match self.iteration {
            Some(i) if i > self.iterations => Err(ConfigError::new(
                "iteration",
                &format!(
                    "an integer in 0..={} (at most `iterations`)",
                    self.iterations
                ),
                &i.to_string(),
            )),
            _ => Ok(()),
        }
    }

    /// A bad `iteration` becomes unset (the latest).
    fn fix(&mut self, key: &str, base: &Self) {
        match key {
            "iteration" => self.iteration = None,
            _ => self.restore(key, base),
        }
    }
}
