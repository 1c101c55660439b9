//! The session-layer state that decoding and building messages need: the
//! queue of unanswered authentication requests (it decides what message 60
//! means, and which requests a server may answer), the session identifier
//! that signatures cover, and the signature algorithms the server accepts.

use super::auth::{AuthMethod, UserauthRequest};
use super::message::{DecodeContext, Message};
use super::windows::ChannelWindows;
use super::DecodeError;
use crate::crypto::signature;
use crate::keys::CERT_SUFFIX;
use crate::wire::Writer;
use std::collections::VecDeque;

/// An authentication request sent (client) or received (server) and not yet
/// answered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PendingAuth {
    method: String,
    /// For publickey: the algorithm named in the request (rsa-sha2-* for RSA
    /// keys when the server accepts them), echoed by PK_OK.
    algorithm: Option<String>,
}

/// Why a server-side auth reply cannot be sent (0.4.10's messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStateError {
    NoAuthInProgress,
    PublickeyNotInProgress,
}

impl std::fmt::Display for AuthStateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AuthStateError::NoAuthInProgress => "No auth in progress",
            AuthStateError::PublickeyNotInProgress => "\"publickey\" auth not in progress",
        })
    }
}

impl std::error::Error for AuthStateError {}

/// What a client signs for publickey or hostbased auth, and under which
/// algorithm name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToSign {
    pub algorithm: String,
    /// `string session_id || USERAUTH_REQUEST without the signature`.
    pub data: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct SessionState {
    server: bool,
    pending: VecDeque<PendingAuth>,
    session_id: Option<Vec<u8>>,
    server_sig_algs: Option<Vec<String>>,
    /// Server: USERAUTH_SUCCESS has been sent.
    authenticated: bool,
    /// The flow control this side granted on its channels.
    windows: ChannelWindows,
    pub old_exit_bug: bool,
}

/// Server: the unanswered user-auth requests a client may pipeline before
/// it is disconnected. Each waits for the app's answer, so a client that
/// sends them without waiting would otherwise grow the queue without end.
/// ssh2@0.8's Server keeps 10 of its own and disconnects past them.
pub const MAX_PENDING_AUTH: usize = 32;

impl SessionState {
    pub fn new(server: bool) -> Self {
        SessionState {
            server,
            ..Default::default()
        }
    }

    /// Set once, from the first key exchange's H.
    pub fn set_session_id(&mut self, id: &[u8]) {
        if self.session_id.is_none() {
            self.session_id = Some(id.to_vec());
        }
    }

    pub fn session_id(&self) -> Option<&[u8]> {
        self.session_id.as_deref()
    }

    /// `server-sig-algs` from the server's EXT_INFO (RFC 8308).
    pub fn set_server_sig_algs(&mut self, algs: Vec<String>) {
        self.server_sig_algs = Some(algs);
    }

    /// The method of the oldest unanswered request, if any.
    pub fn pending_method(&self) -> Option<&str> {
        self.pending.front().map(|p| p.method.as_str())
    }

    /// Decodes an incoming payload and updates the queue as the message
    /// answers or adds requests.
    pub fn decode<'a>(&mut self, payload: &'a [u8]) -> Result<Message<'a>, DecodeError> {
        let ctx = DecodeContext {
            pending_auth_method: self.pending_method(),
            old_exit: self.old_exit_bug,
        };
        let msg = Message::decode(payload, ctx)?;
        self.windows.received(&msg).map_err(DecodeError::Flow)?;
        match &msg {
            Message::UserauthRequest(_)
                if self.server && self.pending.len() >= MAX_PENDING_AUTH =>
            {
                return Err(DecodeError::TooManyAuthRequests);
            }
            Message::UserauthRequest(req) if self.server => self.pending.push_back(PendingAuth {
                method: req.method.name().to_owned(),
                algorithm: match &req.method {
                    AuthMethod::PublicKey { algorithm, .. } => Some(algorithm.to_string()),
                    _ => None,
                },
            }),
            Message::UserauthSuccess
            | Message::UserauthFailure { .. }
            | Message::UserauthPkOk { .. }
                if !self.server =>
            {
                self.pending.pop_front();
                self.free_empty_queue();
            }
            _ => {}
        }
        Ok(msg)
    }

    /// Notes a message about to be sent (the windows it grants).
    pub fn sent(&mut self, msg: &Message<'_>) {
        self.windows.sent(msg);
    }

    /// Client: records a request about to be sent and returns its payload.
    pub fn client_auth_request(&mut self, req: &UserauthRequest<'_>) -> Vec<u8> {
        let algorithm = match &req.method {
            AuthMethod::PublicKey { algorithm, .. } => Some(algorithm.to_string()),
            _ => None,
        };
        self.pending.push_back(PendingAuth {
            method: req.method.name().to_owned(),
            algorithm,
        });
        let mut w = Writer::with_capacity(128);
        req.encode(&mut w);
        w.into_vec()
    }

    /// Client: the signature algorithm for a key of `key_type`: the
    /// strongest other name the key signs under that the server lists in
    /// server-sig-algs (only RSA has others: rsa-sha2-512/256), else the
    /// key type's own name (ssh-rsa for RSA, as 0.4.10 did). A certificate
    /// signs as the key it certifies, under the certificate name of that
    /// choice (`rsa-sha2-512-cert-v01@openssh.com`, PROTOCOL.certkeys).
    pub fn signature_algorithm(&self, key_type: &str) -> String {
        if let Some(base) = key_type.strip_suffix(CERT_SUFFIX) {
            let algo = self.key_signature_algorithm(base);
            return if algo == base {
                key_type.to_owned()
            } else {
                format!("{algo}{CERT_SUFFIX}")
            };
        }
        self.key_signature_algorithm(key_type)
    }

    /// [`Self::signature_algorithm`] for a plain key.
    fn key_signature_algorithm(&self, key_type: &str) -> String {
        if let Some(algs) = &self.server_sig_algs {
            let listed = signature::for_key_type(key_type)
                .find(|a| a.name != key_type && algs.iter().any(|s| s == a.name));
            if let Some(a) = listed {
                return a.name.to_owned();
            }
        }
        key_type.to_owned()
    }

    /// Client: the data to sign for `req` (a publickey or hostbased request
    /// whose signature is still empty).
    pub fn data_to_sign(&self, req: &UserauthRequest<'_>) -> ToSign {
        let mut w = Writer::with_capacity(256);
        w.string(self.session_id.as_deref().unwrap_or_default());
        req.encode_unsigned(&mut w);
        let algorithm = match &req.method {
            AuthMethod::PublicKey { algorithm, .. } | AuthMethod::Hostbased { algorithm, .. } => {
                algorithm.to_string()
            }
            _ => String::new(),
        };
        ToSign {
            algorithm,
            data: w.into_vec(),
        }
    }

    /// Whether an incoming payload is dropped unseen: a server ignores
    /// authentication requests once it has sent USERAUTH_SUCCESS (RFC 4252
    /// section 5.1), so a client cannot restart auth on a live session.
    pub fn ignores(&self, payload: &[u8]) -> bool {
        self.server && self.authenticated && payload.first() == Some(&super::msg::USERAUTH_REQUEST)
    }

    /// Server: answers the oldest request with SUCCESS; requests the client
    /// sent after it are answered by nothing.
    pub fn server_success(&mut self) -> Result<(), AuthStateError> {
        self.server_answer()?;
        self.authenticated = true;
        self.pending.clear();
        self.free_empty_queue();
        Ok(())
    }

    /// An empty auth queue gives its buffer back: after user auth a
    /// connection may stay open for days and never queue again.
    fn free_empty_queue(&mut self) {
        if self.pending.is_empty() {
            self.pending.shrink_to_fit();
        }
    }

    /// Server: answers the oldest request with SUCCESS or FAILURE.
    pub fn server_answer(&mut self) -> Result<(), AuthStateError> {
        self.pending
            .pop_front()
            .map(|_| ())
            .ok_or(AuthStateError::NoAuthInProgress)
    }

    /// Server: answers a publickey query with PK_OK. Returns the algorithm
    /// to echo: the request's own (an app that passes the key's type, as
    /// ssh2@0.8 does, still echoes rsa-sha2-* to a client that asked so).
    pub fn server_pk_ok(&mut self, app_algorithm: &str) -> Result<String, AuthStateError> {
        match self.pending.front() {
            Some(p) if p.method == "publickey" => {
                let requested = p.algorithm.clone().unwrap_or_default();
                self.pending.pop_front();
                // The app named the key type the requested name signs with.
                let key_type_alias = signature::key_type_of(&requested) == Some(app_algorithm);
                Ok(if key_type_alias || app_algorithm.is_empty() {
                    requested
                } else {
                    app_algorithm.to_owned()
                })
            }
            _ => Err(AuthStateError::PublickeyNotInProgress),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pk_query<'a>(algorithm: &'a str, key: &'a [u8]) -> UserauthRequest<'a> {
        UserauthRequest {
            username: "u".into(),
            service: "ssh-connection".into(),
            method: AuthMethod::PublicKey {
                algorithm: algorithm.into(),
                key,
                signature: None,
            },
            signed_len: 0,
        }
    }

    #[test]
    fn client_message_60_follows_the_oldest_pending_request() {
        let mut client = SessionState::new(false);
        client.client_auth_request(&pk_query("ssh-ed25519", b"k"));
        let pk_ok = Message::UserauthPkOk {
            algorithm: "ssh-ed25519".into(),
            key: b"k",
        }
        .to_payload();
        assert!(matches!(
            client.decode(&pk_ok).unwrap(),
            Message::UserauthPkOk { .. }
        ));
        assert_eq!(client.pending_method(), None);
        assert!(client.decode(&pk_ok).is_err(), "60 with nothing pending");
    }

    #[test]
    fn server_replies_need_a_pending_request() {
        let mut server = SessionState::new(true);
        assert_eq!(
            server.server_answer(),
            Err(AuthStateError::NoAuthInProgress)
        );
        let req = Message::UserauthRequest(pk_query("rsa-sha2-512", b"k")).to_payload();
        server.decode(&req).unwrap();
        assert_eq!(server.server_pk_ok("ssh-rsa").unwrap(), "rsa-sha2-512");
        assert_eq!(
            server.server_pk_ok("ssh-rsa"),
            Err(AuthStateError::PublickeyNotInProgress)
        );
        assert_eq!(
            AuthStateError::PublickeyNotInProgress.to_string(),
            "\"publickey\" auth not in progress"
        );
    }

    #[test]
    fn a_server_keeps_a_bounded_number_of_unanswered_auth_requests() {
        let mut server = SessionState::new(true);
        let req = Message::UserauthRequest(pk_query("ssh-ed25519", b"k")).to_payload();
        for _ in 0..MAX_PENDING_AUTH {
            server.decode(&req).unwrap();
        }
        assert_eq!(
            server.decode(&req).unwrap_err(),
            DecodeError::TooManyAuthRequests
        );
        // An answer makes room again.
        server.server_answer().unwrap();
        server.decode(&req).unwrap();
    }

    #[test]
    fn a_server_ignores_auth_requests_after_success() {
        let mut server = SessionState::new(true);
        let req = Message::UserauthRequest(pk_query("ssh-ed25519", b"k")).to_payload();
        assert!(!server.ignores(&req));
        server.decode(&req).unwrap();
        server.decode(&req).unwrap(); // pipelined behind the first
        server.server_success().unwrap();
        assert!(server.ignores(&req));
        assert!(!server.ignores(&[super::super::msg::CHANNEL_DATA]));
        assert_eq!(
            server.server_answer(),
            Err(AuthStateError::NoAuthInProgress)
        );
        // A client never ignores.
        assert!(!SessionState::new(false).ignores(&req));
    }

    #[test]
    fn rsa_keys_sign_with_what_the_server_accepts() {
        let mut client = SessionState::new(false);
        assert_eq!(client.signature_algorithm("ssh-rsa"), "ssh-rsa");
        client.set_server_sig_algs(vec!["ssh-ed25519".into(), "rsa-sha2-256".into()]);
        assert_eq!(client.signature_algorithm("ssh-rsa"), "rsa-sha2-256");
        client.set_server_sig_algs(vec!["rsa-sha2-256".into(), "rsa-sha2-512".into()]);
        assert_eq!(client.signature_algorithm("ssh-rsa"), "rsa-sha2-512");
        assert_eq!(client.signature_algorithm("ssh-ed25519"), "ssh-ed25519");
    }

    #[test]
    fn certificates_sign_as_their_key_under_certificate_names() {
        let mut client = SessionState::new(false);
        let rsa = "ssh-rsa-cert-v01@openssh.com";
        assert_eq!(client.signature_algorithm(rsa), rsa);
        client.set_server_sig_algs(vec!["rsa-sha2-256".into(), "rsa-sha2-512".into()]);
        assert_eq!(
            client.signature_algorithm(rsa),
            "rsa-sha2-512-cert-v01@openssh.com"
        );
        client.set_server_sig_algs(vec!["rsa-sha2-256".into()]);
        assert_eq!(
            client.signature_algorithm(rsa),
            "rsa-sha2-256-cert-v01@openssh.com"
        );
        let ed = "ssh-ed25519-cert-v01@openssh.com";
        assert_eq!(client.signature_algorithm(ed), ed);
    }

    #[test]
    fn signed_data_is_session_id_then_the_unsigned_request() {
        let mut client = SessionState::new(false);
        client.set_session_id(b"H1");
        client.set_session_id(b"H2"); // later exchanges do not change it
        let to_sign = client.data_to_sign(&pk_query("ssh-ed25519", b"k"));
        assert_eq!(&to_sign.data[..6], &[0, 0, 0, 2, b'H', b'1']);
        assert_eq!(to_sign.data[6], super::super::msg::USERAUTH_REQUEST);
        assert_eq!(to_sign.algorithm, "ssh-ed25519");
        // The server rebuilds the same bytes from the signed request.
        let signed = UserauthRequest {
            method: AuthMethod::PublicKey {
                algorithm: "ssh-ed25519".into(),
                key: b"k",
                signature: Some(b"sig"),
            },
            ..pk_query("ssh-ed25519", b"k")
        };
        let payload = Message::UserauthRequest(signed).to_payload();
        let decoded = UserauthRequest::decode(&payload).unwrap();
        assert_eq!(&to_sign.data[6..], &payload[..decoded.signed_len]);
    }
}
