//! The one-hidden-layer figure's link state (`figure=one-hidden-layer`, alias `ohl`): the
//! study's settings and the epoch the figure trains to at load.

use super::FigureLink;
use crate::config::{ConfigError, FieldValue};
use crate::experiments::one_hidden_layer::OneHiddenLayerConfig;
use crate::schema::Figure;

/// What a link says about the one-hidden-layer figure, every value valid; the default is the
/// paper's protocol at epoch 0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OneHiddenLayerLink {
    /// The study's settings (seed, epochs, samples, learning rate).
    pub config: OneHiddenLayerConfig,
    /// The epoch the figure trains to at load (0: untrained); at most `config.epochs`.
    pub epoch: u64,
}

impl FigureLink for OneHiddenLayerLink {
    const FIGURE: Figure = Figure::OneHiddenLayer;

    fn set(&mut self, key: &str, value: &FieldValue) -> Result<(), ConfigError> {
        let s = Self::FIGURE.link_setting(key)?;
        match s.key {
            "epoch" => self.epoch = s.parse_integer(value)?,
            _ => self.config.set(key, value)?,
        }
        Ok(())
    }

    fn fields(&self) -> Vec<(String, FieldValue)> {
        let mut out = self.config.to_fields();
        out.push(("epoch".into(), FieldValue::Number(self.epoch as f64)));
        out
    }

    /// The epoch reached is at most the epochs.
    fn check(&self) -> Result<(), ConfigError> {
        let epochs = self.config.epochs as u64;
        if self.epoch > epochs {
            return Err(ConfigError::new(
                "epoch",
                &format!("an integer in 0..={epochs} (at most `epochs`)"),
                &self.epoch.to_string(),
            ));
        }
        Ok(())
    }

    /// A bad `epoch` becomes 0 (the base's may be beyond the link's `epochs` too).
    fn fix(&mut self, key: &str, base: &Self) {
        match key {
            "epoch" => self.epoch = 0,
            _ => self.restore(key, base),
        }
    }
}
