//! User authentication messages (RFC 4252, RFC 4256 keyboard-interactive).

use super::error::{Context, DecodeError};
use crate::wire::{Reader, Writer};
use std::borrow::Cow;

/// The method-specific part of SSH_MSG_USERAUTH_REQUEST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod<'a> {
    None,
    Password {
        password: Cow<'a, str>,
        /// Set when the client answers a PASSWD_CHANGEREQ.
        new_password: Option<Cow<'a, str>>,
    },
    /// `publickey`; `signature` is absent for a check-only ("query") request.
    PublicKey {
        algorithm: Cow<'a, str>,
        key: &'a [u8],
        signature: Option<&'a [u8]>,
    },
    Hostbased {
        algorithm: Cow<'a, str>,
        key: &'a [u8],
        hostname: Cow<'a, str>,
        local_username: Cow<'a, str>,
        signature: &'a [u8],
    },
    KeyboardInteractive {
        /// Deprecated language tag; read and ignored.
        lang: Cow<'a, str>,
        submethods: Cow<'a, str>,
    },
    /// A method we do not decode; its fields are handed on raw.
    Other {
        name: Cow<'a, str>,
        data: &'a [u8],
    },
}

impl AuthMethod<'_> {
    pub fn name(&self) -> &str {
        match self {
            AuthMethod::None => "none",
            AuthMethod::Password { .. } => "password",
            AuthMethod::PublicKey { .. } => "publickey",
            AuthMethod::Hostbased { .. } => "hostbased",
            AuthMethod::KeyboardInteractive { .. } => "keyboard-interactive",
            AuthMethod::Other { name, .. } => name,
        }
    }
}

/// SSH_MSG_USERAUTH_REQUEST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserauthRequest<'a> {
    pub username: Cow<'a, str>,
    pub service: Cow<'a, str>,
    pub method: AuthMethod<'a>,
    /// How many payload bytes precede the signature: a signed request's
    /// signature covers `string session_id || payload[..signed_len]`.
    pub signed_len: usize,
}

/// What a server checks of a signed publickey or hostbased request: the
/// signature itself (out of its `string algorithm || string signature`
/// wrapper) and the bytes it must cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest<'a> {
    pub signature: &'a [u8],
    /// `string session_id || payload up to the signature` (RFC 4252 7, 9).
    pub data: Vec<u8>,
}

impl<'a> UserauthRequest<'a> {
    /// Server: the signature of a signed request and what it covers;
    /// `payload` is the one this request was decoded from. None for a
    /// request that carries no signature.
    pub fn signed(&self, payload: &[u8], session_id: &[u8]) -> Option<SignedRequest<'a>> {
        let (algorithm, signature) = match &self.method {
            AuthMethod::PublicKey {
                algorithm,
                signature: Some(sig),
                ..
            } => (algorithm, *sig),
            AuthMethod::Hostbased {
                algorithm,
                signature,
                ..
            } => (algorithm, *signature),
            _ => return None,
        };
        let covered = &payload[..self.signed_len.min(payload.len())];
        let mut w = Writer::with_capacity(4 + session_id.len() + covered.len());
        w.string(session_id).raw(covered);
        Some(SignedRequest {
            signature: unwrap_signature(signature, algorithm),
            data: w.into_vec(),
        })
    }
}

/// A certificate algorithm signs as the key it certifies:
/// `ssh-ed25519-cert-v01@openssh.com` signs as `ssh-ed25519`
/// (PROTOCOL.certkeys).
fn signs_as(algorithm: &str) -> &str {
    algorithm
        .strip_suffix(crate::keys::certified::CERT_SUFFIX)
        .unwrap_or(algorithm)
}

/// Client: `string algorithm || string signature`, the signature blob of
/// RFC 4253 6.6, for a signature made for `algorithm`.
pub fn signature_blob(algorithm: &str, signature: &[u8]) -> Vec<u8> {
    let mut w = Writer::new();
    w.string(signs_as(algorithm).as_bytes()).string(signature);
    w.into_vec()
}

/// The signature inside `string algorithm || string signature`, when the
/// blob has that form and names `algorithm`; else the blob as it is (as
/// 0.4.10 handed it to the app).
fn unwrap_signature<'a>(blob: &'a [u8], algorithm: &str) -> &'a [u8] {
    let mut r = Reader::new(blob);
    match (r.string(), r.string()) {
        (Ok(name), Ok(sig)) if name == signs_as(algorithm).as_bytes() && r.is_empty() => sig,
        _ => blob,
    }
}

const REQ: &str = "USERAUTH_REQUEST";

impl<'a> UserauthRequest<'a> {
    /// Decodes the fields after the message number; `payload` is the whole
    /// payload (message number included) so `signed_len` can be measured.
    pub fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(payload);
        r.u8().ctx(REQ)?;
        let username = r.text().ctx(REQ)?;
        let service = r.text().ctx(REQ)?;
        let name = r.text().ctx(REQ)?;
        let mut signed_len = 0;
        let method = match &*name {
            "none" => AuthMethod::None,
            "password" => {
                let change = r.bool().ctx(REQ)?;
                let password = r.text().ctx(REQ)?;
                let new_password = if change {
                    Some(r.text().ctx(REQ)?)
                } else {
                    None
                };
                AuthMethod::Password {
                    password,
                    new_password,
                }
            }
            "publickey" => {
                let signed = r.bool().ctx(REQ)?;
                let algorithm = r.text().ctx(REQ)?;
                let key = r.string().ctx(REQ)?;
                let signature = if signed {
                    signed_len = r.position();
                    Some(r.string().ctx(REQ)?)
                } else {
                    None
                };
                AuthMethod::PublicKey {
                    algorithm,
                    key,
                    signature,
                }
            }
            "hostbased" => {
                let algorithm = r.text().ctx(REQ)?;
                let key = r.string().ctx(REQ)?;
                let hostname = r.text().ctx(REQ)?;
                let local_username = r.text().ctx(REQ)?;
                signed_len = r.position();
                let signature = r.string().ctx(REQ)?;
                AuthMethod::Hostbased {
                    algorithm,
                    key,
                    hostname,
                    local_username,
                    signature,
                }
            }
            "keyboard-interactive" => AuthMethod::KeyboardInteractive {
                lang: r.text().ctx(REQ)?,
                submethods: r.text().ctx(REQ)?,
            },
            _ => AuthMethod::Other {
                name,
                data: r.take_rest(),
            },
        };
        Ok(UserauthRequest {
            username,
            service,
            method,
            signed_len,
        })
    }

    /// Encodes the whole payload. For a signed publickey or hostbased
    /// request, pass `signature: Some(..)`/the signature; the part to sign is
    /// [`UserauthRequest::encode_unsigned`].
    pub fn encode(&self, w: &mut Writer) {
        self.encode_fields(w, true);
    }

    /// The request without its trailing signature: what the client signs
    /// (after `string session_id`) for publickey and hostbased.
    pub fn encode_unsigned(&self, w: &mut Writer) {
        self.encode_fields(w, false);
    }

    fn encode_fields(&self, w: &mut Writer, with_signature: bool) {
        w.u8(super::msg::USERAUTH_REQUEST)
            .string(self.username.as_bytes())
            .string(self.service.as_bytes())
            .string(self.method.name().as_bytes());
        match &self.method {
            AuthMethod::None => {}
            AuthMethod::Password {
                password,
                new_password,
            } => {
                w.bool(new_password.is_some()).string(password.as_bytes());
                if let Some(p) = new_password {
                    w.string(p.as_bytes());
                }
            }
            AuthMethod::PublicKey {
                algorithm,
                key,
                signature,
            } => {
                // A request to be signed says TRUE even before it has its signature.
                w.bool(signature.is_some() || !with_signature)
                    .string(algorithm.as_bytes())
                    .string(key);
                if let (true, Some(sig)) = (with_signature, signature) {
                    w.string(sig);
                }
            }
            AuthMethod::Hostbased {
                algorithm,
                key,
                hostname,
                local_username,
                signature,
            } => {
                w.string(algorithm.as_bytes())
                    .string(key)
                    .string(hostname.as_bytes())
                    .string(local_username.as_bytes());
                if with_signature {
                    w.string(signature);
                }
            }
            AuthMethod::KeyboardInteractive { lang, submethods } => {
                w.string(lang.as_bytes()).string(submethods.as_bytes());
            }
            AuthMethod::Other { data, .. } => {
                w.raw(data);
            }
        }
    }
}

/// One prompt of SSH_MSG_USERAUTH_INFO_REQUEST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt<'a> {
    pub prompt: Cow<'a, str>,
    pub echo: bool,
}

/// SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoRequest<'a> {
    pub name: Cow<'a, str>,
    pub instruction: Cow<'a, str>,
    pub lang: Cow<'a, str>,
    pub prompts: Vec<Prompt<'a>>,
}

const INFO_REQ: &str = "USERAUTH_INFO_REQUEST";
const INFO_RES: &str = "USERAUTH_INFO_RESPONSE";

/// Each prompt or response takes at least this many bytes on the wire, so a
/// declared count is checked against what the payload can hold before any
/// vector is sized by it.
const MIN_PROMPT_LEN: usize = 5;
const MIN_RESPONSE_LEN: usize = 4;

impl<'a> InfoRequest<'a> {
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let name = r.text().ctx(INFO_REQ)?;
        let instruction = r.text().ctx(INFO_REQ)?;
        let lang = r.text().ctx(INFO_REQ)?;
        let count = r.u32().ctx(INFO_REQ)? as usize;
        let mut prompts = Vec::with_capacity(count.min(r.remaining() / MIN_PROMPT_LEN));
        for _ in 0..count {
            let prompt = r.text().ctx(INFO_REQ)?;
            let echo = r.bool().ctx(INFO_REQ)?;
            prompts.push(Prompt { prompt, echo });
        }
        Ok(InfoRequest {
            name,
            instruction,
            lang,
            prompts,
        })
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u8(super::msg::USERAUTH_60)
            .string(self.name.as_bytes())
            .string(self.instruction.as_bytes())
            .string(self.lang.as_bytes())
            .u32(self.prompts.len() as u32);
        for p in &self.prompts {
            w.string(p.prompt.as_bytes()).bool(p.echo);
        }
    }
}

/// SSH_MSG_USERAUTH_INFO_RESPONSE's answers (RFC 4256 3.4).
pub fn decode_info_response<'a>(r: &mut Reader<'a>) -> Result<Vec<Cow<'a, str>>, DecodeError> {
    let count = r.u32().ctx(INFO_RES)? as usize;
    let mut out = Vec::with_capacity(count.min(r.remaining() / MIN_RESPONSE_LEN));
    for _ in 0..count {
        out.push(r.text().ctx(INFO_RES)?);
    }
    Ok(out)
}

pub fn encode_info_response<S: AsRef<str>>(w: &mut Writer, responses: &[S]) {
    w.u8(super::msg::USERAUTH_INFO_RESPONSE)
        .u32(responses.len() as u32);
    for s in responses {
        w.string(s.as_ref().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(req: &UserauthRequest<'_>) -> Vec<u8> {
        let mut w = Writer::new();
        req.encode(&mut w);
        let bytes = w.into_vec();
        let back = UserauthRequest::decode(&bytes).unwrap();
        assert_eq!(back.username, req.username);
        assert_eq!(back.method, req.method);
        bytes
    }

    #[test]
    fn every_method_round_trips() {
        let key = [1u8, 2, 3];
        let sig = [9u8; 7];
        let methods = [
            AuthMethod::None,
            AuthMethod::Password {
                password: "pw".into(),
                new_password: None,
            },
            AuthMethod::Password {
                password: "old".into(),
                new_password: Some("new".into()),
            },
            AuthMethod::PublicKey {
                algorithm: "ssh-ed25519".into(),
                key: &key,
                signature: None,
            },
            AuthMethod::PublicKey {
                algorithm: "rsa-sha2-256".into(),
                key: &key,
                signature: Some(&sig),
            },
            AuthMethod::Hostbased {
                algorithm: "ssh-ed25519".into(),
                key: &key,
                hostname: "h".into(),
                local_username: "u".into(),
                signature: &sig,
            },
            AuthMethod::KeyboardInteractive {
                lang: "".into(),
                submethods: "pam".into(),
            },
        ];
        for method in methods {
            roundtrip(&UserauthRequest {
                username: "alice".into(),
                service: "ssh-connection".into(),
                method,
                signed_len: 0,
            });
        }
    }

    #[test]
    fn signed_len_marks_what_the_signature_covers() {
        let key = [1u8, 2, 3];
        let sig = [9u8; 7];
        let req = UserauthRequest {
            username: "alice".into(),
            service: "ssh-connection".into(),
            method: AuthMethod::PublicKey {
                algorithm: "ssh-ed25519".into(),
                key: &key,
                signature: Some(&sig),
            },
            signed_len: 0,
        };
        let bytes = roundtrip(&req);
        let decoded = UserauthRequest::decode(&bytes).unwrap();
        let mut unsigned = Writer::new();
        req.encode_unsigned(&mut unsigned);
        assert_eq!(&bytes[..decoded.signed_len], unsigned.as_slice());
    }

    #[test]
    fn a_huge_prompt_count_does_not_allocate_it() {
        let mut w = Writer::new();
        w.string(b"n").string(b"i").string(b"").u32(u32::MAX);
        let bytes = w.into_vec();
        let err = InfoRequest::decode(&mut Reader::new(&bytes)).unwrap_err();
        assert!(matches!(err, DecodeError::Malformed { .. }));
    }

    #[test]
    fn truncated_requests_are_errors() {
        let req = UserauthRequest {
            username: "alice".into(),
            service: "ssh-connection".into(),
            method: AuthMethod::Password {
                password: "pw".into(),
                new_password: None,
            },
            signed_len: 0,
        };
        let bytes = roundtrip(&req);
        for cut in 1..bytes.len() {
            assert!(
                UserauthRequest::decode(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }
    #[test]
    fn signatures_lose_their_wrapper_only_when_it_names_the_algorithm() {
        let blob = signature_blob("ssh-ed25519", &[7; 64]);
        assert_eq!(unwrap_signature(&blob, "ssh-ed25519"), &[7; 64]);
        assert_eq!(unwrap_signature(&blob, "ssh-rsa"), &blob[..]);
        assert_eq!(unwrap_signature(&[1, 2], "ssh-rsa"), &[1, 2]);
        let cert = "ssh-ed25519-cert-v01@openssh.com";
        assert_eq!(unwrap_signature(&blob, cert), &[7; 64]);
        assert_eq!(signature_blob(cert, &[7; 64]), blob);
        assert_eq!(
            unwrap_signature(&blob, "ssh-rsa-cert-v01@openssh.com"),
            &blob[..]
        );
    }

    #[test]
    fn a_signed_request_covers_the_session_id_and_the_payload_before_its_signature() {
        let sig = signature_blob("ssh-ed25519", &[9; 64]);
        let req = UserauthRequest {
            username: "u".into(),
            service: "ssh-connection".into(),
            method: AuthMethod::PublicKey {
                algorithm: "ssh-ed25519".into(),
                key: &[1, 2, 3],
                signature: Some(&sig),
            },
            signed_len: 0,
        };
        let mut w = Writer::new();
        req.encode(&mut w);
        let payload = w.into_vec();
        let decoded = UserauthRequest::decode(&payload).unwrap();
        let signed = decoded.signed(&payload, b"H").unwrap();
        assert_eq!(signed.signature, &[9; 64]);
        let mut expect = vec![0, 0, 0, 1, b'H'];
        expect.extend_from_slice(&payload[..payload.len() - 4 - sig.len()]);
        assert_eq!(signed.data, expect);
        let query = UserauthRequest {
            method: AuthMethod::None,
            ..decoded.clone()
        };
        assert!(query.signed(&payload, b"H").is_none());
    }
}
