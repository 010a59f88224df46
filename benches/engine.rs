//! Engine performance on the large scenario (see `tests/support/large_scenario.rs`): the time the UI
//! spends per animation frame, split into advancing the simulation by one 16 ms frame and taking the
//! snapshot it draws. Run with `cargo bench --bench engine` (or `scripts/bench.sh`).
//!
//! Both measure one engine, warmed up for `KAFKAVIZ_BENCH_WARMUP_S` simulated seconds (default 2) so
//! that logs, queues and fetch loops are in their steady state; every `advance` sample moves it on by one
//! more frame, exactly as the UI's timer does. The seed's three-broker scenario is measured alongside.

use std::sync::{LazyLock, Mutex};

use kafkaviz::engine::sim::Engine;

#[path = "../tests/support/large_scenario.rs"]
mod large_scenario;

/// One animation frame of virtual time at 1× speed (60 frames a second).
const FRAME_MS: u64 = 16;

fn warm_up_seconds() -> u64 {
    std::env::var("KAFKAVIZ_BENCH_WARMUP_S").ok().and_then(|s| s.parse().ok()).unwrap_or(2)
}

/// An engine for `scenario`, warmed up to its steady state, behind the lock divan's benches share.
fn warmed_up(scenario: &kafkaviz::scenario::ValidScenario) -> Mutex<Engine> {
    let mut engine = Engine::new(scenario);
    engine.advance_to(warm_up_seconds() * 1_000);
    Mutex::new(engine)
}

static LARGE: LazyLock<Mutex<Engine>> = LazyLock::new(|| warmed_up(&large_scenario::large_valid_scenario()));
static LARGE_TUNED: LazyLock<Mutex<Engine>> =
    LazyLock::new(|| warmed_up(&large_scenario::large_valid_scenario_tuned()));
static SEED: LazyLock<Mutex<Engine>> = LazyLock::new(|| warmed_up(&kafkaviz::ui::default_valid_scenario()));

/// `Engine::advance_by(16)`: every event of one frame; each sample moves the engine on by one more frame.
fn bench_frame(bencher: divan::Bencher, engine: &Mutex<Engine>) {
    let mut engine = engine.lock().expect("not poisoned");
    bencher.bench_local(|| engine.advance_by(FRAME_MS));
}

/// `Engine::snapshot()`: the view model the UI draws each frame.
fn bench_snapshot(bencher: divan::Bencher, engine: &Mutex<Engine>) {
    let engine = engine.lock().expect("not poisoned");
    bencher.bench_local(|| engine.snapshot());
}

fn main() {
    divan::main();
}

mod large {
    use super::*;

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn advance_one_frame(bencher: divan::Bencher) {
        bench_frame(bencher, &LARGE);
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn snapshot(bencher: divan::Bencher) {
        bench_snapshot(bencher, &LARGE);
    }
}

/// The same cluster and load with producers at `linger.ms` 100 (`large_scenario_tuned`).
mod large_tuned {
    use super::*;

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn advance_one_frame(bencher: divan::Bencher) {
        bench_frame(bencher, &LARGE_TUNED);
    }

    #[divan::bench(sample_count = 30, sample_size = 1)]
    fn snapshot(bencher: divan::Bencher) {
        bench_snapshot(bencher, &LARGE_TUNED);
    }
}

mod seed {
    use super::*;

    #[divan::bench(sample_count = 200)]
    fn advance_one_frame(bencher: divan::Bencher) {
        bench_frame(bencher, &SEED);
    }

    #[divan::bench(sample_count = 200)]
    fn snapshot(bencher: divan::Bencher) {
        bench_snapshot(bencher, &SEED);
    }
}
