//! Tests only: a global allocator that counts each thread's live heap
//! bytes, so a test can state how much memory something holds (an idle
//! connection, say) as a property. Each test runs on a thread of its own,
//! so what other tests allocate meanwhile is not counted. Left out with the
//! `alloc-count` feature, whose allocator (src/node/alloc_count.rs) takes
//! the global slot.

use crate::counting_alloc::Counting;
use std::cell::Cell;

thread_local! {
    // Const-initialized and without a destructor: usable from inside the
    // allocator, also while the thread is being torn down.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| live.set(live.get() + delta));
}

#[global_allocator]
static GLOBAL: Counting = Counting { count };

/// Heap bytes this thread allocated and has not freed (Rust allocations
/// only: aws-lc's C code calls malloc itself).
pub fn live() -> isize {
    LIVE.with(Cell::get)
}
