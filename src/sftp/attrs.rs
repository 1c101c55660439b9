//! File attributes (the ATTRS structure of draft-02 section 5).

use crate::wire::{Reader, WireResult, Writer};

pub const ATTR_SIZE: u32 = 0x0000_0001;
pub const ATTR_UIDGID: u32 = 0x0000_0002;
pub const ATTR_PERMISSIONS: u32 = 0x0000_0004;
pub const ATTR_ACMODTIME: u32 = 0x0000_0008;
pub const ATTR_EXTENDED: u32 = 0x8000_0000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    pub size: Option<u64>,
    pub uid_gid: Option<(u32, u32)>,
    pub permissions: Option<u32>,
    pub times: Option<(u32, u32)>,
    /// (type, data) pairs, kept as bytes.
    pub extended: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Attrs {
    pub fn decode(r: &mut Reader<'_>) -> WireResult<Attrs> {
        let flags = r.u32()?;
        let mut a = Attrs::default();
        if flags & ATTR_SIZE != 0 {
            a.size = Some(r.u64()?);
        }
        if flags & ATTR_UIDGID != 0 {
            a.uid_gid = Some((r.u32()?, r.u32()?));
        }
        if flags & ATTR_PERMISSIONS != 0 {
            a.permissions = Some(r.u32()?);
        }
        if flags & ATTR_ACMODTIME != 0 {
            a.times = Some((r.u32()?, r.u32()?));
        }
        if flags & ATTR_EXTENDED != 0 {
            let count = r.u32()?;
            for _ in 0..count {
                // Each pair takes at least 8 bytes, so a huge count fails
                // on the bytes it lacks, never on an allocation.
                let t = r.string()?.to_vec();
                let d = r.string()?.to_vec();
                a.extended.push((t, d));
            }
        }
        Ok(a)
    }

    pub fn flags(&self) -> u32 {
        let mut f = 0;
        if self.size.is_some() {
            f |= ATTR_SIZE;
        }
        if self.uid_gid.is_some() {
            f |= ATTR_UIDGID;
        }
        if self.permissions.is_some() {
            f |= ATTR_PERMISSIONS;
        }
        if self.times.is_some() {
            f |= ATTR_ACMODTIME;
        }
        if !self.extended.is_empty() {
            f |= ATTR_EXTENDED;
        }
        f
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u32(self.flags());
        if let Some(s) = self.size {
            w.u64(s);
        }
        if let Some((u, g)) = self.uid_gid {
            w.u32(u).u32(g);
        }
        if let Some(p) = self.permissions {
            w.u32(p);
        }
        if let Some((a, m)) = self.times {
            w.u32(a).u32(m);
        }
        if !self.extended.is_empty() {
            w.u32(self.extended.len() as u32);
            for (t, d) in &self.extended {
                w.string(t).string(d);
            }
        }
    }
}
