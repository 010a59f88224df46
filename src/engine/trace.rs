//! The engine's history: a running digest of every event processed (to prove determinism cheaply) and
//! a bounded narration log of the moments a person cares about.

use std::collections::VecDeque;

use super::types::Millis;

/// FNV-1a over 64-bit words. Fed explicit fixed-width words (never `usize` or derived `Hash`), so the
/// digest is identical on native and wasm32 builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    pub fn word(&mut self, w: u64) {
        for byte in w.to_le_bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    pub fn words(&mut self, ws: &[u64]) {
        ws.iter().for_each(|w| self.word(*w));
    }

    pub fn value(&self) -> u64 {
        self.0
    }
}

/// One line of narration, e.g. "partition orders-1: leader 2 → 3, epoch 4".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narration {
    pub at: Millis,
    pub text: String,
}

/// The most recent narration lines; older ones fall off so memory stays bounded.
#[derive(Clone, Debug, Default)]
pub struct NarrationLog {
    lines: VecDeque<Narration>,
}

impl NarrationLog {
    pub const CAPACITY: usize = 500;

    pub fn push(&mut self, at: Millis, text: String) {
        if self.lines.len() == Self::CAPACITY {
            self.lines.pop_front();
        }
        self.lines.push_back(Narration { at, text });
    }

    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &Narration> {
        self.lines.iter()
    }

    /// The last `n` lines, oldest first.
    pub fn recent(&self, n: usize) -> Vec<Narration> {
        self.lines.iter().skip(self.lines.len().saturating_sub(n)).cloned().collect()
    }
}
