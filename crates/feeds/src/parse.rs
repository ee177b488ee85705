//! The article addresses a feed lists: RSS 2.0 and Atom (through
//! `feed-rs`), and sitemaps (`urlset`, and `sitemapindex` pointing at more).

use chrono::NaiveDate;

use crate::{Error, Result};

/// One address a feed lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The address, absolute.
    pub url: String,
    /// The day the feed dates it, if it does.
    pub published: Option<NaiveDate>,
    /// A sitemap to read in turn (from a sitemap index), not an article.
    pub sitemap: bool,
}

/// The addresses listed by an RSS, Atom or sitemap document fetched from
/// `base` (relative addresses are resolved against it), in the document's
/// order.
pub fn links(bytes: &[u8], base: &str) -> Result<Vec<Link>> {
    let base_url = reqwest::Url::parse(base).ok();
    let absolute = |href: &str| -> Option<String> {
        let href = href.trim();
        let u = match &base_url {
            Some(b) => b.join(href).ok()?,
            None => reqwest::Url::parse(href).ok()?,
        };
        matches!(u.scheme(), "http" | "https").then(|| u.to_string())
    };
    if let Some(links) = sitemap(bytes, &absolute) {
        return Ok(links);
    }
    let feed = feed_rs::parser::parse(bytes).map_err(|e| Error::NotAFeed {
        url: base.to_string(),
        message: e.to_string(),
    })?;
    Ok(feed
        .entries
        .iter()
        .filter_map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(e.links.first())?;
            Some(Link {
                url: absolute(&link.href)?,
                published: e.published.or(e.updated).map(|d| d.date_naive()),
                sitemap: false,
            })
        })
        .collect())
}

/// A sitemap's addresses, or `None` if the document is not a sitemap.
fn sitemap(bytes: &[u8], absolute: &dyn Fn(&str) -> Option<String>) -> Option<Vec<Link>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let doc = roxmltree::Document::parse(text).ok()?;
    let root = doc.root_element();
    let index = match root.tag_name().name() {
        "urlset" => false,
        "sitemapindex" => true,
        _ => return None,
    };
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    Some(
        root.children()
            .filter(|n| n.is_element())
            .filter_map(|n| {
                let url = absolute(&child(n, "loc")?)?;
                let published = child(n, "lastmod")
                    .and_then(|d| marsad_model::parse_date(&d).ok())
                    .or_else(|| {
                        // News sitemaps date the article itself.
                        n.descendants()
                            .find(|d| d.tag_name().name() == "publication_date")
                            .and_then(|d| d.text())
                            .and_then(|d| marsad_model::parse_date(d).ok())
                    });
                Some(Link {
                    url,
                    published,
                    sitemap: index,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn rss_atom_and_sitemaps_list_their_articles() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>غارة</title><link>/news/1</link><pubDate>Tue, 03 Mar 2026 10:00:00 +0300</pubDate></item>
            <item><title>اشتباك</title><link>https://other.example/2</link></item>
            <item><title>no link</title></item></channel></rss>"#;
        let got = links(rss.as_bytes(), "https://news.example/feed.xml").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].url, "https://news.example/news/1");
        assert_eq!(got[0].published, NaiveDate::from_ymd_opt(2026, 3, 3));
        assert_eq!(got[1].url, "https://other.example/2");

        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2026-03-04T00:00:00Z</updated>
            <entry><title>a</title><id>1</id><link rel="alternate" href="https://news.example/a"/><updated>2026-03-04T08:00:00Z</updated></entry></feed>"#;
        let got = links(atom.as_bytes(), "https://news.example/atom").unwrap();
        assert_eq!(got[0].url, "https://news.example/a");
        assert_eq!(got[0].published, NaiveDate::from_ymd_opt(2026, 3, 4));

        let urlset = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>https://news.example/s/1</loc><lastmod>2026-03-05</lastmod></url>
            <url><loc>javascript:alert(1)</loc></url></urlset>"#;
        let got = links(urlset.as_bytes(), "https://news.example/sitemap.xml").unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].published, got[0].sitemap),
            (NaiveDate::from_ymd_opt(2026, 3, 5), false)
        );

        let index = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/s1.xml</loc></sitemap></sitemapindex>"#;
        let got = links(index.as_bytes(), "https://news.example/index.xml").unwrap();
        assert_eq!(
            (got[0].url.as_str(), got[0].sitemap),
            ("https://news.example/s1.xml", true)
        );

        assert!(links(b"<html><body>hi</body></html>", "https://news.example/").is_err());
    }
}
