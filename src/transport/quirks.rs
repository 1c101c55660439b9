//! Peers with known bugs, recognised by the software version in their
//! identification line (0.4.10's `BUGGY_IMPLS` and `remoteBugs`). This is
//! the one table: the transport reads it for group exchange, the
//! connection for exit-signal, and lib/constants.js builds 0.4.10's
//! `BUGGY_IMPLS` export from it.

/// 0.4.10's `constants.BUGS` flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bugs(pub u32);

impl Bugs {
    /// Group exchange fails with it: not offered.
    pub const BAD_DHGEX: Bugs = Bugs(1);
    /// Old SSH.com servers: exit-signal carries a signal number, not a name.
    pub const OLD_EXIT: Bugs = Bugs(2);
    /// OpenSSH 5.x: a remote forward on port 0 reports the wrong port
    /// (the app reads the flag; nothing here changes for it).
    pub const DYN_RPORT_BUG: Bugs = Bugs(4);

    pub fn contains(self, other: Bugs) -> bool {
        self.0 & other.0 == other.0
    }
}

/// How a rule matches the peer's software version.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// The whole version, exactly.
    Exact(&'static str),
    /// Digits and dots only, at least one (`/^[0-9.]+$/`).
    DigitsAndDots,
    /// `prefix` then a digit (`/^OpenSSH_5\.\d+/`).
    PrefixThenDigit(&'static str),
}

/// One rule: how it matches, its JavaScript spelling in 0.4.10's export
/// (a string for an exact match, else a RegExp source), its flag and the
/// flag's name in `constants.BUGS`.
pub struct BuggyImpl {
    pub rule: Rule,
    pub js: &'static str,
    pub bug: Bugs,
    pub name: &'static str,
}

pub const BUGGY_IMPLS: [BuggyImpl; 3] = [
    BuggyImpl {
        rule: Rule::Exact("Cisco-1.25"),
        js: "Cisco-1.25",
        bug: Bugs::BAD_DHGEX,
        name: "BAD_DHGEX",
    },
    // Old SSH.com versions.
    BuggyImpl {
        rule: Rule::DigitsAndDots,
        js: "^[0-9.]+$",
        bug: Bugs::OLD_EXIT,
        name: "OLD_EXIT",
    },
    BuggyImpl {
        rule: Rule::PrefixThenDigit("OpenSSH_5."),
        js: "^OpenSSH_5\\.\\d+",
        bug: Bugs::DYN_RPORT_BUG,
        name: "DYN_RPORT_BUG",
    },
];

impl Rule {
    fn matches(self, software: &str) -> bool {
        match self {
            Rule::Exact(s) => software == s,
            Rule::DigitsAndDots => {
                !software.is_empty() && software.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            }
            Rule::PrefixThenDigit(p) => software
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit())),
        }
    }
}

/// The flags for a peer whose software version is `software`.
pub fn bugs_of(software: &str) -> Bugs {
    Bugs(
        BUGGY_IMPLS
            .iter()
            .filter(|b| b.rule.matches(software))
            .fold(0, |acc, b| acc | b.bug.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_map_to_0_4_10_s_flags() {
        assert_eq!(bugs_of("Cisco-1.25"), Bugs::BAD_DHGEX);
        assert_eq!(bugs_of("Cisco-1.25x"), Bugs::default());
        assert_eq!(bugs_of("3.2.9"), Bugs::OLD_EXIT);
        assert_eq!(bugs_of(""), Bugs::default());
        assert_eq!(bugs_of("3.2a"), Bugs::default());
        assert_eq!(bugs_of("OpenSSH_5.3p1"), Bugs::DYN_RPORT_BUG);
        assert_eq!(bugs_of("OpenSSH_5.x"), Bugs::default());
        assert_eq!(bugs_of("OpenSSH_9.2p1"), Bugs::default());
    }
}
