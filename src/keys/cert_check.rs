//! What a server needs to decide on an OpenSSH user certificate that came
//! in a publickey request (PROTOCOL.certkeys): its fields, read by
//! `ssh-key`, and whether the CA key named inside it signed it.
//!
//! `ssh-key` checks a certificate's signature only with its own crypto
//! features (ed25519-dalek, p256, rsa); crypto here stays on aws-lc, so the
//! CA's signature is checked with our verify over the signed part of the
//! blob (everything before the signature field). Trust in the CA, the
//! validity window and the principal are the caller's checks
//! (lib/certificate.js), as `ssh-key`'s `validate_at` leaves principals and
//! critical options to its caller too.

use super::public::PublicKey;
use ssh_key::encoding::Encode;
use ssh_key::Certificate;

/// A certificate's fields, and whether its signature is the CA key's.
pub struct CertInfo {
    pub type_name: String,
    pub key_id: String,
    pub serial: u64,
    /// 1 for a user certificate, 2 for a host certificate.
    pub kind: u32,
    pub principals: Vec<String>,
    pub valid_after: u64,
    pub valid_before: u64,
    pub critical_options: Vec<(String, String)>,
    pub extensions: Vec<(String, String)>,
    /// The signing CA's public key blob.
    pub ca_blob: Vec<u8>,
    pub signature_ok: bool,
}

/// Reads a certificate blob; `None` when it is not one `ssh-key` reads.
pub fn read(blob: &[u8]) -> Option<CertInfo> {
    let cert = Certificate::from_bytes(blob).ok()?;
    let ca_blob = cert.signature_key().encode_vec().ok()?;
    let signature_ok = signed_by_ca(blob, &cert);
    let pairs = |m: &ssh_key::certificate::OptionsMap| {
        m.iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    Some(CertInfo {
        type_name: cert.algorithm().to_certificate_type().to_owned(),
        key_id: cert.key_id().to_owned(),
        serial: cert.serial(),
        kind: if cert.cert_type().is_host() { 2 } else { 1 },
        principals: cert.valid_principals().to_vec(),
        valid_after: cert.valid_after(),
        valid_before: cert.valid_before(),
        critical_options: pairs(cert.critical_options()),
        extensions: pairs(cert.extensions()),
        ca_blob,
        signature_ok,
    })
}

/// Whether the certificate's signature field is the embedded CA key's
/// signature of the bytes before it, checked with aws-lc.
fn signed_by_ca(blob: &[u8], cert: &Certificate) -> bool {
    let sig = cert.signature();
    let Ok(encoded) = sig.encode_vec() else {
        return false;
    };
    // The blob ends with string(signature): the signed part is what comes
    // before it. Checking the tail keeps us honest about that layout.
    let Some(tbs_len) = blob.len().checked_sub(4 + encoded.len()) else {
        return false;
    };
    let (tbs, tail) = blob.split_at(tbs_len);
    let Ok(len) = u32::try_from(encoded.len()) else {
        return false;
    };
    if tail[..4] != len.to_be_bytes() || tail[4..] != encoded[..] {
        return false;
    }
    // A certificate cannot be a CA key (PROTOCOL.certkeys): ssh-key reads
    // one as KeyData::Certificate, which from_key_data refuses.
    let Ok(ca) = PublicKey::from_key_data(cert.signature_key()) else {
        return false;
    };
    let algo = sig.algorithm();
    let algo = algo.as_str();
    // A non-RSA key signs only under its own name; verify_ssh picks RSA's
    // hash from the name and refuses names it does not know.
    if !matches!(ca, PublicKey::Rsa { .. }) && algo != ca.key_type() {
        return false;
    }
    ca.verify_ssh(algo, tbs, sig.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Writer;

    #[test]
    fn garbage_and_truncated_blobs_are_not_certificates() {
        assert!(read(&[]).is_none());
        assert!(read(&[0, 0, 0, 1]).is_none());
        let mut w = Writer::new();
        w.string(b"ssh-ed25519-cert-v01@openssh.com")
            .string(&[1; 32])
            .string(&[2; 32]);
        let blob = w.into_vec();
        for n in 0..=blob.len() {
            assert!(read(&blob[..n]).is_none());
        }
    }
}
