//! An article, as read.

use chrono::NaiveDate;

/// The format an article was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain UTF-8 text.
    Text,
    /// An HTML page.
    Html,
    /// `{"url","title","published","text"}`.
    Json,
}

/// One article. Offsets reported for it are code points into
/// [`Article::text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Source address, if known.
    pub url: Option<String>,
    /// Headline: given, or detected from the first line of plain text.
    pub title: Option<String>,
    /// Publication date, which relative dates are resolved against.
    pub published: Option<NaiveDate>,
    /// The text (for plain text: the input as read).
    pub text: String,
    /// What the article was read from.
    pub format: Format,
}

/// FNV-1a, 64 bits: a hash that stays the same across builds and
/// platforms, so ids written to a database keep meaning the same thing.
pub fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(seed ^ 0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Article {
    /// The field holding a NUL character (U+0000), if one does: no
    /// article's text has one, and PostgreSQL cannot store it, so intake
    /// and the store refuse such an article, alike on both backends.
    pub fn nul_field(&self) -> Option<&'static str> {
        let has = |s: Option<&str>| s.is_some_and(|s| s.contains('\0'));
        [
            ("text", Some(self.text.as_str())),
            ("title", self.title.as_deref()),
            ("url", self.url.as_deref()),
        ]
        .into_iter()
        .find_map(|(name, value)| has(value).then_some(name))
    }

    /// Hash of the normalised text: the same article read twice, or with
    /// other spacing or diacritics, hashes the same.
    pub fn hash(&self) -> u64 {
        fnv1a(marsad_arabic::key(&self.text).as_bytes(), 0)
    }

    /// Stable id: [`Article::hash`] as 16 hex digits.
    pub fn id(&self) -> String {
        format!("{:016x}", self.hash())
    }

    /// The outlet, from the address's host («www.example.com» → «example.com»).
    pub fn outlet(&self) -> Option<String> {
        let url = self.url.as_deref()?;
        let rest = url.split("://").nth(1).unwrap_or(url);
        let host = rest.split(['/', '?', '#', ':']).next()?.trim();
        let host = host.strip_prefix("www.").unwrap_or(host);
        (!host.is_empty()).then(|| host.to_lowercase())
    }
}
