//! Messages out. Each send seals the message into the output (taken with
//! `poll_transmit`) or queues it behind a key exchange in progress; the
//! session state notes what it grants or asks (windows, auth requests).

use super::Connection;
use crate::ssh::auth::{AuthMethod, UserauthRequest};
use crate::ssh::global_request::{GlobalRequest, GlobalRequestKind};
use crate::ssh::{msg, AuthStateError, Message, ToSign};

/// What became of a message sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Sealed into the output.
    Sealed,
    /// Waiting for the key exchange in progress to end (sealed then, in
    /// order). The send may have started that exchange (a rekey limit):
    /// its KEXINIT is in the output.
    Queued,
    /// The connection has ended: nothing more goes out.
    Dropped,
}

/// How much output a caller that gathers bulk channel data takes at once
/// (lib/ssh.js pushes when this much waits): the output buffer grows to it
/// (and one more packet) in one step rather than by doubling.
pub const FLUSH_AT: usize = 256 * 1024;
const DATA_BATCH: usize = FLUSH_AT + 36 * 1024;
/// Data messages smaller than this (keystrokes) reserve no batch.
const BATCH_FROM: usize = 8 * 1024;

impl Connection {
    fn sent(&self, sealed: bool) -> Sent {
        match (sealed, self.transport.is_dead()) {
            (_, true) => Sent::Dropped,
            (true, false) => Sent::Sealed,
            (false, false) => Sent::Queued,
        }
    }

    /// Sends a message of the session layer.
    pub fn send(&mut self, m: &Message<'_>) -> Sent {
        self.session.sent(m);
        let sealed = match m.data_parts() {
            // Channel data is sealed from where it lies, header apart.
            Some((head, data)) => {
                let batch = if data.len() >= BATCH_FROM {
                    DATA_BATCH
                } else {
                    0
                };
                self.transport.send_parts(head.as_bytes(), data, batch)
            }
            None => self.transport.send(&m.to_payload()),
        };
        self.sent(sealed)
    }

    /// Sends a payload as it is; with `bypass`, even during a key exchange
    /// (0.4.10's `_send(..., bypass)`, which tests use to inject packets).
    pub fn send_raw(&mut self, payload: &[u8], bypass: bool) -> Sent {
        let sealed = self.transport.send_raw(payload, bypass);
        self.sent(sealed)
    }

    /// Sends DISCONNECT with `code` and ends the connection.
    pub fn disconnect(&mut self, code: u32) {
        self.transport.disconnect(code);
    }

    /// A keepalive: a global request the peer must answer (OpenSSH's own).
    pub fn ping(&mut self) -> Sent {
        self.send(&Message::GlobalRequest(GlobalRequest {
            want_reply: true,
            kind: GlobalRequestKind::Other {
                name: "keepalive@openssh.com".into(),
                data: &[],
            },
        }))
    }

    /// Client: the signature algorithm for a key of `key_type`, from the
    /// server's server-sig-algs (rsa-sha2-* for RSA keys when listed).
    pub fn signature_algorithm(&self, key_type: &str) -> String {
        self.session.signature_algorithm(key_type)
    }

    /// Client: a user-auth request for the connection service.
    pub fn send_auth(&mut self, username: &str, method: AuthMethod<'_>) -> Sent {
        let req = auth_request(username, method);
        let p = self.session.client_auth_request(&req);
        let sealed = self.transport.send(&p);
        self.sent(sealed)
    }

    /// Client: what to sign for a publickey or hostbased request with
    /// `method` (its signature still empty), and under which algorithm.
    pub fn data_to_sign(&self, username: &str, method: AuthMethod<'_>) -> ToSign {
        self.session.data_to_sign(&auth_request(username, method))
    }

    /// Server: answers the oldest auth request with FAILURE.
    pub fn auth_failure(
        &mut self,
        methods: &[&str],
        partial: bool,
    ) -> Result<Sent, AuthStateError> {
        self.session.server_answer()?;
        Ok(self.send(&Message::UserauthFailure {
            methods: methods.to_vec(),
            partial_success: partial,
        }))
    }

    /// Server: answers the oldest auth request with SUCCESS (which starts
    /// delayed compression); later requests are ignored.
    pub fn auth_success(&mut self) -> Result<Sent, AuthStateError> {
        self.session.server_success()?;
        let sealed = self.transport.send(&[msg::USERAUTH_SUCCESS]);
        Ok(self.sent(sealed))
    }

    /// Server: answers a publickey query with PK_OK, echoing the algorithm
    /// the client asked with (see `SessionState::server_pk_ok`).
    pub fn auth_pk_ok(&mut self, key_algo: &str, key: &[u8]) -> Result<Sent, AuthStateError> {
        let algorithm = self.session.server_pk_ok(key_algo)?;
        Ok(self.send(&Message::UserauthPkOk {
            algorithm: algorithm.into(),
            key,
        }))
    }
}

fn auth_request<'a>(username: &'a str, method: AuthMethod<'a>) -> UserauthRequest<'a> {
    UserauthRequest {
        username: username.into(),
        service: "ssh-connection".into(),
        method,
        signed_len: 0,
    }
}
