//! The FashionMNIST figure's link state (`figure=fashion`): the experiment's settings and
//! what exists in the page alone (the iteration target, the worker count, stage 1 from
//! scratch, the spectrum shown).

use super::FigureLink;
use crate::config::{ConfigError, FieldValue};
use crate::experiments::fashion_session::FashionSettings;
use crate::noise::Method;
use crate::schema::Figure;

/// What a link says about the FashionMNIST figure, every value valid.
#[derive(Clone, Debug, PartialEq)]
pub struct FashionLink {
    /// The experiment's settings (methods, seed, record interval, record cap).
    pub settings: FashionSettings,
    /// The stage-2 iteration the figure runs to.
    pub iterations: u64,
    /// Worker threads (`None`: the page's default).
    pub workers: Option<u64>,
    /// Whether stage 1 runs from scratch even where a saved minimum exists.
    pub from_scratch: bool,
    /// The method whose Hessian spectrum is shown (`None`: the page's choice).
    pub spectrum: Option<Method>,
}

impl Default for FashionLink {
    fn default() -> Self {
        let mut link = FashionLink {
            settings: FashionSettings::default(),
            iterations: 1,
            workers: None,
            from_scratch: false,
            spectrum: None,
        };
        super::set_defaults(&mut link);
        link
    }
}

impl FigureLink for FashionLink {
    const FIGURE: Figure = Figure::Fashion;

    fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Self::FIGURE.link_setting(key)?;
        match s.key {
            "iterations" => self.iterations = s.parse_integer(value)?,
            "workers" => self.workers = Some(s.parse_integer(value)?),
            "fromScratch" => self.from_scratch = s.parse_boolean(value)?,
            "spectrum" => self.spectrum = Some(s.parse_method(value)?),
            _ => self.settings.set(key, value)?,
        }
        Ok(())
    }

    fn clear(&mut self, key: &str) {
        match key {
            "workers" => self.workers = None,
            "spectrum" => self.spectrum = None,
            _ => {}
        }
    }

    fn fields(&self) -> Vec<(String, FieldValue)> {
        let mut out = self.settings.to_fields();
        out.push((
            "iterations".into(),
            FieldValue::Number(self.iterations as f64),
        ));
        if let Some(w) = self.workers {
            out.push(("workers".into(), FieldValue::Number(w as f64)));
        }
        if self.from_scratch {
            out.push(("fromScratch".into(), FieldValue::Bool(true)));
        }
        if let Some(m) = self.spectrum {
            out.push(("spectrum".into(), FieldValue::Text(m.id().into())));
        }
        out
    }
}
