//! PEM armor: `-----BEGIN <label>-----`, optional RFC 1421 headers
//! (Proc-Type, DEK-Info), base64 body, `-----END <label>-----`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub struct Pem<'a> {
    pub label: &'a str,
    /// Header lines as (name, value), e.g. ("DEK-Info", "AES-128-CBC,...").
    pub headers: Vec<(&'a str, &'a str)>,
    pub body: Vec<u8>,
}

impl Pem<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// Parses `text` (already trimmed) when it is exactly one PEM block; None
/// when it is not PEM at all, Some(Err) when the armor is there but broken.
pub fn parse(text: &str) -> Option<Result<Pem<'_>, &'static str>> {
    let rest = text.strip_prefix("-----BEGIN ")?;
    let (label, rest) = rest.split_once("-----")?;
    let end_marker = format!("-----END {label}-----");
    let Some(body_end) = rest.rfind(&end_marker) else {
        return Some(Err("missing END line"));
    };
    if !rest[body_end + end_marker.len()..].trim().is_empty() {
        return Some(Err("data after END line"));
    }
    let inner = &rest[..body_end];
    let mut headers = Vec::new();
    let mut b64 = String::with_capacity(inner.len());
    for line in inner.lines().map(str::trim).filter(|l| !l.is_empty()) {
        // Headers come before the base64 only: no line after the first
        // base64 one is searched for a colon.
        let header = match b64.is_empty() {
            true => line.split_once(':').filter(|(name, _)| !name.contains(' ')),
            false => None,
        };
        match header {
            Some((name, value)) => headers.push((name.trim(), value.trim())),
            None => b64.push_str(line),
        }
    }
    Some(match STANDARD.decode(b64.as_bytes()) {
        Ok(body) => Ok(Pem {
            label,
            headers,
            body,
        }),
        Err(_) => Err("bad base64"),
    })
}

/// PEM text the way 0.4.10 wrote it: 64-column base64, no trailing newline.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 64);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_headers_and_body() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nAAEC\nAw==\n-----END RSA PRIVATE KEY-----";
        let pem = parse(text).unwrap().unwrap();
        assert_eq!(pem.label, "RSA PRIVATE KEY");
        assert_eq!(pem.header("dek-info"), Some("AES-128-CBC,00FF"));
        assert_eq!(pem.body, vec![0, 1, 2, 3]);
    }

    #[test]
    fn encodes_at_64_columns_and_round_trips() {
        let der: Vec<u8> = (0..=255).collect();
        let text = encode("PUBLIC KEY", &der);
        assert!(text.lines().all(|l| l.len() <= 64));
        assert!(text.ends_with("-----END PUBLIC KEY-----"));
        assert_eq!(parse(&text).unwrap().unwrap().body, der);
    }

    #[test]
    fn not_pem_and_broken_pem() {
        assert!(parse("ssh-rsa AAAA").is_none());
        assert!(parse("-----BEGIN X-----\nAAAA\n").unwrap().is_err());
        assert!(parse("-----BEGIN X-----\n!!!!\n-----END X-----")
            .unwrap()
            .is_err());
    }
}
