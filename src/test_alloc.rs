//! Tests only: a global allocator that counts each thread's live heap
//! bytes, so a test can state how much memory something holds (an idle
//! connection, say) as a property. Each test runs on a thread of its own,
//! so what other tests allocate meanwhile is not counted. Left out with the
//! `alloc-count` feature, whose allocator (src/node/alloc_count.rs) takes
//! the global slot.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct PerThread;

thread_local! {
    // Const-initialized and without a destructor: usable from inside the
    // allocator, also while the thread is being torn down.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| live.set(live.get() + delta));
}

// SAFETY: every call is passed to the system allocator unchanged; only a
// byte count is kept beside it.
unsafe impl GlobalAlloc for PerThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: PerThread = PerThread;

/// Heap bytes this thread allocated and has not freed (Rust allocations
/// only: aws-lc's C code calls malloc itself).
pub fn live() -> isize {
    LIVE.with(Cell::get)
}
