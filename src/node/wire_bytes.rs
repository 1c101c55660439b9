//! Bytes a method returns to JS as a Buffer: sealed SSH packets, SFTP
//! packets, and the session's small byte values (session id, kex key);
//! and the Buffers of Node's that bulk data is written into directly.
//!
//! napi-rs hands a `Vec` over as an external Buffer: no copy, but an
//! allocation for the finalizer, a weak reference for V8 to track and a
//! finalizer run at GC. For the small messages that most calls return
//! (window adjusts, requests, a handshake's packets) a copy into a Buffer
//! of Node's costs less; batched channel data is large and is handed over.

use napi::bindgen_prelude::*;
use napi::sys;
use std::ptr;

/// Outputs up to this size are copied.
const COPY_UP_TO: usize = 64 * 1024;

pub struct WireBytes(pub Vec<u8>);

impl From<Vec<u8>> for WireBytes {
    fn from(v: Vec<u8>) -> Self {
        WireBytes(v)
    }
}

impl TypeName for WireBytes {
    fn type_name() -> &'static str {
        "Buffer"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for WireBytes {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let bytes = val.0;
        if bytes.is_empty() || bytes.len() > COPY_UP_TO {
            // SAFETY: forwarded to napi-rs's own conversion with the same env.
            return unsafe { Buffer::to_napi_value(env, Buffer::from(bytes)) };
        }
        let mut out = ptr::null_mut();
        // SAFETY: the pointer and length describe `bytes`, which Node copies
        // before the call returns.
        check_status!(
            unsafe {
                sys::napi_create_buffer_copy(
                    env,
                    bytes.len(),
                    bytes.as_ptr().cast(),
                    ptr::null_mut(),
                    &mut out,
                )
            },
            "Failed to create a Buffer for output"
        )?;
        Ok(out)
    }
}

/// A new Buffer of Node's, `len` bytes long, that the caller fills: Node
/// does not initialise it, and every byte is written before it reaches JS.
pub fn unfilled_buffer(env: &Env, len: usize) -> Result<BufferSlice<'_>> {
    let mut value = ptr::null_mut();
    let mut data = ptr::null_mut();
    // SAFETY: napi_create_buffer makes a Buffer of exactly `len` bytes; the
    // slice over it is what the callers write through.
    unsafe {
        check_status!(
            sys::napi_create_buffer(env.raw(), len, &mut data, &mut value),
            "Failed to create a Buffer"
        )?;
        BufferSlice::from_napi_value(env.raw(), value)
    }
}

/// A packet's head and its bulk data, each copied once, straight into a
/// Buffer of Node's: an SFTP DATA or WRITE packet is not first built in a
/// Vec and then copied again.
pub fn joined_buffer<'env>(env: &'env Env, head: &[u8], data: &[u8]) -> Result<BufferSlice<'env>> {
    let mut js = unfilled_buffer(env, head.len() + data.len())?;
    let buf: &mut [u8] = &mut js;
    let (h, d) = buf.split_at_mut(head.len());
    h.copy_from_slice(head);
    d.copy_from_slice(data);
    Ok(js)
}
