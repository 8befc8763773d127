//! Minimal SVG line charts for the CLI's `--plot FILE`: the reproduction report's counterparts
//! of the paper's figures, rendered from the same numbers the JSON holds.

use crate::noise::Method;
use std::fmt::Write;

/// The Okabe-Ito colour of a method (the page uses the same palette).
pub fn method_color(method: Method) -> &'static str {
    match method {
        Method::Gd => "#000000",
        Method::GldConst => "#E69F00",
        Method::GldDynamic => "#C9B800",
        Method::GldDiag => "#009E73",
        Method::GldLeading => "#0072B2",
        Method::GldHessian => "#56B4E9",
        Method::GldEigvec => "#CC79A7",
        Method::Sgd => "#D55E00",
    }
}

/// One curve.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// CSS colour.
    pub color: String,
    /// Dashed line.
    pub dashed: bool,
    /// (x, y) points; non-finite points are skipped.
    pub points: Vec<(f64, f64)>,
}

/// A line chart panel.
#[derive(Clone, Debug)]
pub struct Panel {
    /// Title above the panel.
    pub title: String,
    /// x axis label.
    pub x_label: String,
    /// y axis label.
    pub y_label: String,
    /// Logarithmic y axis (non-positive values are skipped).
    pub log_y: bool,
    /// The curves.
    pub series: Vec<Series>,
}

const PANEL_W: f64 = 420.0;
const PANEL_H: f64 = 300.0;
const MARGIN: (f64, f64, f64, f64) = (62.0, 16.0, 36.0, 46.0); // left, right, top, bottom

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// "Nice" tick positions covering [lo, hi].
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-300);
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

fn label(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.0e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

impl Panel {
    fn render(&self, out: &mut String, ox: f64, oy: f64) {
        let (ml, mr, mt, mb) = MARGIN;
        let (w, h) = (PANEL_W - ml - mr, PANEL_H - mt - mb);
        let ty = |y: f64| if self.log_y { y.log10() } else { y };
        let pts: Vec<(f64, f64)> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .filter(|&(x, y)| x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0))
            .map(|(x, y)| (x, ty(y)))
            .collect();
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &pts {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if pts.is_empty() {
            (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        if y1 <= y0 {
            y1 = y0 + 1.0;
        }
        let pad = 0.05 * (y1 - y0);
        let (y0, y1) = if self.log_y {
            (y0.floor(), y1.ceil())
        } else {
            (y0 - pad, y1 + pad)
        };
        let sx = |x: f64| ox + ml + (x - x0) / (x1 - x0) * w;
        let sy = |y: f64| oy + mt + h - (y - y0) / (y1 - y0) * h;
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="14" font-weight="600">{}</text>"##,
            ox + ml,
            oy + 20.0,
            escape(&self.title)
        );
        let _ = write!(
            out,
            r##"<rect x="{}" y="{}" width="{w}" height="{h}" fill="#fff" stroke="#999"/>"##,
            ox + ml,
            oy + mt
        );
        let yt: Vec<f64> = if self.log_y {
            (y0 as i64..=y1 as i64).map(|e| e as f64).collect()
        } else {
            ticks(y0, y1)
        };
        for t in yt {
            let y = sy(t);
            let text = if self.log_y {
                label(10f64.powf(t))
            } else {
                label(t)
            };
            let _ = write!(
                out,
                r##"<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="#e5e5e5"/><text x="{}" y="{}" font-size="11" text-anchor="end">{text}</text>"##,
                ox + ml,
                ox + ml + w,
                ox + ml - 5.0,
                y + 4.0
            );
        }
        for t in ticks(x0, x1) {
            let x = sx(t);
            let _ = write!(
                out,
                r##"<line x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="#e5e5e5"/><text x="{x}" y="{}" font-size="11" text-anchor="middle">{}</text>"##,
                oy + mt,
                oy + mt + h,
                oy + mt + h + 15.0,
                label(t)
            );
        }
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="12" text-anchor="middle">{}</text>"##,
            ox + ml + w / 2.0,
            oy + PANEL_H - 8.0,
            escape(&self.x_label)
        );
        let _ = write!(
            out,
            r##"<text transform="translate({} {}) rotate(-90)" font-size="12" text-anchor="middle">{}</text>"##,
            ox + 14.0,
            oy + mt + h / 2.0,
            escape(&self.y_label)
        );
        for (i, s) in self.series.iter().enumerate() {
            let mut d = String::new();
            let mut pen_down = false;
            for &(x, y) in &s.points {
                if !(x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0)) {
                    pen_down = false;
                    continue;
                }
                let (px, py) = (sx(x), sy(ty(y)).clamp(oy + mt - 2.0, oy + mt + h + 2.0));
                let _ = write!(d, "{}{px:.1},{py:.1} ", if pen_down { "L" } else { "M" });
                pen_down = true;
            }
            let dash = if s.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let _ = write!(
                out,
                r##"<path d="{d}" fill="none" stroke="{}" stroke-width="2"{dash}/>"##,
                s.color
            );
            let ly = oy + mt + 10.0 + 15.0 * i as f64;
            let lx = ox + ml + w + 8.0;
            let _ = write!(
                out,
                r##"<line x1="{lx}" x2="{}" y1="{ly}" y2="{ly}" stroke="{}" stroke-width="2"{dash}/><text x="{}" y="{}" font-size="11">{}</text>"##,
                lx + 16.0,
                s.color,
                lx + 20.0,
                ly + 4.0,
                escape(&s.name)
            );
        }
    }
}

/// Renders panels side by side (each with a legend to its right) as one SVG document.
pub fn render(title: &str, panels: &[Panel]) -> String {
    let legend_w = 120.0;
    let width = panels.len() as f64 * (PANEL_W + legend_w);
    let height = PANEL_H + 40.0;
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif"><rect width="100%" height="100%" fill="#fafafa"/><text x="12" y="24" font-size="16" font-weight="700">{}</text>"##,
        escape(title)
    );
    for (i, p) in panels.iter().enumerate() {
        p.render(&mut out, i as f64 * (PANEL_W + legend_w), 36.0);
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_well_formed_svg_with_every_series() {
        let panel = Panel {
            title: "t <1>".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_y: true,
            series: vec![
                Series {
                    name: "a".into(),
                    color: "#000".into(),
                    dashed: false,
                    points: vec![(0.0, 1.0), (1.0, 10.0)],
                },
                Series {
                    name: "b".into(),
                    color: "#f00".into(),
                    dashed: true,
                    points: vec![(0.0, f64::NAN), (1.0, 0.0)],
                },
            ],
        };
        let svg = render("demo", &[panel]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("t &lt;1&gt;") && !svg.contains("NaN"));
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(
            ticks(0.0, 500.0),
            vec![0.0, 100.0, 200.0, 300.0, 400.0, 500.0]
        );
        assert_eq!(label(0.25), "0.25");
    }
}
