//! The index saved to a file and read back, so that a server starts
//! without reading every incident from the store: ten million incidents
//! take about 20 s to read and bulk-load, their snapshot a few.
//!
//! A snapshot is a header (magic, format, payload length, CRC-32 of the
//! payload) and the payload: the [`Stamp`] it was taken against, the tree
//! as rstar serialises it (its nodes, so nothing is bulk-loaded again), the
//! interned ids and actor sets. Reading it checks, in order, the header,
//! the length, the checksum, the decoding, and then the tree itself (every
//! node's box is its children's, every incident once, numbered densely):
//! a truncated, corrupted or inconsistent file is an error, never an index
//! that answers wrongly. Whether the snapshot is of the store at hand is
//! the caller's question, asked of the [`Stamp`].

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rstar::{ParentNode, RTree, RTreeNode, RTreeObject};
use serde::{Deserialize, Serialize};

use crate::entry::Entry;
use crate::spatial::{Params, SpatialIndex};

const MAGIC: &[u8; 8] = b"MARSADIX";
/// Raised whenever the payload's layout changes: an older file is then
/// refused (and the index rebuilt), not misread.
const FORMAT: u32 = 1;
/// Magic, format, payload length, checksum.
const HEADER: usize = 8 + 4 + 8 + 4;

/// A snapshot that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing the file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The snapshot.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The file does not start as a snapshot does.
    #[error("not an index snapshot")]
    NotASnapshot,
    /// A snapshot of another layout.
    #[error("snapshot format {found}; this build reads format {FORMAT}")]
    Format {
        /// The file's format.
        found: u32,
    },
    /// Fewer or more bytes than were written.
    #[error("truncated or extended: {found} bytes of payload where {expected} were written")]
    Length {
        /// The length written in the header.
        expected: u64,
        /// The length found.
        found: u64,
    },
    /// The payload is not what was written.
    #[error("checksum mismatch: the file changed after it was written")]
    Checksum,
    /// The payload does not decode.
    #[error("cannot decode: {0}")]
    Decode(String),
    /// The payload decodes to an index that does not hold together.
    #[error("inconsistent index: {0}")]
    Inconsistent(&'static str),
}

/// Result of snapshot operations.
pub type Result<T> = std::result::Result<T, Error>;

/// What a snapshot was taken against: the store (its identity) and how far
/// in its changes the index was. A reader uses the snapshot only for the
/// same store, and then reads the changes after `last_change`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The store's identity.
    pub store: String,
    /// Every change up to this number is in the index.
    pub last_change: i64,
    /// An incident the index holds and its change number (the latest at
    /// most `last_change`): the store must hold it at that number still,
    /// or its history is not the one the snapshot saw (a file put back
    /// from a copy, say).
    pub witness: Option<(i64, String)>,
}

#[derive(Serialize)]
struct Written<'a> {
    stamp: &'a Stamp,
    tree: &'a RTree<Entry, Params>,
    ids_text: &'a str,
    ids_ends: &'a [u32],
    actor_sets: Vec<Vec<&'a str>>,
}

#[derive(Deserialize)]
struct Read {
    stamp: Stamp,
    tree: RTree<Entry, Params>,
    ids_text: String,
    ids_ends: Vec<u32>,
    actor_sets: Vec<Vec<String>>,
}

/// Counts and checksums what goes through it.
struct Summing<W> {
    inner: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl SpatialIndex {
    /// Writes the index to `path` as taken against `stamp`: to a new file
    /// beside it, synced, then renamed over it, so a reader finds the old
    /// snapshot or the new one, whole. Returns its size in bytes.
    pub fn save(&self, path: &Path, stamp: &Stamp) -> Result<u64> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".marsad-index-")
            .tempfile_in(dir)
            .map_err(io)?;
        let written = self.write_to(tmp.as_file_mut(), stamp).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        // The rename itself lasts once the directory is synced.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(written)
    }

    /// Writes header and payload to `file` (the header last, once the
    /// payload's length and checksum are known: nothing is held in memory).
    fn write_to(&self, file: &mut File, stamp: &Stamp) -> std::io::Result<u64> {
        let (tree, ids_text, ids_ends, actors) = self.parts();
        let body = Written {
            stamp,
            tree,
            ids_text,
            ids_ends,
            actor_sets: actors
                .iter()
                .map(|s| s.iter().map(|a| &**a).collect())
                .collect(),
        };
        file.write_all(&[0; HEADER])?;
        let (len, crc) = {
            let mut out = Summing {
                inner: BufWriter::with_capacity(1 << 20, &mut *file),
                crc: crc32fast::Hasher::new(),
                len: 0,
            };
            postcard::to_io(&body, &mut out).map_err(std::io::Error::other)?;
            out.flush()?;
            (out.len, out.crc.finalize())
        };
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header(len, crc))?;
        Ok(HEADER as u64 + len)
    }

    /// Reads a snapshot written by [`SpatialIndex::save`], and the stamp it
    /// was taken against. Any damage is an error (see the module's notes).
    pub fn load(path: &Path) -> Result<(SpatialIndex, Stamp)> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_snapshot(&bytes)
    }

    /// [`SpatialIndex::load`] of bytes in memory.
    pub fn from_snapshot(bytes: &[u8]) -> Result<(SpatialIndex, Stamp)> {
        let payload = checked_payload(bytes)?;
        let read: Read = postcard::from_bytes(payload).map_err(|e| Error::Decode(e.to_string()))?;
        let Read {
            stamp,
            tree,
            ids_text,
            ids_ends,
            actor_sets,
        } = read;
        // The ids' table, the tree's check and the tiles' counts side by
        // side: each is about a second at ten million incidents. The counts
        // of a tree the check refuses are dropped.
        let (ids, at, pyramid) = std::thread::scope(|s| {
            let ids = s.spawn(|| crate::ids::Ids::from_parts(ids_text, ids_ends));
            let pyramid = s.spawn(|| crate::pyramid::Pyramid::build(&tree));
            let at = places(&tree, actor_sets.len());
            (ids.join(), at, pyramid.join())
        });
        let pyramid = pyramid.map_err(|_| Error::Inconsistent("the tree could not be counted"))?;
        let ids = ids
            .map_err(|_| Error::Inconsistent("the ids could not be read"))?
            .ok_or(Error::Inconsistent("the ids are cut wrongly or repeated"))?;
        let at = at?;
        if at.len() != ids.len() {
            return Err(Error::Inconsistent("the tree and the ids differ in number"));
        }
        let ix = SpatialIndex::from_parts(tree, ids, at, actor_sets, pyramid)
            .ok_or(Error::Inconsistent("an actor set is repeated"))?;
        Ok((ix, stamp))
    }
}

fn header(len: u64, crc: u32) -> [u8; HEADER] {
    let mut h = [0; HEADER];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&FORMAT.to_le_bytes());
    h[12..20].copy_from_slice(&len.to_le_bytes());
    h[20..24].copy_from_slice(&crc.to_le_bytes());
    h
}

/// The payload, once the header, its length and checksum say it is whole.
fn checked_payload(bytes: &[u8]) -> Result<&[u8]> {
    let (head, payload) = bytes.split_at_checked(HEADER).ok_or(Error::NotASnapshot)?;
    if &head[..8] != MAGIC {
        return Err(Error::NotASnapshot);
    }
    let word = |r: std::ops::Range<usize>| {
        head[r]
            .iter()
            .rev()
            .fold(0u64, |n, &b| n << 8 | u64::from(b))
    };
    let found = word(8..12) as u32;
    if found != FORMAT {
        return Err(Error::Format { found });
    }
    let expected = word(12..20);
    if expected != payload.len() as u64 {
        return Err(Error::Length {
            expected,
            found: payload.len() as u64,
        });
    }
    if word(20..24) as u32 != crc32fast::hash(payload) {
        return Err(Error::Checksum);
    }
    Ok(payload)
}

/// Where each incident is, by its number, from the tree; checking on the
/// way that the tree holds together (every node's box exactly its
/// children's, each incident once, numbered densely, its type, status and
/// actor set known), so a query over it finds what a bulk load of the same
/// incidents would.
fn places(tree: &RTree<Entry, Params>, actor_sets: usize) -> Result<Vec<[f64; 2]>> {
    let n = tree.size();
    let mut walk = Walk {
        at: vec![[f64::NAN; 2]; n],
        actor_sets,
        leaves: 0,
    };
    walk.node(tree.root(), true)?;
    if walk.leaves != n {
        return Err(Error::Inconsistent(
            "the tree holds another number of incidents than it says",
        ));
    }
    Ok(walk.at)
}

struct Walk {
    /// Where each incident is, NaN until its entry is met.
    at: Vec<[f64; 2]>,
    actor_sets: usize,
    leaves: usize,
}

impl Walk {
    fn node(&mut self, node: &ParentNode<Entry>, root: bool) -> Result<()> {
        let children = node.children();
        if children.is_empty() {
            // Only the root of an empty tree is empty.
            return if root {
                Ok(())
            } else {
                Err(Error::Inconsistent("an empty node"))
            };
        }
        let mut envelope = children[0].envelope();
        for child in children {
            rstar::Envelope::merge(&mut envelope, &child.envelope());
            match child {
                RTreeNode::Leaf(e) => self.leaf(e)?,
                RTreeNode::Parent(p) => self.node(p, false)?,
            }
        }
        if envelope != node.envelope() {
            return Err(Error::Inconsistent("a node's box is not its children's"));
        }
        Ok(())
    }

    fn leaf(&mut self, e: &Entry) -> Result<()> {
        self.leaves += 1;
        let valid = !e.lon.is_nan()
            && !e.lat.is_nan()
            && (e.actors as usize) < self.actor_sets
            && usize::from(e.kind) < marsad_model::EventType::ALL.len()
            && usize::from(e.status) < marsad_model::ReviewStatus::ALL.len();
        match self.at.get_mut(e.key as usize) {
            Some(at) if valid && at[0].is_nan() => {
                *at = [e.lon, e.lat];
                Ok(())
            }
            Some(_) if valid => Err(Error::Inconsistent("an incident is twice in the tree")),
            _ => Err(Error::Inconsistent(
                "an incident's entry does not hold together",
            )),
        }
    }
}
