//! What an article reports, before its place joins the domain model.

use marsad_gazetteer::PlaceIdx;
use marsad_geoparse::Unlisted;

use crate::Incident;

/// One incident as the discourse step assembles it: a domain
/// [`Incident`] whose place is still a gazetteer index (and, for a place
/// the gazetteer lacks, that place's own name), with its evidence span.
/// The place's facts are copied in when extraction ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    /// Everything but the place and the source.
    pub(crate) incident: Incident,
    /// Where (a gazetteer place), if the article says. For a place the
    /// gazetteer lacks, the place the text locates it by.
    pub(crate) place: Option<PlaceIdx>,
    /// The place itself when the gazetteer lacks it («قرية أبريهة»).
    pub(crate) unlisted: Option<Unlisted>,
    /// Evidence span, code points into the article text.
    pub(crate) evidence: (usize, usize),
    /// What the confidence model reads of it.
    pub(crate) signals: crate::confidence::Signals,
}

impl std::ops::Deref for Finding {
    type Target = Incident;

    fn deref(&self) -> &Incident {
        &self.incident
    }
}

impl std::ops::DerefMut for Finding {
    fn deref_mut(&mut self) -> &mut Incident {
        &mut self.incident
    }
}
