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
#[derive(Clone, Debug, Default)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// CSS colour.
    pub color: String,
    /// Dashed line.
    pub dashed: bool,
    /// (x, y) points; non-finite points are skipped.
    pub points: Vec<(f64, f64)>,
    /// An interval around the curve, (x, low, high), shaded in the curve's colour (e.g. a 95%
    /// interval); empty for none. Non-finite points end a stretch of the band.
    pub band: Vec<(f64, f64, f64)>,
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
/// Panels per row: two 420-px panels (840 px) show at about their own size in a README or
/// REPRODUCTION.md column, where three side by side would be scaled down to unreadable text.
const MAX_COLUMNS: usize = 2;
/// The figure title's font size and line height.
const TITLE_FONT: f64 = 16.0;
const TITLE_LINE: f64 = 22.0;
/// The legend's font size and row height.
const LEGEND_FONT: f64 = 12.0;
const LEGEND_ROW: f64 = 18.0;
/// The legend's swatch (line or band) width and the gap after it.
const SWATCH: f64 = 22.0;
const SWATCH_GAP: f64 = 6.0;
/// Opacity of a series' band.
const BAND_OPACITY: f64 = 0.18;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The width `text` takes at `size` px, estimated at 0.6 em per character (a little more than
/// Helvetica's and Arial's average, so the estimate errs wide): enough to lay labels out
/// without measuring fonts, which an SVG written by the CLI cannot do.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * 0.6 * size
}

/// `text` broken at spaces into lines no wider than `width` at `size` px (a word longer than
/// the width gets a line of its own).
fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), size) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
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
    /// Whether a y value can be drawn on this panel's axis.
    fn drawable(&self, x: f64, y: f64) -> bool {
        x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0)
    }

    /// The panel (axes, grid, bands, curves; no legend) with its top-left corner at (ox, oy).
    fn render(&self, out: &mut String, ox: f64, oy: f64) {
        let (ml, mr, mt, mb) = MARGIN;
        let (w, h) = (PANEL_W - ml - mr, PANEL_H - mt - mb);
        let ty = |y: f64| if self.log_y { y.log10() } else { y };
        let pts: Vec<(f64, f64)> = self
            .series
            .iter()
            .flat_map(|s| {
                s.points
                    .iter()
                    .copied()
                    .chain(s.band.iter().flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)]))
            })
            .filter(|&(x, y)| self.drawable(x, y))
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
        // A point on the plot, its y kept just inside the frame.
        let at = |x: f64, y: f64| (sx(x), sy(ty(y)).clamp(oy + mt - 2.0, oy + mt + h + 2.0));
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
        // Bands first, under every curve: one closed shape per stretch of drawable points.
        for s in &self.series {
            for stretch in s
                .band
                .split(|&(x, lo, hi)| !(self.drawable(x, lo) && self.drawable(x, hi)))
                .filter(|b| b.len() > 1)
            {
                let mut d = String::new();
                for (i, &(x, _, hi)) in stretch.iter().enumerate() {
                    let (px, py) = at(x, hi);
                    let _ = write!(d, "{}{px:.1},{py:.1} ", if i == 0 { "M" } else { "L" });
                }
                for &(x, lo, _) in stretch.iter().rev() {
                    let (px, py) = at(x, lo);
                    let _ = write!(d, "L{px:.1},{py:.1} ");
                }
                let _ = write!(
                    out,
                    r##"<path d="{d}Z" fill="{}" fill-opacity="{BAND_OPACITY}" stroke="none"/>"##,
                    s.color
                );
            }
        }
        for s in &self.series {
            let mut d = String::new();
            let mut pen_down = false;
            for &(x, y) in &s.points {
                if !self.drawable(x, y) {
                    pen_down = false;
                    continue;
                }
                let (px, py) = at(x, y);
                let _ = write!(d, "{}{px:.1},{py:.1} ", if pen_down { "L" } else { "M" });
                pen_down = true;
            }
            let _ = write!(
                out,
                r##"<path d="{d}" fill="none" stroke="{}" stroke-width="2"{}/>"##,
                s.color,
                dash(s.dashed)
            );
        }
    }
}

fn dash(dashed: bool) -> &'static str {
    if dashed {
        r#" stroke-dasharray="6 4""#
    } else {
        ""
    }
}

/// The figure's one legend: every distinct series (name, colour, dash) once, in the order the
/// panels first draw them.
struct Legend<'a> {
    entries: Vec<&'a Series>,
}

impl<'a> Legend<'a> {
    fn of(panels: &'a [Panel]) -> Self {
        let mut entries: Vec<&Series> = Vec::new();
        for s in panels.iter().flat_map(|p| &p.series) {
            let same = |e: &&Series| e.name == s.name && e.color == s.color && e.dashed == s.dashed;
            if !entries.iter().any(same) {
                entries.push(s);
            }
        }
        Legend { entries }
    }

    fn width(&self) -> f64 {
        let widest = self
            .entries
            .iter()
            .map(|e| text_width(&e.name, LEGEND_FONT))
            .fold(0.0, f64::max);
        SWATCH + SWATCH_GAP + widest + 8.0
    }

    fn height(&self) -> f64 {
        self.entries.len() as f64 * LEGEND_ROW
    }

    fn render(&self, out: &mut String, x: f64, y: f64) {
        for (i, e) in self.entries.iter().enumerate() {
            let ly = y + LEGEND_ROW * (i as f64 + 0.5);
            if !e.band.is_empty() {
                let _ = write!(
                    out,
                    r##"<rect x="{x}" y="{}" width="{SWATCH}" height="12" fill="{}" fill-opacity="{BAND_OPACITY}"/>"##,
                    ly - 6.0,
                    e.color
                );
            }
            let _ = write!(
                out,
                r##"<line x1="{x}" x2="{}" y1="{ly}" y2="{ly}" stroke="{}" stroke-width="2"{}/><text x="{}" y="{}" font-size="{LEGEND_FONT}">{}</text>"##,
                x + SWATCH,
                e.color,
                dash(e.dashed),
                x + SWATCH + SWATCH_GAP,
                ly + 4.0,
                escape(&e.name)
            );
        }
    }
}

/// Renders panels as one SVG document: at most two per row, and one legend for
/// the whole figure, in the last row's first empty cell when there is one and it fits, else in
/// a column of its own on the right. The title wraps to the figure's width.
pub fn render(title: &str, panels: &[Panel]) -> String {
    let n = panels.len().max(1);
    let columns = n.min(MAX_COLUMNS);
    let rows = n.div_ceil(columns);
    let legend = Legend::of(panels);
    let (ml, _, mt, _) = MARGIN;
    let in_free_cell = !n.is_multiple_of(columns)
        && legend.width() <= PANEL_W - ml
        && legend.height() <= PANEL_H - mt;
    let legend_column = if legend.entries.is_empty() || in_free_cell {
        0.0
    } else {
        legend.width() + 12.0
    };
    let width = columns as f64 * PANEL_W + legend_column;
    let lines = wrap(title, TITLE_FONT, width - 24.0);
    let top = 10.0 + TITLE_LINE * lines.len() as f64;
    let height = top + rows as f64 * PANEL_H;
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif"><rect width="100%" height="100%" fill="#fafafa"/>"##
    );
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            out,
            r##"<text x="12" y="{}" font-size="{TITLE_FONT}" font-weight="700">{}</text>"##,
            6.0 + TITLE_LINE * (i as f64 + 1.0) - 4.0,
            escape(line)
        );
    }
    for (i, p) in panels.iter().enumerate() {
        let (col, row) = (i % columns, i / columns);
        p.render(&mut out, col as f64 * PANEL_W, top + row as f64 * PANEL_H);
    }
    let (lx, ly) = if in_free_cell {
        (
            (n % columns) as f64 * PANEL_W + ml,
            top + (rows - 1) as f64 * PANEL_H + mt,
        )
    } else {
        (columns as f64 * PANEL_W + 4.0, top + mt)
    };
    legend.render(&mut out, lx, ly);
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, color: &str, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            color: color.into(),
            points,
            ..Series::default()
        }
    }

    fn panel(title: &str, log_y: bool, series: Vec<Series>) -> Panel {
        Panel {
            title: title.into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_y,
            series,
        }
    }

    /// The x of every `<text x="...">` with the text it holds.
    fn texts(svg: &str) -> Vec<(f64, String)> {
        svg.split("<text x=\"")
            .skip(1)
            .map(|t| {
                let x = t[..t.find('"').unwrap()].parse().unwrap();
                let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                (x, body.to_string())
            })
            .collect()
    }

    #[test]
    fn renders_well_formed_svg_with_every_series() {
        let mut b = series("b", "#f00", vec![(0.0, f64::NAN), (1.0, 0.0)]);
        b.dashed = true;
        let svg = render(
            "demo",
            &[panel(
                "t <1>",
                true,
                vec![series("a", "#000", vec![(0.0, 1.0), (1.0, 10.0)]), b],
            )],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("t &lt;1&gt;") && !svg.contains("NaN"));
    }

    #[test]
    fn one_legend_for_the_figure_in_the_free_cell_of_the_last_row() {
        let names = [
            "GD (n = 5)",
            "GLD leading, authors' variant (n = 3)",
            "SGD (n = 5)",
        ];
        let curves = || {
            names
                .iter()
                .map(|n| series(n, "#123456", vec![(0.0, 1.0), (10.0, 2.0)]))
                .collect::<Vec<_>>()
        };
        let svg = render(
            "three panels",
            &[
                panel("a", false, curves()),
                panel("b", false, curves()),
                panel("c", true, curves()),
            ],
        );
        // Two columns (840 px: no column of its own for the legend), two rows.
        assert!(svg.contains(r#"width="840""#), "{}", &svg[..200]);
        let t = texts(&svg);
        for name in names {
            let at: Vec<f64> = t
                .iter()
                .filter(|(_, s)| s == &escape(name))
                .map(|(x, _)| *x)
                .collect();
            assert_eq!(at.len(), 1, "{name} once in the legend");
            // In the fourth cell (right column, second row), clear of the panels' plots.
            assert!(at[0] > PANEL_W + MARGIN.0, "{name} at x = {}", at[0]);
            assert!(at[0] + text_width(&escape(name), LEGEND_FONT) <= 840.0);
        }
    }

    #[test]
    fn a_legend_without_a_free_cell_gets_its_own_column_clear_of_the_panels() {
        let long = "a rather long legend entry naming its curve";
        let svg = render(
            "two panels",
            &[
                panel("a", false, vec![series(long, "#000", vec![(0.0, 1.0)])]),
                panel("b", false, vec![series("short", "#111", vec![(0.0, 1.0)])]),
            ],
        );
        let width = 2.0 * PANEL_W + text_width(long, LEGEND_FONT) + SWATCH + SWATCH_GAP + 20.0;
        assert!(
            svg.contains(&format!(r#"width="{width}""#)),
            "{}",
            &svg[..200]
        );
        for (x, s) in texts(&svg) {
            if s == long || s == "short" {
                assert!(x >= 2.0 * PANEL_W, "{s} at {x} overlaps a panel");
            }
        }
    }

    #[test]
    fn a_band_is_one_closed_shape_per_stretch_of_drawable_points_under_its_curve() {
        let mut s = series(
            "escaped",
            "#0072B2",
            vec![(0.0, 0.5), (1.0, 0.6), (2.0, 0.7)],
        );
        s.band = vec![
            (0.0, 0.4, 0.6),
            (1.0, 0.5, 0.7),
            (2.0, f64::NAN, 0.8),
            (3.0, 0.6, 0.8),
            (4.0, 0.7, 0.9),
        ];
        let svg = render("band", &[panel("p", false, vec![s])]);
        assert_eq!(
            svg.matches("fill-opacity").count(),
            2 + 1,
            "two stretches + legend swatch"
        );
        let band = svg.find("Z\" fill=\"#0072B2\"").expect("a closed band");
        let curve = svg
            .find("fill=\"none\" stroke=\"#0072B2\"")
            .expect("the curve");
        assert!(band < curve, "the band is drawn under the curve");
        // The band's extent counts in the axis range: 0.9 is inside the frame.
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn long_titles_wrap_to_the_figure_width() {
        let title = "FashionMNIST, mean over seeds: CNN on the authors-code dataset (test accuracy on all 10,000 test images)";
        let lines = wrap(title, TITLE_FONT, 816.0);
        assert!(lines.len() == 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, TITLE_FONT) <= 816.0));
        assert_eq!(lines.join(" "), title);
        let svg = render(title, &[panel("a", false, vec![])]);
        assert_eq!(
            svg.matches("font-weight=\"700\"").count(),
            wrap(title, TITLE_FONT, PANEL_W - 24.0).len()
        );
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
