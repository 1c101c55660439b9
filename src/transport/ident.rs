//! The identification exchange (RFC 4253 4.2): `SSH-protoversion-
//! softwareversion SP comments CR LF`, with 0.4.10's rules: a server expects
//! "SSH-" at once; a client skips any lines the server sends first (the
//! greeting); the line, "SSH-" included, is at most 255 bytes; protocol 2.0
//! or 1.99.

/// The peer's identification, as 0.4.10's 'header' event gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The line without its line ending, trailing spaces kept.
    pub ident_raw: String,
    pub protocol: String,
    pub software: String,
    pub comments: Option<String>,
    /// Client: text the server sent before its identification line.
    pub greeting: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentError {
    BadStart,
    TooLong,
    UnsupportedVersion,
}

impl IdentError {
    pub fn message(self) -> &'static str {
        match self {
            IdentError::BadStart => "Bad identification start",
            IdentError::TooLong => "Max identification string size exceeded",
            IdentError::UnsupportedVersion => "Protocol version not supported",
        }
    }
}

const MAX_IDENT: usize = 255;
/// A greeting longer than this is not waited on any further.
const MAX_GREETING: usize = 64 * 1024;

pub struct IdentReader {
    server: bool,
    line: Vec<u8>,
    greeting: Vec<u8>,
    /// The current line began with "SSH-".
    in_ident: bool,
}

impl IdentReader {
    pub fn new(server: bool) -> Self {
        IdentReader {
            server,
            line: Vec::new(),
            greeting: Vec::new(),
            in_ident: false,
        }
    }

    /// Reads from `data`; returns how many bytes it used and, once the line
    /// is complete, the header.
    pub fn feed(&mut self, data: &[u8]) -> Result<(usize, Option<Header>), IdentError> {
        for (i, &b) in data.iter().enumerate() {
            if !self.in_ident {
                self.line.push(b);
                if b"SSH-".starts_with(&self.line) {
                    if self.line.len() == 4 {
                        self.in_ident = true;
                    }
                    continue;
                }
                if self.server {
                    return Err(IdentError::BadStart);
                }
                // A greeting line (or part of one): keep it, start over.
                self.greeting.append(&mut self.line);
                if self.greeting.len() > MAX_GREETING {
                    return Err(IdentError::TooLong);
                }
                // The byte that broke the match may begin "SSH-".
                if b == b'S' {
                    self.greeting.pop();
                    self.line.push(b);
                }
                continue;
            }
            if b == b'\n' {
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok((i + 1, Some(self.header(&line)?)));
            }
            self.line.push(b);
            if self.line.len() > MAX_IDENT {
                return Err(IdentError::TooLong);
            }
        }
        Ok((data.len(), None))
    }

    fn header(&mut self, line: &[u8]) -> Result<Header, IdentError> {
        // 0.4.10 read the line as ASCII; bytes above 0x7f keep their value.
        let text: String = line.iter().map(|&b| b as char).collect();
        let rest = &text[4..];
        let (protocol, after) = rest.split_once('-').unwrap_or((rest, ""));
        let (software, comments) = match after.split_once(' ') {
            Some((s, c)) => (s.to_owned(), Some(c.to_owned())),
            None => (after.to_owned(), None),
        };
        if protocol != "2.0" && protocol != "1.99" {
            return Err(IdentError::UnsupportedVersion);
        }
        let greeting =
            (!self.greeting.is_empty()).then(|| self.greeting.iter().map(|&b| b as char).collect());
        Ok(Header {
            ident_raw: text.clone(),
            protocol: protocol.to_owned(),
            software,
            comments,
            greeting,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(server: bool, input: &[u8]) -> Result<(usize, Option<Header>), IdentError> {
        IdentReader::new(server).feed(input)
    }

    #[test]
    fn parses_the_parts_and_keeps_trailing_space() {
        let (used, h) = read(false, b"SSH-2.0-testing  \t\r\nrest").unwrap();
        let h = h.unwrap();
        assert_eq!(used, 20);
        assert_eq!(h.ident_raw, "SSH-2.0-testing  \t");
        assert_eq!(
            (h.protocol.as_str(), h.software.as_str()),
            ("2.0", "testing")
        );
        assert_eq!(h.comments.as_deref(), Some(" \t"));
        let h = read(false, b"SSH-1.99-OpenSSH_9.2p1 Debian-2\n")
            .unwrap()
            .1
            .unwrap();
        assert_eq!(h.software, "OpenSSH_9.2p1");
        assert_eq!(h.comments.as_deref(), Some("Debian-2"));
    }

    #[test]
    fn clients_skip_a_greeting_servers_do_not() {
        let input = b"Welcome!\r\nSay SSH\r\nSSH-2.0-srv\r\n";
        let h = read(false, input).unwrap().1.unwrap();
        assert_eq!(h.greeting.as_deref(), Some("Welcome!\r\nSay SSH\r\n"));
        assert_eq!(read(true, input), Err(IdentError::BadStart));
        assert_eq!(read(true, b"LOL-2.0-asdf\r\n"), Err(IdentError::BadStart));
    }

    #[test]
    fn byte_at_a_time_gives_the_same_header() {
        let mut r = IdentReader::new(false);
        let input = b"hi\r\nSSH-2.0-x y\r\n";
        let mut got = None;
        for b in input.iter() {
            if let (_, Some(h)) = r.feed(std::slice::from_ref(b)).unwrap() {
                got = Some(h);
            }
        }
        assert_eq!(got.unwrap().ident_raw, "SSH-2.0-x y");
    }

    #[test]
    fn limits_and_versions() {
        let mut long = b"SSH-2.0-".to_vec();
        long.extend(std::iter::repeat_n(b'a', 270));
        assert_eq!(read(true, &long), Err(IdentError::TooLong));
        assert_eq!(
            read(true, b"SSH-1.0-aaa\r\n"),
            Err(IdentError::UnsupportedVersion)
        );
    }
}
