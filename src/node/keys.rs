//! Key objects for JS: `parseKey` and the methods of 0.4.10's key objects
//! (lib/keys.js wraps them in its shape).

use crate::keys::{self, Key, Parsed};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::sync::Arc;

/// A parsed key. Shared, not copied, when the same key is a host key of
/// several sessions.
#[napi]
pub struct NativeKey {
    pub(crate) key: Arc<Key>,
}

fn js_error(e: keys::KeyError) -> Error {
    Error::new(Status::GenericFailure, e.0)
}

#[napi]
impl NativeKey {
    #[napi(getter, js_name = "type", catch_unwind)]
    pub fn key_type(&self) -> String {
        self.key.key_type.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn comment(&self) -> String {
        self.key.comment.clone()
    }

    #[napi(catch_unwind)]
    pub fn is_private(&self) -> bool {
        self.key.is_private()
    }

    #[napi(catch_unwind)]
    pub fn public_ssh(&self) -> Buffer {
        self.key.presented_blob().into()
    }

    #[napi(catch_unwind)]
    pub fn public_pem(&self) -> String {
        self.key.public_pem()
    }

    #[napi(catch_unwind)]
    pub fn private_pem(&self) -> Option<String> {
        self.key.private_pem()
    }

    /// 0.4.10's `sign(data)`; `hash` picks RSA's hash (sha1/sha256/sha512).
    #[napi(catch_unwind)]
    pub fn sign(&self, data: &[u8], hash: Option<String>) -> Result<Buffer> {
        self.key
            .sign_native(hash.as_deref(), data)
            .map(Buffer::from)
            .map_err(js_error)
    }

    /// 0.4.10's `verify(data, signature)`.
    #[napi(catch_unwind)]
    pub fn verify(&self, data: &[u8], signature: &[u8], hash: Option<String>) -> bool {
        self.key.verify_native(hash.as_deref(), data, signature)
    }

    /// Whether both are the same key pair (compared by their public halves).
    #[napi(catch_unwind)]
    pub fn equals(&self, other: &NativeKey) -> bool {
        self.key.public == other.key.public
    }

    /// A public-only copy (the seed API's genPublicKey).
    #[napi(catch_unwind)]
    pub fn to_public(&self) -> NativeKey {
        let mut public = Key::from_public(self.key.public.clone(), self.key.comment.clone());
        if self.key.key_type.ends_with(keys::CERT_SUFFIX) {
            // An attached certificate is part of the public half.
            public.key_type = self.key.key_type.clone();
            public.public_blob = self.key.public_blob.clone();
        }
        NativeKey {
            key: Arc::new(public),
        }
    }
}

/// Parses key data. Errors come back as `error` (0.4.10 returned an Error
/// object rather than throwing).
#[napi(catch_unwind)]
pub fn parse_key<'env>(
    env: &'env Env,
    data: &[u8],
    passphrase: Option<&[u8]>,
) -> Result<Object<'env>> {
    let mut out = Object::new(env)?;
    match keys::parse(data, passphrase) {
        Err(e) => {
            out.set("error", e.0)?;
        }
        Ok(parsed) => {
            let many = matches!(parsed, Parsed::Many(_));
            let list: Vec<NativeKey> = parsed
                .into_vec()
                .into_iter()
                .map(|k| NativeKey { key: Arc::new(k) })
                .collect();
            out.set("keys", list)?;
            out.set("many", many)?;
        }
    }
    Ok(out)
}

/// A fresh private key of `key_type` (ssh-ed25519, ecdsa-sha2-nistp*, ssh-rsa).
#[napi(catch_unwind)]
pub fn generate_key(key_type: String, bits: Option<u32>) -> Result<NativeKey> {
    Key::generate(&key_type, bits.unwrap_or(3072))
        .map(|k| NativeKey { key: Arc::new(k) })
        .map_err(js_error)
}

/// An OpenSSH certificate's fields for lib/certificate.js. Times and the
/// serial are decimal strings: they are u64 and "forever" is 2^64-1.
#[napi(object)]
pub struct CertificateFields {
    pub type_name: String,
    pub key_id: String,
    pub serial: String,
    pub kind: u32,
    pub principals: Vec<String>,
    pub valid_after: String,
    pub valid_before: String,
    /// Name, value, name, value, ...
    pub critical_options: Vec<String>,
    pub extensions: Vec<String>,
    pub ca_key: Buffer,
    pub signature_ok: bool,
}

/// The certificate in `blob`, or undefined when it is not one.
#[napi(catch_unwind)]
pub fn read_certificate(blob: &[u8]) -> Option<CertificateFields> {
    let info = keys::cert_check::read(blob)?;
    let flat = |pairs: Vec<(String, String)>| pairs.into_iter().flat_map(|(k, v)| [k, v]).collect();
    Some(CertificateFields {
        type_name: info.type_name,
        key_id: info.key_id,
        serial: info.serial.to_string(),
        kind: info.kind,
        principals: info.principals,
        valid_after: info.valid_after.to_string(),
        valid_before: info.valid_before.to_string(),
        critical_options: flat(info.critical_options),
        extensions: flat(info.extensions),
        ca_key: info.ca_blob.into(),
        signature_ok: info.signature_ok,
    })
}
