//! Article intake: plain text, HTML and JSON.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::{Error, Result};

pub use marsad_model::{Article, Format};

#[derive(Deserialize)]
struct JsonArticle {
    url: Option<String>,
    title: Option<String>,
    published: Option<String>,
    text: String,
}

/// Parses a publication date: `YYYY-MM-DD`, or the date part of an
/// RFC 3339 / ISO 8601 timestamp.
fn parse_published(s: &str) -> Option<NaiveDate> {
    marsad_model::parse_date(s).ok()
}

/// Reading an [`Article`] from what users have: text, bytes of any
/// supported format, a file.
pub trait Intake: Sized {
    /// A plain-text article; the title is detected from the first line.
    fn from_text(text: &str, published: Option<NaiveDate>) -> Self;

    /// Reads an article from bytes, detecting JSON and HTML by content.
    /// `what` names the input in errors (a file name).
    fn from_bytes(bytes: &[u8], what: &str) -> Result<Self>;

    /// Reads an article file.
    fn from_path(path: &Path) -> Result<Self>;
}

impl Intake for Article {
    fn from_text(text: &str, published: Option<NaiveDate>) -> Self {
        Article {
            url: None,
            title: detect_title(text),
            published,
            text: text.to_string(),
            format: Format::Text,
        }
    }

    fn from_bytes(bytes: &[u8], what: &str) -> Result<Self> {
        let article = read_bytes(bytes, what)?;
        match article.nul_field() {
            Some(field) => Err(Error::Nul {
                what: what.to_string(),
                field,
            }),
            None => Ok(article),
        }
    }

    fn from_path(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Article::from_bytes(&bytes, &path.display().to_string())
    }
}

/// An article from bytes of any format (see [`Intake::from_bytes`]).
fn read_bytes(bytes: &[u8], what: &str) -> Result<Article> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        what: what.to_string(),
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let head = text.trim_start();
    if head.starts_with('{') {
        let j: JsonArticle = serde_json::from_str(text).map_err(|e| Error::Json {
            what: what.to_string(),
            message: e.to_string(),
        })?;
        let published = match j.published.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(p) => Some(parse_published(p).ok_or_else(|| Error::BadDate {
                what: what.to_string(),
                value: p.to_string(),
            })?),
            None => None,
        };
        return Ok(Article {
            url: j.url,
            title: j
                .title
                .filter(|t| !t.trim().is_empty())
                .or_else(|| detect_title(&j.text)),
            published,
            text: j.text,
            format: Format::Json,
        });
    }
    let lower: String = head.chars().take(512).collect::<String>().to_lowercase();
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.contains("<body")
        || lower.contains("<p>")
        || lower.contains("<div")
    {
        let (title, body) = html_to_text(text);
        let published = html_published(text);
        return Ok(Article {
            url: None,
            title: title.or_else(|| detect_title(&body)),
            published,
            text: body,
            format: Format::Html,
        });
    }
    Ok(Article::from_text(text, None))
}

/// The first line is a headline when it is short, has no sentence-final
/// punctuation and other text follows it.
fn detect_title(text: &str) -> Option<String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    lines.next()?;
    // The first line of hard-wrapped text is not a headline: it goes on.
    let chars: Vec<char> = text.trim_start().chars().collect();
    if let Some(nl) = chars.iter().position(|&c| c == '\n') {
        if crate::segment::soft_breaks(&chars).first() == Some(&nl) {
            return None;
        }
    }
    let words = first.split_whitespace().count();
    // A headline may end in a question mark («… لماذا؟») but not a full stop.
    let ends_sentence = first.ends_with(['.', ':', '؛']) && !first.ends_with("..");
    (words <= 25 && !ends_sentence).then(|| first.to_string())
}

/// Block elements become line breaks; page furniture (scripts, navigation,
/// headers, footers, sharing and "related" blocks) is dropped.
fn html_to_text(html: &str) -> (Option<String>, String) {
    use scraper::{ElementRef, Html, Node, Selector};
    let doc = Html::parse_document(html);
    let title = Selector::parse("h1")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .map(|e| e.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty())
        .or_else(|| {
            Selector::parse("title")
                .ok()
                .and_then(|s| doc.select(&s).next())
                .map(|e| e.text().collect::<String>().trim().to_string())
                .filter(|t| !t.is_empty())
        });
    let root = Selector::parse("article")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .or_else(|| {
            Selector::parse("body")
                .ok()
                .and_then(|s| doc.select(&s).next())
        })
        .unwrap_or_else(|| doc.root_element());
    const SKIP: &[&str] = &[
        "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg",
        "iframe", "figure", "template",
    ];
    const FURNITURE: &[&str] = &[
        "share",
        "social",
        "related",
        "comment",
        "footer",
        "nav",
        "menu",
        "breadcrumb",
        "tags",
        "newsletter",
        "advert",
        "sidebar",
        "font-size",
        "fontsize",
        "print",
    ];
    const BLOCK: &[&str] = &[
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "tr",
        "blockquote",
    ];
    fn walk(e: ElementRef<'_>, out: &mut String) {
        let name = e.value().name();
        if SKIP.contains(&name) {
            return;
        }
        let class = format!(
            "{} {}",
            e.value().attr("class").unwrap_or(""),
            e.value().attr("id").unwrap_or("")
        )
        .to_lowercase();
        if FURNITURE.iter().any(|f| class.contains(f)) {
            return;
        }
        let block = BLOCK.contains(&name);
        if block && !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        for child in e.children() {
            match child.value() {
                Node::Text(t) => {
                    let s = t.replace(['\n', '\r', '\t'], " ");
                    if !s.trim().is_empty() || !out.ends_with([' ', '\n']) {
                        out.push_str(&s);
                    }
                }
                Node::Element(_) => {
                    if let Some(ce) = ElementRef::wrap(child) {
                        walk(ce, out);
                    }
                }
                _ => {}
            }
        }
        if block && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    let mut out = String::new();
    walk(root, &mut out);
    let text: Vec<String> = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    (title, text.join("\n"))
}

/// `<meta property="article:published_time">` or `<time datetime>`.
fn html_published(html: &str) -> Option<NaiveDate> {
    use scraper::{Html, Selector};
    let doc = Html::parse_document(html);
    for (sel, attr) in [
        ("meta[property='article:published_time']", "content"),
        ("meta[itemprop='datePublished']", "content"),
        ("meta[name='pubdate']", "content"),
        ("meta[name='date']", "content"),
    ] {
        if let Some(v) = Selector::parse(sel)
            .ok()
            .and_then(|s| doc.select(&s).next())
            .and_then(|e| e.value().attr(attr))
        {
            if let Some(d) = parse_published(v) {
                return Some(d);
            }
        }
    }
    // Schema.org in JSON-LD, as most news sites write it, before the first
    // `<time>`, which may date a related story.
    let scripts = Selector::parse("script[type='application/ld+json']").ok()?;
    for script in doc.select(&scripts) {
        let json: serde_json::Value = match serde_json::from_str(&script.text().collect::<String>())
        {
            Ok(v) => v,
            Err(_) => continue,
        };
        if let Some(d) = date_published(&json).and_then(parse_published) {
            return Some(d);
        }
    }
    Selector::parse("time[datetime]")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .and_then(|e| e.value().attr("datetime"))
        .and_then(parse_published)
}

/// The first `datePublished` in a JSON-LD document (objects, arrays and
/// `@graph`s searched depth-first).
fn date_published(v: &serde_json::Value) -> Option<&str> {
    match v {
        serde_json::Value::Object(m) => m
            .get("datePublished")
            .and_then(|d| d.as_str())
            .or_else(|| m.values().find_map(date_published)),
        serde_json::Value::Array(a) => a.iter().find_map(date_published),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_any_field_is_not_an_article() {
        let refused = |bytes: &[u8]| match Article::from_bytes(bytes, "f.txt") {
            Err(Error::Nul { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(refused("قصف\0 في البوكمال".as_bytes()), "text");
        assert_eq!(refused(br#"{"text": "x", "title": "a\u0000b"}"#), "title");
        assert!(Article::from_bytes("قصف في البوكمال".as_bytes(), "f.txt").is_ok());
    }

    #[test]
    fn html_dates_from_meta_json_ld_or_time() {
        let page = |head: &str, body: &str| {
            format!("<html><head>{head}</head><body><article><p>نص الخبر.</p>{body}</article></body></html>")
        };
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let ld = r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","datePublished":"2026-03-07T09:30:00+03:00"}]}</script>"#;
        for (html, want) in [
            (
                page(
                    r#"<meta property="article:published_time" content="2026-03-06T10:00:00Z">"#,
                    "",
                ),
                d("2026-03-06"),
            ),
            (
                page(ld, r#"<time datetime="2025-01-01">قديم</time>"#),
                d("2026-03-07"),
            ),
            (
                page("", r#"<time datetime="2026-03-08T08:00:00Z">أمس</time>"#),
                d("2026-03-08"),
            ),
            (
                page(
                    r#"<script type="application/ld+json">not json</script>"#,
                    "",
                ),
                None,
            ),
        ] {
            assert_eq!(html_published(&html), want, "{html}");
        }
    }

    #[test]
    fn detects_title_of_plain_text() {
        let a = Article::from_text("غارات على البوكمال\n\nشنت طائرات غارات.", None);
        assert_eq!(a.title.as_deref(), Some("غارات على البوكمال"));
        let b = Article::from_text("شنت طائرات غارات على البوكمال أمس.\nوقال مصدر.", None);
        assert_eq!(b.title, None);
    }

    #[test]
    fn reads_json_articles() {
        let a = Article::from_bytes(r#"{"url":"https://x.test/a","title":"عنوان","published":"2024-03-01T10:00:00Z","text":"نص"}"#.as_bytes(), "a.json").unwrap();
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(a.url.as_deref(), Some("https://x.test/a"));
        let bad = Article::from_bytes(br#"{"text": 3}"#, "b.json")
            .unwrap_err()
            .to_string();
        assert!(bad.contains("b.json") && bad.contains("JSON"), "{bad}");
        let date = Article::from_bytes(br#"{"text":"x","published":"yesterday"}"#, "c.json")
            .unwrap_err()
            .to_string();
        assert!(date.contains("yesterday"), "{date}");
    }

    #[test]
    fn strips_html_furniture() {
        let html = r#"<html><head><title>موقع</title><meta property="article:published_time" content="2024-02-01T08:00:00+03:00"></head>
<body><nav>الرئيسية</nav><article><h1>قصف على الميادين</h1><div class="share-buttons">شارك</div>
<p>قصفت المدفعية <b>أطراف</b> الميادين.</p><script>var x=1;</script><div class="related-articles">مقالات ذات صلة</div>
<p>وقال مصدر محلي إن القصف استمر.</p></article><footer>حقوق النشر</footer></body></html>"#;
        let a = Article::from_bytes(html.as_bytes(), "p.html").unwrap();
        assert_eq!(a.format, Format::Html);
        assert_eq!(a.title.as_deref(), Some("قصف على الميادين"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 2, 1));
        assert!(
            a.text.contains("قصفت المدفعية أطراف الميادين."),
            "{}",
            a.text
        );
        for junk in ["شارك", "var x", "ذات صلة", "حقوق", "الرئيسية"] {
            assert!(!a.text.contains(junk), "{junk} in {}", a.text);
        }
    }

    #[test]
    fn rejects_invalid_utf8() {
        let e = Article::from_bytes(b"\xd8\xa7\xff", "x.txt")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.txt") && e.contains("UTF-8"));
    }
}
