//! Produce arrows (producer → partition leader), pull arrows (leader → owning consumer) and the records
//! moving along them. Arrows are cubic curves so a record's position is just the curve at time t.

use std::sync::Arc;

use yew::prelude::*;

use super::layout::{Layout, Rect};
use crate::engine::Millis;
use crate::engine::sim::FLIGHT_VISIBLE_MS;
use crate::engine::snapshot::{Flight, FlightKind, Snapshot};

/// A cubic Bézier from `from` to `to` leaving and arriving vertically.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curve {
    p0: (f64, f64),
    c1: (f64, f64),
    c2: (f64, f64),
    p3: (f64, f64),
}

impl Curve {
    pub fn vertical(from: (f64, f64), to: (f64, f64)) -> Curve {
        let bend = (to.1 - from.1) * 0.5;
        Curve { p0: from, c1: (from.0, from.1 + bend), c2: (to.0, to.1 - bend), p3: to }
    }

    pub fn path(&self) -> String {
        format!(
            "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            self.p0.0, self.p0.1, self.c1.0, self.c1.1, self.c2.0, self.c2.1, self.p3.0, self.p3.1
        )
    }

    /// The point at parameter `t` in [0, 1].
    pub fn at(&self, t: f64) -> (f64, f64) {
        let u = 1.0 - t;
        let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        (
            a * self.p0.0 + b * self.c1.0 + c * self.c2.0 + d * self.p3.0,
            a * self.p0.1 + b * self.c1.1 + c * self.c2.1 + d * self.p3.1,
        )
    }
}

fn leader_rect(snapshot: &Snapshot, layout: &Layout, topic: &str, partition: u32) -> Option<Rect> {
    let t = snapshot.topics.iter().find(|t| t.name == topic)?;
    let leader = t.partitions.get(partition as usize)?.leader?;
    layout.replicas.get(&(leader, Arc::from(topic), partition)).copied()
}

fn produce_curve(snapshot: &Snapshot, layout: &Layout, producer: &str, topic: &str, partition: u32) -> Option<Curve> {
    let index = snapshot.producers.iter().position(|p| p.name == producer)?;
    let from = layout.producers.get(index)?.bottom_mid();
    let to = leader_rect(snapshot, layout, topic, partition)?.top_mid();
    Some(Curve::vertical(from, to))
}

fn pull_curve(layout: &Layout, member_id: &str, topic: &str, partition: u32) -> Option<Curve> {
    let from = *layout.pull_origins.get(&(Arc::from(topic), partition))?;
    let to = layout.members.get(member_id)?.top_mid();
    Some(Curve::vertical(from, to))
}

/// Every produce arrow (producer → each leader of its topic) and pull arrow (leader → owning member).
pub fn arrows(snapshot: &Snapshot, layout: &Layout) -> Html {
    let produce = snapshot.producers.iter().flat_map(|p| {
        let partitions = snapshot.topics.iter().find(|t| t.name == p.topic).map_or(0, |t| t.partitions.len() as u32);
        (0..partitions).filter_map(move |i| produce_curve(snapshot, layout, &p.name, &p.topic, i))
    });
    let pull =
        snapshot.groups.iter().flat_map(|g| g.members.iter()).flat_map(|m| {
            m.partitions.iter().filter_map(move |p| pull_curve(layout, &m.member_id, &p.topic, p.partition))
        });
    html! {
        <g class="arrows" aria-hidden="true">
            { for produce.map(|c| html! { <path class="arrow produce" d={c.path()} marker-end="url(#arrowhead)" /> }) }
            { for pull.map(|c| html! { <path class="arrow pull" d={c.path()} marker-end="url(#arrowhead)" /> }) }
        </g>
    }
}

fn progress(now: Millis, started: Millis) -> f64 {
    (now.saturating_sub(started) as f64 / FLIGHT_VISIBLE_MS as f64).clamp(0.0, 1.0)
}

fn flight(snapshot: &Snapshot, layout: &Layout, f: &Flight) -> Option<Html> {
    let (curve, class) = match &f.kind {
        FlightKind::Produce { producer } => {
            (produce_curve(snapshot, layout, producer, &f.topic, f.partition)?, "record produce")
        }
        FlightKind::Fetch { member_id, .. } => (pull_curve(layout, member_id, &f.topic, f.partition)?, "record fetch"),
    };
    let (x, y) = curve.at(progress(snapshot.time, f.started));
    let label = f.key.clone().unwrap_or_else(|| if f.records > 1 { format!("×{}", f.records) } else { String::new() });
    Some(html! {
        <g class={class}>
            <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="6" />
            if !label.is_empty() {
                <text class="record-label" x={format!("{:.1}", x + 9.0)} y={format!("{:.1}", y + 4.0)}>{ label }</text>
            }
        </g>
    })
}

/// Records in motion, drawn at their position for the snapshot's moment.
pub fn flights(snapshot: &Snapshot, layout: &Layout) -> Html {
    html! {
        <g class="flights" aria-hidden="true">
            { for snapshot.flights.iter().filter_map(|f| flight(snapshot, layout, f)) }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_starts_and_ends_at_its_points() {
        let c = Curve::vertical((10.0, 0.0), (50.0, 100.0));
        assert_eq!(c.at(0.0), (10.0, 0.0));
        assert_eq!(c.at(1.0), (50.0, 100.0));
        let (_, mid_y) = c.at(0.5);
        assert!((mid_y - 50.0).abs() < 1e-9);
    }
}
