//! A small SVG line chart of one series, with its latest value. No axes: a glance, not a dashboard.

use yew::prelude::*;

pub const WIDTH: f64 = 120.0;
pub const HEIGHT: f64 = 28.0;

#[derive(Properties, PartialEq)]
pub struct SparklineProps {
    /// Oldest first.
    pub values: Vec<f64>,
    /// What the series is, for screen readers and the tooltip, e.g. "orders-0 records written per second".
    pub label: AttrValue,
    #[prop_or_default]
    pub class: Classes,
}

/// The polyline's points, scaled so the largest value touches the top (a flat zero line sits at the bottom).
pub fn points(values: &[f64]) -> String {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let step = if values.len() > 1 { WIDTH / (values.len() - 1) as f64 } else { 0.0 };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = if max > 0.0 { HEIGHT - 2.0 - (v / max) * (HEIGHT - 4.0) } else { HEIGHT - 2.0 };
            format!("{:.1},{:.1}", i as f64 * step, y)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A number short enough for a chart's corner: 3, 2.5, 0.25, 12k.
pub fn short_number(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.0}k", v / 1_000.0)
    } else if v >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[function_component(Sparkline)]
pub fn sparkline(props: &SparklineProps) -> Html {
    let latest = props.values.last().copied();
    let latest_text = latest.map_or_else(|| "–".to_string(), short_number);
    let label = format!("{}: latest {latest_text}", props.label);
    html! {
        <span class={classes!("spark", props.class.clone())}>
            <svg class="sparkline" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} width={WIDTH.to_string()} height={HEIGHT.to_string()}
                 role="img" aria-label={label.clone()}>
                <title>{ label }</title>
                <polyline points={points(&props.values)} />
            </svg>
            <span class="spark-value" aria-hidden="true">{ latest_text }</span>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_value_touches_the_top_and_zero_the_bottom() {
        assert_eq!(points(&[0.0, 2.0, 1.0]), "0.0,26.0 60.0,2.0 120.0,14.0");
        assert_eq!(points(&[0.0, 0.0]), "0.0,26.0 120.0,26.0");
        assert_eq!(points(&[]), "");
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(3.0), "3");
        assert_eq!(short_number(2.54), "2.5");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(12_345.0), "12k");
    }
}
