/// URL-safe alphabet.
pub const URL_SAFE: u8 = 1;
