//! The sweep figure's link state (`figure=sweep`): what varies, over which points, the toy's
//! settings it runs with, and the page's worker count. `from` and `to` may be unset: the
//! default range of what varies.

use super::FigureLink;
use crate::config::{ConfigError, FieldValue, ToyConfig};
use crate::schema::Figure;
use crate::sweep::{SweepConfig, Vary};

/// What a link says about the sweep figure, every value valid; the default is the angle
/// sweep over its default range with the paper's protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepLink {
    /// What varies.
    pub vary: Vary,
    /// Number of points.
    pub points: usize,
    /// First value (`None`: the default range's).
    pub from: Option<f64>,
    /// Last value (`None`: the default range's).
    pub to: Option<f64>,
    /// Iterations per run.
    pub iterations: u64,
    /// The toy's settings (its `methods` unused: each sweep has its own dynamics).
    pub toy: ToyConfig,
    /// Simulation workers (`None`: one per core).
    pub workers: Option<u64>,
}

impl Default for SweepLink {
    fn default() -> Self {
        let c = SweepConfig::new(Vary::Angle);
        let mut link = SweepLink {
            vary: c.vary,
            points: c.points,
            from: None,
            to: None,
            iterations: c.iterations,
            toy: c.toy,
            workers: None,
        };
        super::set_defaults(&mut link);
        link
    }
}

impl SweepLink {
    /// The sweep the link describes (unset ends: the default range of what varies).
    pub fn config(&self) -> SweepConfig {
        let (from, to) = self.vary.default_range();
        SweepConfig {
            vary: self.vary,
            points: self.points,
            from: self.from.unwrap_or(from),
            to: self.to.unwrap_or(to),
            iterations: self.iterations,
            toy: self.toy.clone(),
        }
    }
}

impl FigureLink for SweepLink {
    const FIGURE: Figure = Figure::Sweep;

    fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Self::FIGURE.link_setting(key)?;
        match s.key {
            "vary" => self.vary = Vary::from_id(s.parse_choice(value)?).unwrap_or(self.vary),
            "points" => self.points = s.parse_integer(value)? as usize,
            "from" => self.from = Some(s.parse_number(value)?),
            "to" => self.to = Some(s.parse_number(value)?),
            "iterations" => self.iterations = s.parse_integer(value)?,
            "workers" => self.workers = Some(s.parse_integer(value)?),
            _ => self.toy.set(key, value)?,
        }
        Ok(())
    }

    fn clear(&mut self, key: &str) {
        match key {
            "from" => self.from = None,
            "to" => self.to = None,
            "workers" => self.workers = None,
            _ => {}
        }
    }

    fn fields(&self) -> Vec<(String, FieldValue)> {
        let n = FieldValue::Number;
        let mut out = vec![
            ("vary".into(), FieldValue::Text(self.vary.id().into())),
            ("points".into(), n(self.points as f64)),
        ];
        if let Some(x) = self.from {
            out.push(("from".into(), n(x)));
        }
        if let Some(x) = self.to {
            out.push(("to".into(), n(x)));
        }
        out.push(("iterations".into(), n(self.iterations as f64)));
        out.extend(
            self.toy
                .to_fields()
                .into_iter()
                .filter(|(k, _)| k != "methods"),
        );
        if let Some(w) = self.workers {
            out.push(("workers".into(), n(w as f64)));
        }
        out
    }

    /// The sweep together: its range within what varies allows, every point a valid
    /// experiment.
    fn check(&self) -> Result<(), ConfigError> {
        self.config().validate()
    }
}
