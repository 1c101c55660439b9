//! A global allocator that passes every call to the system allocator and
//! reports each change in live heap bytes to `count`. Two counters use it:
//! the tests' per-thread one (test_alloc.rs) and the `alloc-count`
//! feature's process-wide one (node/alloc_count.rs).

use std::alloc::{GlobalAlloc, Layout, System};

pub struct Counting {
    /// Called with +size on each allocation, -size on each free, the
    /// difference on a realloc. It must not allocate.
    pub count: fn(isize),
}

// SAFETY: every call is passed to the system allocator unchanged; only a
// byte count is kept beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            (self.count)(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        (self.count)(-(layout.size() as isize));
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            (self.count)(layout.size() as isize);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            (self.count)(new_size as isize - layout.size() as isize);
        }
        p
    }
}
