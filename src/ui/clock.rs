//! Turns wall-clock frame time into virtual time at the chosen speed.

use crate::engine::Millis;

/// The speeds offered, as multiples of real time.
pub const SPEEDS: [f64; 9] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0];

/// A frame longer than this (a background tab, a debugger pause) is counted as this long, so coming
/// back to the tab never makes the engine catch up hours of virtual time in one frame.
pub const MAX_FRAME_WALL_MS: f64 = 250.0;

/// Carries the fraction of a virtual millisecond between frames, so slow speeds still advance exactly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaybackClock {
    carry: f64,
}

impl PlaybackClock {
    /// Virtual milliseconds to advance for `wall_ms` of real time at `speed`.
    pub fn virtual_ms(&mut self, wall_ms: f64, speed: f64) -> Millis {
        let wall = if wall_ms.is_finite() { wall_ms.clamp(0.0, MAX_FRAME_WALL_MS) } else { 0.0 };
        let total = wall * speed.max(0.0) + self.carry;
        let whole = total.floor();
        self.carry = total - whole;
        whole as Millis
    }
}

/// How a speed reads in the speed picker.
pub fn speed_label(speed: f64) -> String {
    format!("{speed}×")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_speed_accumulates_fractions() {
        let mut clock = PlaybackClock::default();
        let total: Millis = (0..30).map(|_| clock.virtual_ms(33.3, 0.1)).sum();
        assert_eq!(total, 99, "30 frames of 33.3 ms at 0.1× is 99.9 virtual ms");
    }

    #[test]
    fn long_frames_are_capped() {
        let mut clock = PlaybackClock::default();
        assert_eq!(clock.virtual_ms(60_000.0, 100.0), 25_000);
        assert_eq!(clock.virtual_ms(f64::NAN, 1.0), 0);
    }
}
