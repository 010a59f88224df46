//! Byte-level pieces of the link codec: unpadded base64url and LEB128 varints, with readers that report
//! where the data ran out instead of panicking.

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// What went wrong reading bytes, and at which byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ByteError {
    /// A character outside base64url at this (0-based) position of the encoded text.
    BadCharacter { position: usize, found: char },
    /// The encoded text has a length no base64 text can have (one character too many or too few).
    BadLength(usize),
    /// The data ended while reading `what`, at this byte offset.
    Truncated { what: &'static str, at: usize },
    /// A number that does not fit where it goes.
    Overflow { what: &'static str, at: usize },
}

impl fmt::Display for ByteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ByteError::BadCharacter { position, found } => {
                write!(f, "character {found:?} at position {position} is not part of a link's data (A-Z a-z 0-9 - _)")
            }
            ByteError::BadLength(n) => {
                write!(f, "the data is {n} characters long, which no complete link has (cut short?)")
            }
            ByteError::Truncated { what, at } => write!(f, "the data ends early: {what} expected at byte {at}"),
            ByteError::Overflow { what, at } => write!(f, "{what} at byte {at} is too large"),
        }
    }
}

pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn base64url_decode(text: &str) -> Result<Vec<u8>, ByteError> {
    let mut values = Vec::with_capacity(text.len());
    for (position, c) in text.chars().enumerate() {
        let v = match c {
            'A'..='Z' => c as u8 - b'A',
            'a'..='z' => c as u8 - b'a' + 26,
            '0'..='9' => c as u8 - b'0' + 52,
            '-' => 62,
            '_' => 63,
            found => return Err(ByteError::BadCharacter { position, found }),
        };
        values.push(v);
    }
    if values.len() % 4 == 1 {
        return Err(ByteError::BadLength(values.len()));
    }
    let mut out = Vec::with_capacity(values.len() * 3 / 4);
    for chunk in values.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, v)| acc | (u32::from(*v) << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

/// Appends LEB128 varints and raw bytes.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    pub fn varint(&mut self, mut v: u128) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.bytes.push(low);
                return;
            }
            self.bytes.push(low | 0x80);
        }
    }

    pub fn u64(&mut self, v: u64) {
        self.varint(v.into());
    }

    pub fn blob(&mut self, data: &[u8]) {
        self.u64(data.len() as u64);
        self.bytes.extend_from_slice(data);
    }
}

/// Reads what `Writer` wrote; every read names what it expected, so a cut link says where it was cut.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }

    pub fn byte(&mut self, what: &'static str) -> Result<u8, ByteError> {
        let b = *self.bytes.get(self.at).ok_or(ByteError::Truncated { what, at: self.at })?;
        self.at += 1;
        Ok(b)
    }

    pub fn varint(&mut self, what: &'static str) -> Result<u128, ByteError> {
        let start = self.at;
        let mut value: u128 = 0;
        for shift in (0..).step_by(7) {
            let b = self.byte(what)?;
            if shift >= 126 && b > 0x03 {
                return Err(ByteError::Overflow { what, at: start });
            }
            value |= u128::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        unreachable!("the loop returns or fails within 19 bytes")
    }

    pub fn u64(&mut self, what: &'static str) -> Result<u64, ByteError> {
        let at = self.at;
        u64::try_from(self.varint(what)?).map_err(|_| ByteError::Overflow { what, at })
    }

    pub fn usize(&mut self, what: &'static str) -> Result<usize, ByteError> {
        let at = self.at;
        usize::try_from(self.u64(what)?).map_err(|_| ByteError::Overflow { what, at })
    }

    pub fn blob(&mut self, what: &'static str) -> Result<&'a [u8], ByteError> {
        let len = self.usize(what)?;
        let end = self.at.checked_add(len).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or(ByteError::Truncated { what, at: self.bytes.len() })?;
        let data = &self.bytes[self.at..end];
        self.at = end;
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base64url_matches_rfc4648_vectors_without_padding() {
        for (raw, enc) in
            [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE")]
        {
            assert_eq!(base64url_encode(raw.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), raw.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn base64url_errors_say_where() {
        assert_eq!(base64url_decode("Zm9v!"), Err(ByteError::BadCharacter { position: 4, found: '!' }));
        assert_eq!(base64url_decode("Zm9vY"), Err(ByteError::BadLength(5)));
    }

    #[test]
    fn truncated_varint_names_what_and_where() {
        let mut r = Reader::new(&[0x80]);
        assert_eq!(r.u64("moment"), Err(ByteError::Truncated { what: "moment", at: 1 }));
        let mut r = Reader::new(&[0xff; 30]);
        assert!(matches!(r.u64("x"), Err(ByteError::Overflow { .. })));
    }

    proptest! {
        #[test]
        fn varints_and_base64_round_trip(values in prop::collection::vec(any::<u64>(), 0..20), raw in prop::collection::vec(any::<u8>(), 0..64)) {
            let mut w = Writer::default();
            for v in &values { w.u64(*v); w.blob(&v.to_le_bytes()); }
            let mut r = Reader::new(&w.bytes);
            for v in &values {
                prop_assert_eq!(r.u64("u").unwrap(), *v);
                prop_assert_eq!(r.blob("b").unwrap(), &v.to_le_bytes()[..]);
            }
            prop_assert!(r.is_empty());
            prop_assert_eq!(base64url_decode(&base64url_encode(&raw)).unwrap(), raw);
        }
    }
}
