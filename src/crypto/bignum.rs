//! Big numbers from aws-lc's BIGNUM (aws-lc-sys): an owning guard and the
//! modular exponentiation finite-field Diffie-Hellman is made of. The key
//! code (RSA and DSA in `keys::sys`) builds its key objects from the same
//! guard, so the big-number code lives here, below both.

use aws_lc_sys as sys;
use std::ptr;

/// An owned BIGNUM.
pub(crate) struct Bn(pub(crate) *mut sys::BIGNUM);

impl Bn {
    pub(crate) fn from_bytes(b: &[u8]) -> Option<Bn> {
        // SAFETY: BN_bin2bn reads exactly b.len() bytes; a null return is handled.
        let p = unsafe { sys::BN_bin2bn(b.as_ptr(), b.len(), ptr::null_mut()) };
        (!p.is_null()).then_some(Bn(p))
    }

    pub(crate) fn new() -> Option<Bn> {
        // SAFETY: plain allocation; null checked.
        let p = unsafe { sys::BN_new() };
        (!p.is_null()).then_some(Bn(p))
    }
}

impl Drop for Bn {
    fn drop(&mut self) {
        // Cleared, not just freed: these hold private key parts, DH
        // exponents and shared secrets.
        // SAFETY: we own the pointer.
        unsafe { sys::BN_clear_free(self.0) }
    }
}

/// The big-endian magnitude of a BIGNUM we do not own.
pub(crate) fn bn_bytes(bn: *const sys::BIGNUM) -> Vec<u8> {
    if bn.is_null() {
        return Vec::new();
    }
    // SAFETY: BN_num_bytes tells how much BN_bn2bin writes.
    unsafe {
        let mut out = vec![0u8; sys::BN_num_bytes(bn) as usize];
        sys::BN_bn2bin(bn, out.as_mut_ptr());
        out
    }
}

/// base^exp mod m, in constant time in `exp` (a DH private value, or a DSA
/// private key when deriving its public value). Big-endian magnitudes;
/// `base` must be below `m` (aws-lc refuses otherwise; every caller's is).
pub fn mod_exp(base: &[u8], exp: &[u8], m: &[u8]) -> Option<Vec<u8>> {
    // SAFETY: every BIGNUM is owned by a guard; the context is freed below.
    unsafe {
        let ctx = sys::BN_CTX_new();
        if ctx.is_null() {
            return None;
        }
        let result = (|| {
            let (b, e, m) = (
                Bn::from_bytes(base)?,
                Bn::from_bytes(exp)?,
                Bn::from_bytes(m)?,
            );
            let r = Bn::new()?;
            if sys::BN_mod_exp_mont_consttime(r.0, b.0, e.0, m.0, ctx, ptr::null()) != 1 {
                return None;
            }
            Some(bn_bytes(r.0))
        })();
        sys::BN_CTX_free(ctx);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::mod_exp;

    #[test]
    fn mod_exp_small_numbers() {
        // 4^13 mod 497 = 445 (the textbook example), 0x01bd.
        assert_eq!(
            mod_exp(&[4], &[13], &[0x01, 0xf1]).unwrap(),
            vec![0x01, 0xbd]
        );
        // A zero result has no magnitude bytes.
        assert_eq!(mod_exp(&[3], &[2], &[9]).unwrap(), Vec::<u8>::new());
    }
}
