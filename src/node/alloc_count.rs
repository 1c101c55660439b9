//! The engine's live heap bytes, counted by a global allocator (the
//! `alloc-count` feature, for the memory breakdown in
//! scripts/bench/native-memory.js). RSS alone mixes these with V8's heap
//! and the allocator's free space.

use crate::counting_alloc::Counting;
use napi_derive::napi;
use std::sync::atomic::{AtomicIsize, Ordering};

static LIVE: AtomicIsize = AtomicIsize::new(0);

fn count(delta: isize) {
    LIVE.fetch_add(delta, Ordering::Relaxed);
}

#[global_allocator]
static GLOBAL: Counting = Counting { count };

/// Bytes the Rust engine holds on the heap now (not aws-lc's own C
/// allocations, which go to malloc directly).
#[napi(js_name = "_engineHeapBytes", catch_unwind)]
pub fn engine_heap_bytes() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64
}
