//! An article page as an article: its main text and headline (the extract
//! crate drops navigation, headers, footers and sharing blocks), its
//! publication day (`article:published_time`, JSON-LD `datePublished`,
//! `<time>`, else the feed's date), and the address it names as its own.

use chrono::NaiveDate;
use marsad_extract::Intake;
use marsad_model::Article;

use crate::{Error, Result};

/// A page read.
#[derive(Debug, Clone)]
pub struct Page {
    /// The article, its `url` the canonical address if the page names one.
    pub article: Article,
    /// The address the page names as its own (`<link rel="canonical">`).
    pub canonical: Option<String>,
}

/// A page's bytes as UTF-8: as they are, or decoded from the charset its
/// `Content-Type` or `<meta>` names (older Arabic sites write
/// windows-1256, which is also the guess when none is named).
pub fn to_utf8<'a>(bytes: &'a [u8], content_type: Option<&str>) -> std::borrow::Cow<'a, [u8]> {
    if std::str::from_utf8(bytes).is_ok() {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let label = |s: &str| -> Option<String> {
        let at = s.find("charset=")? + "charset=".len();
        let rest = s[at..].trim_start_matches(['"', '\'', ' ']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        Some(rest[..end].to_string())
    };
    let encoding = content_type
        .and_then(|c| label(&c.to_ascii_lowercase()))
        .or_else(|| label(&head))
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::WINDOWS_1256);
    let (text, _, _) = encoding.decode(bytes);
    std::borrow::Cow::Owned(text.into_owned().into_bytes())
}

/// Reads a page fetched from `url` (`content_type` as served; `listed` is
/// the day the feed gave it).
pub fn read_page(
    bytes: &[u8],
    content_type: Option<&str>,
    url: &str,
    listed: Option<NaiveDate>,
) -> Result<Page> {
    let bytes = &*to_utf8(bytes, content_type);
    let mut article = Article::from_bytes(bytes, url).map_err(|e| Error::NotAFeed {
        url: url.to_string(),
        message: e.to_string(),
    })?;
    let canonical = std::str::from_utf8(bytes)
        .ok()
        .and_then(|html| canonical(html, url));
    article.url = Some(canonical.clone().unwrap_or_else(|| url.to_string()));
    article.published = article.published.or(listed);
    Ok(Page { article, canonical })
}

/// `<link rel="canonical" href>`, absolute.
fn canonical(html: &str, base: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("link[rel='canonical']").ok()?;
    let href = doc.select(&sel).next()?.value().attr("href")?;
    let u = reqwest::Url::parse(base).ok()?.join(href.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

/// Whether a text is Arabic: most of its letters are Arabic script, and
/// there are enough of them to tell.
pub fn is_arabic(text: &str) -> bool {
    let (mut arabic, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        {
            arabic += 1;
        }
    }
    arabic >= 20 && arabic * 2 > letters
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_page_gives_its_text_date_and_canonical_address() {
        let html = r#"<html><head><title>موقع</title><link rel="canonical" href="/2026/03/strike"></head>
            <body><nav>الرئيسية | أخبار</nav><article><h1>غارة على البوكمال</h1>
            <p>قصفت طائرة مسيّرة موقعاً في مدينة البوكمال فجر اليوم.</p></article><footer>حقوق النشر</footer></body></html>"#;
        let p = read_page(
            html.as_bytes(),
            None,
            "https://news.example/?p=7",
            NaiveDate::from_ymd_opt(2026, 3, 9),
        )
        .unwrap();
        assert_eq!(
            p.canonical.as_deref(),
            Some("https://news.example/2026/03/strike")
        );
        assert_eq!(p.article.url, p.canonical);
        assert_eq!(p.article.title.as_deref(), Some("غارة على البوكمال"));
        assert!(p.article.text.contains("طائرة مسيّرة"));
        assert!(!p.article.text.contains("الرئيسية") && !p.article.text.contains("حقوق"));
        assert_eq!(p.article.published, NaiveDate::from_ymd_opt(2026, 3, 9));
    }

    #[test]
    fn pages_in_windows_1256_are_read() {
        let html = "<html><head><meta charset=\"windows-1256\"></head><body><article><p>قصفت طائرة مسيّرة موقعاً في مدينة البوكمال فجر اليوم.</p></article></body></html>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(html);
        assert!(std::str::from_utf8(&bytes).is_err());
        for ctype in [None, Some("text/html; charset=windows-1256")] {
            let p = read_page(&bytes, ctype, "https://old.example/a", None).unwrap();
            assert!(
                p.article.text.contains("طائرة مسي"),
                "{ctype:?}: {}",
                p.article.text
            );
            assert!(is_arabic(&p.article.text));
        }
    }

    #[test]
    fn arabic_is_told_from_other_languages() {
        assert!(is_arabic(
            "قصفت طائرة مسيّرة موقعاً في مدينة البوكمال فجر اليوم، Reuters"
        ));
        assert!(!is_arabic(
            "A drone struck a site in Al-Bukamal at dawn today, الميادين"
        ));
        assert!(!is_arabic("غارة"));
    }
}
