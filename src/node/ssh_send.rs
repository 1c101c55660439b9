//! The SshSession methods that send: JS arguments to the messages of
//! `crate::ssh`. Each returns what `SshSession::pending` says: the output
//! stays in the connection until lib/ssh.js takes it.

use super::ssh::{js_err, SshSession};
use crate::ssh::auth::{signature_blob, AuthMethod, InfoRequest, Prompt};
use crate::ssh::channel::{
    ChannelOpen, ChannelOpenConfirmation, ChannelOpenData, ChannelOpenFailure,
};
use crate::ssh::channel_request::{ChannelRequest, ChannelRequestKind, ExitSignalName};
use crate::ssh::global_request::{GlobalRequest, GlobalRequestKind};
use crate::ssh::{AuthStateError, Message};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::borrow::Cow;

#[napi(object)]
pub struct ToSignJs {
    pub algo: String,
    pub data: Buffer,
}

#[napi(object)]
pub struct PromptJs {
    pub prompt: String,
    pub echo: bool,
}

fn state_err(e: AuthStateError) -> Error {
    js_err(e.to_string())
}

fn pk_method<'a>(algorithm: &'a str, key: &'a [u8], signature: Option<&'a [u8]>) -> AuthMethod<'a> {
    AuthMethod::PublicKey {
        algorithm: algorithm.into(),
        key,
        signature,
    }
}

impl SshSession {
    fn send_msg(&mut self, m: &Message<'_>) -> i64 {
        let sent = self.conn.send(m);
        self.pending(sent)
    }

    fn channel_request(
        &mut self,
        recipient: u32,
        want_reply: bool,
        kind: ChannelRequestKind<'_>,
    ) -> i64 {
        self.send_msg(&Message::ChannelRequest(ChannelRequest {
            recipient,
            want_reply,
            kind,
        }))
    }

    fn open(
        &mut self,
        channel_type: &str,
        sender: u32,
        window: u32,
        max_packet: u32,
        data: ChannelOpenData<'_>,
    ) -> i64 {
        self.send_msg(&Message::ChannelOpen(ChannelOpen {
            channel_type: channel_type.into(),
            sender,
            window,
            max_packet,
            data,
        }))
    }

    fn client_auth(&mut self, username: &str, method: AuthMethod<'_>) -> i64 {
        let sent = self.conn.send_auth(username, method);
        self.pending(sent)
    }
}

#[napi]
impl SshSession {
    #[napi(catch_unwind)]
    pub fn ping(&mut self) -> i64 {
        let sent = self.conn.ping();
        self.pending(sent)
    }

    #[napi(catch_unwind)]
    pub fn request_success(&mut self, data: Option<&[u8]>) -> i64 {
        self.send_msg(&Message::RequestSuccess(data.unwrap_or_default()))
    }

    #[napi(catch_unwind)]
    pub fn request_failure(&mut self) -> i64 {
        self.send_msg(&Message::RequestFailure)
    }

    #[napi(catch_unwind)]
    pub fn channel_success(&mut self, chan: u32) -> i64 {
        self.send_msg(&Message::ChannelSuccess(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_failure(&mut self, chan: u32) -> i64 {
        self.send_msg(&Message::ChannelFailure(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_eof(&mut self, chan: u32) -> i64 {
        self.send_msg(&Message::ChannelEof(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_close(&mut self, chan: u32) -> i64 {
        self.send_msg(&Message::ChannelClose(chan))
    }

    #[napi(catch_unwind)]
    pub fn channel_window_adjust(&mut self, chan: u32, bytes: u32) -> i64 {
        self.send_msg(&Message::ChannelWindowAdjust {
            recipient: chan,
            bytes,
        })
    }

    /// Channel data: lib/ssh.js takes it on the next tick (or once enough
    /// has gathered), so a burst of writes crosses the stream pipeline as
    /// one chunk.
    #[napi(catch_unwind)]
    pub fn channel_data(&mut self, chan: u32, data: &[u8]) -> i64 {
        let sent = self.conn.send(&Message::ChannelData {
            recipient: chan,
            data,
        });
        self.pending(sent)
    }

    #[napi(catch_unwind)]
    pub fn channel_ext_data(&mut self, chan: u32, data: &[u8], data_type: u32) -> i64 {
        let sent = self.conn.send(&Message::ChannelExtendedData {
            recipient: chan,
            data_type,
            data,
        });
        self.pending(sent)
    }

    #[napi(catch_unwind)]
    pub fn channel_open_confirm(
        &mut self,
        remote: u32,
        local: u32,
        window: u32,
        max_packet: u32,
    ) -> i64 {
        self.send_msg(&Message::ChannelOpenConfirmation(ChannelOpenConfirmation {
            recipient: remote,
            sender: local,
            window,
            max_packet,
            extra: &[],
        }))
    }

    #[napi(catch_unwind)]
    pub fn channel_open_fail(
        &mut self,
        remote: u32,
        reason: u32,
        description: String,
        lang: String,
    ) -> i64 {
        self.send_msg(&Message::ChannelOpenFailure(ChannelOpenFailure {
            recipient: remote,
            reason,
            description: description.into(),
            lang: lang.into(),
        }))
    }

    #[napi(catch_unwind)]
    pub fn service_request(&mut self, name: String) -> i64 {
        self.send_msg(&Message::ServiceRequest(name.into()))
    }

    #[napi(catch_unwind)]
    pub fn service_accept(&mut self, name: String) -> i64 {
        self.send_msg(&Message::ServiceAccept(name.into()))
    }

    #[napi(catch_unwind)]
    pub fn userauth_banner(&mut self, message: String) -> i64 {
        self.send_msg(&Message::UserauthBanner {
            message: message.into(),
            lang: "".into(),
        })
    }

    #[napi(catch_unwind)]
    pub fn tcpip_forward(
        &mut self,
        addr: String,
        port: u32,
        want_reply: bool,
        cancel: bool,
    ) -> i64 {
        self.send_msg(&Message::GlobalRequest(GlobalRequest {
            want_reply,
            kind: GlobalRequestKind::TcpipForward {
                cancel,
                bind_addr: addr.into(),
                bind_port: port,
            },
        }))
    }

    #[napi(catch_unwind)]
    pub fn stream_local_forward(&mut self, path: String, want_reply: bool, cancel: bool) -> i64 {
        self.send_msg(&Message::GlobalRequest(GlobalRequest {
            want_reply,
            kind: GlobalRequestKind::StreamLocalForward {
                cancel,
                socket_path: path.into(),
            },
        }))
    }

    #[napi(catch_unwind)]
    pub fn no_more_sessions(&mut self, want_reply: bool) -> i64 {
        self.send_msg(&Message::GlobalRequest(GlobalRequest {
            want_reply,
            kind: GlobalRequestKind::NoMoreSessions,
        }))
    }

    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn open_tcpip(
        &mut self,
        channel_type: String,
        chan: u32,
        window: u32,
        max_packet: u32,
        dest_addr: String,
        dest_port: u32,
        orig_addr: String,
        orig_port: u32,
    ) -> i64 {
        self.open(
            &channel_type,
            chan,
            window,
            max_packet,
            ChannelOpenData::Tcpip {
                dest_addr: dest_addr.into(),
                dest_port,
                orig_addr: orig_addr.into(),
                orig_port,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn open_stream_local(
        &mut self,
        channel_type: String,
        chan: u32,
        window: u32,
        max_packet: u32,
        path: String,
    ) -> i64 {
        self.open(
            &channel_type,
            chan,
            window,
            max_packet,
            ChannelOpenData::StreamLocal {
                socket_path: path.into(),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn open_simple(
        &mut self,
        channel_type: String,
        chan: u32,
        window: u32,
        max_packet: u32,
    ) -> i64 {
        self.open(
            &channel_type,
            chan,
            window,
            max_packet,
            ChannelOpenData::None,
        )
    }

    #[napi(catch_unwind)]
    pub fn open_x11(
        &mut self,
        chan: u32,
        window: u32,
        max_packet: u32,
        addr: String,
        port: u32,
    ) -> i64 {
        self.open(
            "x11",
            chan,
            window,
            max_packet,
            ChannelOpenData::X11 {
                orig_addr: addr.into(),
                orig_port: port,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_window_change(
        &mut self,
        chan: u32,
        cols: u32,
        rows: u32,
        width: u32,
        height: u32,
    ) -> i64 {
        self.channel_request(
            chan,
            false,
            ChannelRequestKind::WindowChange {
                cols,
                rows,
                width,
                height,
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn req_pty(
        &mut self,
        chan: u32,
        term: String,
        cols: u32,
        rows: u32,
        width: u32,
        height: u32,
        modes: &[u8],
        want_reply: bool,
    ) -> i64 {
        self.channel_request(
            chan,
            want_reply,
            ChannelRequestKind::Pty {
                term: term.into(),
                cols,
                rows,
                width,
                height,
                modes,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_simple(&mut self, chan: u32, name: String, want_reply: bool) -> i64 {
        let kind = match name.as_str() {
            "shell" => ChannelRequestKind::Shell,
            "auth-agent-req@openssh.com" => ChannelRequestKind::AuthAgent,
            _ => ChannelRequestKind::Other {
                name: Cow::Owned(name.clone()),
                data: &[],
            },
        };
        self.channel_request(chan, want_reply, kind)
    }

    /// exec, subsystem, signal: a request with one string.
    #[napi(catch_unwind)]
    pub fn req_string(
        &mut self,
        chan: u32,
        name: String,
        value: &[u8],
        want_reply: bool,
    ) -> Result<i64> {
        let text = String::from_utf8_lossy(value);
        let kind = match name.as_str() {
            "exec" => ChannelRequestKind::Exec { command: text },
            "subsystem" => ChannelRequestKind::Subsystem { name: text },
            "signal" => ChannelRequestKind::Signal { name: text },
            other => return Err(js_err(format!("unknown request {other}"))),
        };
        Ok(self.channel_request(chan, want_reply, kind))
    }

    #[napi(catch_unwind)]
    pub fn req_env(&mut self, chan: u32, key: String, value: &[u8], want_reply: bool) -> i64 {
        self.channel_request(
            chan,
            want_reply,
            ChannelRequestKind::Env {
                name: key.into(),
                value: String::from_utf8_lossy(value),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_x11(
        &mut self,
        chan: u32,
        single: bool,
        protocol: &[u8],
        cookie: &[u8],
        screen: u32,
        want_reply: bool,
    ) -> i64 {
        self.channel_request(
            chan,
            want_reply,
            ChannelRequestKind::X11 {
                single,
                protocol: String::from_utf8_lossy(protocol),
                cookie,
                screen,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn req_exit_status(&mut self, chan: u32, code: u32) -> i64 {
        self.channel_request(chan, false, ChannelRequestKind::ExitStatus { code })
    }

    #[napi(catch_unwind)]
    pub fn req_exit_signal(
        &mut self,
        chan: u32,
        name: String,
        core_dumped: bool,
        message: String,
    ) -> i64 {
        self.channel_request(
            chan,
            false,
            ChannelRequestKind::ExitSignal {
                signal: ExitSignalName::Name(name.into()),
                core_dumped,
                message: message.into(),
                lang: "".into(),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_none(&mut self, username: String) -> i64 {
        self.client_auth(&username, AuthMethod::None)
    }

    #[napi(catch_unwind)]
    pub fn auth_password(
        &mut self,
        username: String,
        password: String,
        new_password: Option<String>,
    ) -> i64 {
        self.client_auth(
            &username,
            AuthMethod::Password {
                password: password.into(),
                new_password: new_password.map(Cow::Owned),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_keyboard(&mut self, username: String) -> i64 {
        self.client_auth(
            &username,
            AuthMethod::KeyboardInteractive {
                lang: "".into(),
                submethods: "".into(),
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_pk_query(&mut self, username: String, key_type: String, blob: &[u8]) -> i64 {
        let algo = self.conn.signature_algorithm(&key_type);
        self.client_auth(&username, pk_method(&algo, blob, None))
    }

    /// Client: what to sign for publickey auth, and under which algorithm.
    #[napi(catch_unwind)]
    pub fn auth_pk_sign_data(&self, username: String, key_type: String, blob: &[u8]) -> ToSignJs {
        let algo = self.conn.signature_algorithm(&key_type);
        let t = self
            .conn
            .data_to_sign(&username, pk_method(&algo, blob, None));
        ToSignJs {
            algo: t.algorithm,
            data: t.data.into(),
        }
    }

    #[napi(catch_unwind)]
    pub fn auth_pk_signed(
        &mut self,
        username: String,
        algo: String,
        blob: &[u8],
        signature: &[u8],
    ) -> i64 {
        let sig = signature_blob(&algo, signature);
        self.client_auth(&username, pk_method(&algo, blob, Some(&sig)))
    }

    #[napi(catch_unwind)]
    pub fn auth_hostbased_sign_data(
        &self,
        username: String,
        key_type: String,
        blob: &[u8],
        hostname: String,
        local_user: String,
    ) -> ToSignJs {
        let algo = self.conn.signature_algorithm(&key_type);
        let t = self.conn.data_to_sign(
            &username,
            AuthMethod::Hostbased {
                algorithm: algo.as_str().into(),
                key: blob,
                hostname: hostname.into(),
                local_username: local_user.into(),
                signature: &[],
            },
        );
        ToSignJs {
            algo: t.algorithm,
            data: t.data.into(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn auth_hostbased_signed(
        &mut self,
        username: String,
        algo: String,
        blob: &[u8],
        hostname: String,
        local_user: String,
        signature: &[u8],
    ) -> i64 {
        let sig = signature_blob(&algo, signature);
        self.client_auth(
            &username,
            AuthMethod::Hostbased {
                algorithm: algo.as_str().into(),
                key: blob,
                hostname: hostname.into(),
                local_username: local_user.into(),
                signature: &sig,
            },
        )
    }

    #[napi(catch_unwind)]
    pub fn auth_info_res(&mut self, responses: Vec<String>) -> i64 {
        self.send_msg(&Message::UserauthInfoResponse(
            responses.into_iter().map(Cow::Owned).collect(),
        ))
    }

    #[napi(catch_unwind)]
    pub fn auth_failure(&mut self, methods: Vec<String>, partial: bool) -> Result<i64> {
        let list: Vec<&str> = methods.iter().map(String::as_str).collect();
        let sent = self.conn.auth_failure(&list, partial).map_err(state_err)?;
        Ok(self.pending(sent))
    }

    #[napi(catch_unwind)]
    pub fn auth_success(&mut self) -> Result<i64> {
        let sent = self.conn.auth_success().map_err(state_err)?;
        Ok(self.pending(sent))
    }

    #[napi(catch_unwind)]
    pub fn auth_pk_ok(&mut self, key_algo: String, key: &[u8]) -> Result<i64> {
        let sent = self.conn.auth_pk_ok(&key_algo, key).map_err(state_err)?;
        Ok(self.pending(sent))
    }

    #[napi(catch_unwind)]
    pub fn auth_passwd_chg(&mut self, prompt: String, lang: String) -> i64 {
        self.send_msg(&Message::UserauthPasswdChangereq {
            prompt: prompt.into(),
            lang: lang.into(),
        })
    }

    #[napi(catch_unwind)]
    pub fn auth_info_req(
        &mut self,
        name: String,
        instructions: String,
        prompts: Vec<PromptJs>,
    ) -> i64 {
        self.send_msg(&Message::UserauthInfoRequest(InfoRequest {
            name: name.into(),
            instruction: instructions.into(),
            lang: "".into(),
            prompts: prompts
                .into_iter()
                .map(|p| Prompt {
                    prompt: p.prompt.into(),
                    echo: p.echo,
                })
                .collect(),
        }))
    }
}
