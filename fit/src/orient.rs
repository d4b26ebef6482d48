//! EXIF orientation: read from the TIFF structure of an EXIF segment, and applied to pixels.

use crate::Pixels;

/// The orientation (1–8) of EXIF data that starts at its TIFF header; 1 when absent or
/// unreadable.
pub(crate) fn from_exif(tiff: &[u8]) -> u8 {
    read_orientation(tiff)
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

fn read_orientation(t: &[u8]) -> Option<u8> {
    let little = match t.get(0..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |i: usize| -> Option<u16> {
        let b: [u8; 2] = t.get(i..i.checked_add(2)?)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let b: [u8; 4] = t.get(i..i.checked_add(4)?)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    for n in 0..count {
        let e = ifd.checked_add(n.checked_mul(12)?.checked_add(2)?)?;
        if u16_at(e)? == 0x0112 {
            // SHORT (3), one value, held in the entry.
            return match u16_at(e.checked_add(2)?)? {
                3 => u8::try_from(u16_at(e.checked_add(8)?)?).ok(),
                _ => None,
            };
        }
    }
    None
}

/// The displayed width and height of a stored `w`×`h` image with orientation `o`.
pub(crate) fn displayed(w: u32, h: u32, o: u8) -> (u32, u32) {
    if (5..=8).contains(&o) { (h, w) } else { (w, h) }
}

/// The stored width and height of an image displayed as `w`×`h` with orientation `o`.
pub(crate) fn stored(w: u32, h: u32, o: u8) -> (u32, u32) {
    displayed(w, h, o)
}

/// The pixels as displayed: stored pixels turned and flipped by orientation `o` (none for 1:
/// they are displayed as stored).
pub(crate) fn apply(p: &Pixels, o: u8) -> Option<Pixels> {
    if !(2..=8).contains(&o) {
        return None;
    }
    let (w, h) = (p.width as usize, p.height as usize);
    let c = p.channels as usize;
    let (dw, dh) = displayed(p.width, p.height, o);
    let (dw, dh) = (dw as usize, dh as usize);
    let mut out = vec![0u8; p.data.len()];
    for dy in 0..dh {
        for dx in 0..dw {
            // The stored pixel shown at (dx, dy).
            let (sx, sy) = match o {
                2 => (w - 1 - dx, dy),
                3 => (w - 1 - dx, h - 1 - dy),
                4 => (dx, h - 1 - dy),
                5 => (dy, dx),
                6 => (dy, h - 1 - dx),
                7 => (w - 1 - dy, h - 1 - dx),
                _ => (w - 1 - dy, dx),
            };
            let s = (sy * w + sx) * c;
            let d = (dy * dw + dx) * c;
            if let (Some(src), Some(dst)) = (p.data.get(s..s + c), out.get_mut(d..d + c)) {
                dst.copy_from_slice(src);
            }
        }
    }
    Some(Pixels {
        data: out,
        width: dw as u32,
        height: dh as u32,
        channels: p.channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Writers = (fn(u16) -> [u8; 2], fn(u32) -> [u8; 4]);

    fn tiff(little: bool, orientation: u16) -> Vec<u8> {
        let mut t = Vec::new();
        let (u16b, u32b): Writers = if little {
            (u16::to_le_bytes, u32::to_le_bytes)
        } else {
            (u16::to_be_bytes, u32::to_be_bytes)
        };
        t.extend_from_slice(if little { b"II*\0" } else { b"MM\0*" });
        t.extend_from_slice(&u32b(8));
        t.extend_from_slice(&u16b(2));
        // An unrelated entry first (ImageWidth), then Orientation.
        t.extend_from_slice(&u16b(0x0100));
        t.extend_from_slice(&u16b(3));
        t.extend_from_slice(&u32b(1));
        t.extend_from_slice(&u16b(640));
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&u16b(0x0112));
        t.extend_from_slice(&u16b(3));
        t.extend_from_slice(&u32b(1));
        t.extend_from_slice(&u16b(orientation));
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&u32b(0));
        t
    }

    #[test]
    fn reads_both_byte_orders_and_ignores_nonsense() {
        for o in 1..=8 {
            assert_eq!(from_exif(&tiff(true, o)), o as u8);
            assert_eq!(from_exif(&tiff(false, o)), o as u8);
        }
        assert_eq!(from_exif(&tiff(true, 9)), 1);
        assert_eq!(from_exif(b"II*\0\xff\xff\xff\xff"), 1);
        assert_eq!(from_exif(&tiff(true, 6)[..20]), 1);
        assert_eq!(from_exif(b""), 1);
    }
}
