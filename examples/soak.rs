//! Soak run: the large scenario for one simulated hour, watching memory and speed.
//!
//! `cargo run --profile bench --example soak [-- SECONDS [tuned]]` (default 3600 simulated seconds; `tuned`
//! runs the variant whose producers linger 100 ms). Prints, every simulated minute, the live heap (counted
//! by a wrapping global allocator), the event queue's length, events per simulated second and wall time
//! per simulated second; then the peak and final heap.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use kafkaviz::engine::sim::Engine;

#[path = "../tests/support/large_scenario.rs"]
mod large_scenario;

/// `System`, counting the bytes currently allocated and the most ever allocated at once.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let seconds: u64 = std::env::args().nth(1).map_or(3_600, |a| a.parse().expect("SECONDS is a whole number"));
    let tuned = match std::env::args().nth(2).as_deref() {
        None => false,
        Some("tuned") => true,
        Some(other) => panic!("unknown variant {other:?}: the only one is `tuned` (producers at linger.ms 100)"),
    };
    let report_every: u64 = if seconds >= 600 { 60 } else { 10.min(seconds).max(1) };
    let build = Instant::now();
    let scenario =
        if tuned { large_scenario::large_valid_scenario_tuned() } else { large_scenario::large_valid_scenario() };
    let mut engine = Engine::new(&scenario);
    println!(
        "built the large scenario{} in {:.2} s, heap {:.1} MiB",
        if tuned { " (tuned: linger.ms 100)" } else { "" },
        build.elapsed().as_secs_f64(),
        mib(LIVE.load(Relaxed))
    );
    println!(
        "{:>8} {:>10} {:>10} {:>12} {:>14} {:>12}",
        "sim s", "heap MiB", "peak MiB", "queue", "events/sim s", "wall ms/sim s"
    );
    let started = Instant::now();
    let mut window = Instant::now();
    let mut events_before = engine.events_processed();
    for second in 1..=seconds {
        engine.advance_to(second * 1_000);
        if second % report_every == 0 || second == seconds {
            let events = engine.events_processed() - events_before;
            events_before = engine.events_processed();
            let wall_ms = window.elapsed().as_secs_f64() * 1_000.0;
            window = Instant::now();
            println!(
                "{:>8} {:>10.1} {:>10.1} {:>12} {:>14} {:>12.1}",
                second,
                mib(LIVE.load(Relaxed)),
                mib(PEAK.load(Relaxed)),
                engine.pending_events(),
                events / report_every.min(second),
                wall_ms / report_every as f64
            );
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let snapshot = engine.snapshot();
    let sent: u64 = snapshot.producers.iter().map(|p| p.stats.sent).sum();
    let acked: u64 = snapshot.producers.iter().map(|p| p.stats.acknowledged).sum();
    let failed: u64 = snapshot.producers.iter().map(|p| p.stats.failed_total()).sum();
    println!(
        "simulated {seconds} s in {wall:.1} s wall ({:.1} ms wall per simulated second)",
        wall * 1_000.0 / seconds as f64
    );
    println!(
        "events: {} ({:.0} per simulated second)",
        engine.events_processed(),
        engine.events_processed() as f64 / seconds as f64
    );
    println!("events by kind, per simulated second:");
    for (kind, count) in engine.events_by_kind() {
        println!("  {kind:<24} {:>12.0}", count as f64 / seconds as f64);
    }
    println!("records: sent {sent}, acknowledged {acked}, failed {failed}");
    println!("queue length at the end: {}", engine.pending_events());
    println!("produce requests open at the brokers at the end: {}", engine.open_produce_requests());
    println!(
        "heap: peak {} bytes ({:.1} MiB), final {} bytes ({:.1} MiB)",
        PEAK.load(Relaxed),
        mib(PEAK.load(Relaxed)),
        LIVE.load(Relaxed),
        mib(LIVE.load(Relaxed))
    );
}
