//! From unit readings to incidents. News tells one event over several
//! sentences: the lead, a quote with the toll, a follow-up with the date.
//! This step puts them together: a unit that refers back to an event
//! («التفجير», «وأسفر الهجوم عن …») or only adds a toll joins that event; a
//! unit that reports the same event at the same place again is the same
//! incident; the first figure stated (the lead) is kept when sources differ,
//! and an event without a date takes the one the text gives it later.

use chrono::NaiveDate;
use marsad_gazetteer::{Gazetteer, PlaceIdx, PlaceKind};
use marsad_geoparse::{Toponym, Unlisted};

use marsad_model::{GeoPrecision, Incident};

use crate::confidence::Signals;
use crate::event::Finding;
use crate::reading::{kind_rank, Mention, Reading, StatedDate};
use crate::{dates::DatePrecision, Extractor};
use crate::{CountKind, Counts, EventType};

/// An incident being assembled, with where it was last told.
struct Draft {
    incident: Finding,
    /// Index of the last unit that told of it.
    last_unit: usize,
    /// Paragraph of that unit.
    paragraph: usize,
    /// Its toll is a total over attacks of several kinds, which a later unit
    /// may break down («قتل ثلاثة بقصف جوي ومدفعي» … «الغارات … مقتل اثنين»).
    total: bool,
    /// Its place was named without a feature word («في دير الزور», not
    /// «مدينة دير الزور»).
    bare: bool,
}

/// Whether an event of type `t` has victims of `kind`: deaths and wounds
/// come of attacks (and of what the text leaves untyped), arrests of raids.
fn bears(t: EventType, kind: CountKind) -> bool {
    match kind {
        CountKind::Arrested => t == EventType::RaidArrest,
        _ => t.is_attack() || t == EventType::Other,
    }
}

/// How far back (in units) a toll or a reference may reach.
const REACH: usize = 3;

/// Attacks refer to each other loosely: «الهجوم» may be the strike just told.
fn family(t: EventType) -> u8 {
    if t.is_attack() {
        0
    } else {
        1 + t as u8
    }
}

/// The same event told again: same type, the same place or one inside the
/// other, no contradicting date.
fn told_again(
    gaz: &Gazetteer,
    drafts: &[Draft],
    m: &Mention,
    place: &Spot,
    date: Option<NaiveDate>,
) -> Option<usize> {
    drafts.iter().position(|d| {
        let i = &d.incident;
        i.event_type == m.event_type
            && Spot::of(i).is_some_and(|p| same_place(gaz, &p, place))
            && (i.date.is_none() || date.is_none() || i.date == date)
    })
}

/// «قاعدة … في دير الزور» then «القاعدة … بمعمل كونيكو»: a city that shares
/// its name with its governorate may have meant the governorate, when the
/// same attack is told again just after.
fn told_at_city_for_governorate(
    gaz: &Gazetteer,
    d: &Draft,
    m: &Mention,
    place: &Spot,
    date: Option<NaiveDate>,
) -> bool {
    let i = &d.incident;
    d.bare
        && i.event_type == m.event_type
        && (date.is_none() || i.date.is_none_or(|d| Some(d) == date))
        && i.unlisted.is_none()
        && place.unlisted.is_none()
        && i.place
            .is_some_and(|p| city_for_governorate(gaz, p, place.place))
}

impl Extractor<'_> {
    /// The incidents of an article from its readings.
    pub(crate) fn assemble(
        &self,
        article_id: u64,
        readings: &[Reading],
        toponyms: &[Toponym],
    ) -> Vec<Finding> {
        let mut drafts: Vec<Draft> = Vec::new();
        // The most recent incident told, by index into `drafts`.
        let mut last: Option<usize> = None;
        // The date stated by the previous unit, which the next may continue.
        let mut carried: Option<StatedDate> = None;
        for (ui, r) in readings.iter().enumerate() {
            let prev_carried = std::mem::replace(&mut carried, r.stated.clone());
            if r.silent {
                continue;
            }
            let recent = last.filter(|&k| {
                let d = &drafts[k];
                ui <= d.last_unit + REACH && r.paragraph <= d.paragraph + 2
            });
            let Some(m) = &r.event else {
                if r.counts != Counts::default() {
                    self.add_toll(&mut drafts, ui, r, recent, toponyms);
                }
                continue;
            };
            let told = if m.places.is_empty() {
                self.tell_without_place(article_id, &mut drafts, ui, r, m, recent, prev_carried)
            } else {
                self.tell_at_places(
                    article_id,
                    &mut drafts,
                    ui,
                    r,
                    m,
                    recent,
                    toponyms,
                    prev_carried,
                )
            };
            if told.is_some() {
                last = told;
            }
        }
        self.complete_from_headline(&mut drafts, readings, toponyms);
        let drafts = fold_untyped(self.gazetteer(), drafts);
        drop_summaries(self.gazetteer(), drafts)
    }

    /// The headline's toll completes the first event told that bears it (a
    /// death or a wound an attack, an arrest a raid), when the body gives no
    /// figure of that kind and the headline names no other place: «مقتل
    /// عنصرين بهجوم في ريف دير الزور» over «هاجم مسلحون نقطة في بلدة
    /// الحوايج».
    fn complete_from_headline(
        &self,
        drafts: &mut [Draft],
        readings: &[Reading],
        toponyms: &[Toponym],
    ) {
        let gaz = self.gazetteer();
        for r in readings
            .iter()
            .filter(|r| r.headline && r.counts != Counts::default())
        {
            for kind in CountKind::ALL {
                let (value, q) = r.counts.get(kind);
                // The body's own figure, wherever it is told, is the toll.
                if value.is_none()
                    || drafts
                        .iter()
                        .any(|d| d.incident.counts.get(kind).0.is_some())
                {
                    continue;
                }
                let Some(d) = drafts
                    .iter_mut()
                    .find(|d| bears(d.incident.event_type, kind))
                else {
                    continue;
                };
                let elsewhere = Spot::of(&d.incident).is_none_or(|p| {
                    !r.toponyms.is_empty()
                        && !r
                            .toponyms
                            .iter()
                            .any(|&ti| same_place(gaz, &p, &Spot::at(&toponyms[ti])))
                });
                let (slot, sq) = d.incident.counts.slot_mut(kind);
                if !elsewhere && slot.is_none() {
                    *slot = value;
                    *sq = q;
                }
            }
        }
    }

    /// A unit that only states a toll («وقال مصدر إن ستة أشخاص قتلوا») adds
    /// it to the event just told; when it names places, to the event at one
    /// of them.
    fn add_toll(
        &self,
        drafts: &mut [Draft],
        ui: usize,
        r: &Reading,
        recent: Option<usize>,
        toponyms: &[Toponym],
    ) {
        let gaz = self.gazetteer();
        let at_place = (0..drafts.len()).rev().find(|&k| {
            let d = &drafts[k];
            ui <= d.last_unit + REACH
                && Spot::of(&d.incident).is_some_and(|p| {
                    r.toponyms.iter().any(|&ti| {
                        same_place(gaz, &p, &Spot::at(&toponyms[ti]))
                            && !matches!(
                                gaz.place(toponyms[ti].place).kind,
                                PlaceKind::Country | PlaceKind::Governorate
                            )
                    })
                })
        });
        if let Some(k) = at_place.or(recent) {
            join(&mut drafts[k], r, None, ui);
        }
    }

    /// A unit without a place of its own tells more of an event just told,
    /// or a new event at that event's place. Returns the incident it told
    /// of, if any.
    #[allow(clippy::too_many_arguments)]
    fn tell_without_place(
        &self,
        article_id: u64,
        drafts: &mut Vec<Draft>,
        ui: usize,
        r: &Reading,
        m: &Mention,
        recent: Option<usize>,
        prev_carried: Option<StatedDate>,
    ) -> Option<usize> {
        let refers = m.anaphoric || m.continues || r.follows_on;
        let same_kind = recent.filter(|&k| {
            let t = drafts[k].incident.event_type;
            t == m.event_type || refers && family(t) == family(m.event_type)
        });
        if let Some(k) = same_kind.filter(|_| refers || r.counts != Counts::default()) {
            join(&mut drafts[k], r, Some(m), ui);
            return Some(k);
        }
        // Only a continuation («واستهدفت …») or a toll belongs at the
        // place just told.
        let k = recent.filter(|&k| {
            (m.continues || r.counts != Counts::default())
                && ui <= drafts[k].last_unit + 2
                && drafts[k].incident.place.is_some()
        })?;
        let (place, precision) = (
            drafts[k].incident.place.map(|p| Spot {
                place: p,
                unlisted: drafts[k].incident.unlisted.clone(),
            }),
            drafts[k].incident.geo_precision.code().max(2),
        );
        let inc = self.new_incident(
            article_id,
            ui,
            r,
            m,
            place,
            precision,
            prev_carried,
            Some(&drafts[k].incident),
        );
        let bare = drafts[k].bare;
        drafts.push(Draft {
            incident: inc,
            last_unit: ui,
            paragraph: r.paragraph,
            total: m.mixed,
            bare,
        });
        Some(drafts.len() - 1)
    }

    /// A unit that names the places of its event: at each, the same event
    /// told again joins its incident, else a new incident begins. Returns
    /// the incident at the first place, to which a toll told next belongs.
    #[allow(clippy::too_many_arguments)]
    fn tell_at_places(
        &self,
        article_id: u64,
        drafts: &mut Vec<Draft>,
        ui: usize,
        r: &Reading,
        m: &Mention,
        recent: Option<usize>,
        toponyms: &[Toponym],
        prev_carried: Option<StatedDate>,
    ) -> Option<usize> {
        let gaz = self.gazetteer();
        let prev = recent.map(|k| drafts[k].incident.clone());
        let mut lead: Option<usize> = None;
        for (rank, &(ti, precision)) in m.places.iter().enumerate() {
            let place = Spot {
                place: toponyms[ti].place,
                unlisted: toponyms[ti].unlisted.clone(),
            };
            let date = r.stated.as_ref().and_then(|d| d.date);
            let same = told_again(gaz, drafts, m, &place, date).filter(|_| !m.another);
            // «التفجير» told again from another source, at a place named
            // for context («في المدينة الواقعة بمحافظة الرقة»).
            let referred = recent.filter(|&k| {
                m.anaphoric
                    && family(drafts[k].incident.event_type) == family(m.event_type)
                    && (date.is_none() || drafts[k].incident.date.is_none_or(|d| Some(d) == date))
            });
            let loosely = recent.filter(|&k| {
                !m.another && told_at_city_for_governorate(gaz, &drafts[k], m, &place, date)
            });
            if let Some(k) = loosely.filter(|_| same.or(referred).is_none()) {
                let inc = &mut drafts[k].incident;
                inc.place = Some(place.place);
                inc.geo_precision = GeoPrecision::new(precision);
            }
            match same.or(referred).or(loosely) {
                Some(k) => {
                    refine_place(gaz, &mut drafts[k].incident, &place, precision);
                    join(&mut drafts[k], r, Some(m), ui);
                    lead.get_or_insert(k);
                }
                None => {
                    let mut inc = self.new_incident(
                        article_id,
                        ui,
                        r,
                        m,
                        Some(place),
                        precision,
                        prev_carried.clone(),
                        prev.as_ref(),
                    );
                    inc.signals.place_rank = rank;
                    drafts.push(Draft {
                        incident: inc,
                        last_unit: ui,
                        paragraph: r.paragraph,
                        total: m.mixed,
                        bare: toponyms[ti].feature.is_none(),
                    });
                    lead.get_or_insert(drafts.len() - 1);
                }
            }
        }
        lead
    }

    /// A new incident from a mention at one place.
    #[allow(clippy::too_many_arguments)]
    fn new_incident(
        &self,
        article_id: u64,
        ui: usize,
        r: &Reading,
        m: &Mention,
        place: Option<Spot>,
        geo_precision: u8,
        carried: Option<StatedDate>,
        prev: Option<&Finding>,
    ) -> Finding {
        let gaz = self.gazetteer();
        // A unit without a date goes on in the time of the unit before it,
        // or of the event it continues.
        let dated = r.stated.clone().or(carried).or_else(|| {
            prev.filter(|p| r.follows_on && p.date.is_some())
                .map(|p| StatedDate {
                    date: p.date,
                    precision: p.date_precision,
                    text: p.date_text.clone().unwrap_or_default(),
                })
        });
        let (date, date_precision, date_text) = match dated {
            Some(d) => (d.date, d.precision, Some(d.text)),
            None => (None, DatePrecision::Unknown, None),
        };
        let mut actors = m.actors.clone();
        let mut targets = m.targets.clone();
        // «واستهدف معبر السكك …» continues the strike reported just before:
        // same attacker, and whoever is named here was hit.
        if let Some(p) =
            prev.filter(|p| m.continues && p.event_type == m.event_type && !p.actors.is_empty())
        {
            for a in actors.drain(..) {
                if !p.actors.contains(&a) && !targets.contains(&a) {
                    targets.push(a);
                }
            }
            actors = p.actors.clone();
        }
        let signals = Signals {
            unit: ui,
            units: 1,
            stated_date: r.stated.as_ref().is_some_and(|d| d.date.is_some()),
            places: m.places.len(),
            place_rank: 0,
            background: m.background,
            refers_back: m.anaphoric || m.continues,
            follows_on: r.follows_on,
            mixed: m.mixed,
            cues: m.cues,
        };
        let place_id = place.as_ref().map(|p| p.id(gaz));
        // A place the gazetteer lacks is mapped at the place around it.
        let geo_precision = if place.as_ref().is_some_and(|p| p.unlisted.is_some()) {
            geo_precision.max(2)
        } else {
            geo_precision
        };
        let (place, unlisted) = match place {
            Some(s) => (Some(s.place), s.unlisted),
            None => (None, None),
        };
        Finding {
            incident: Incident {
                id: incident_id(article_id, r.span.0, m.event_type, place_id.as_deref()),
                event_type: m.event_type,
                date,
                date_precision,
                date_text,
                place: None,
                geo_precision: GeoPrecision::new(geo_precision),
                actors,
                targets,
                people: m.people.clone(),
                counts: r.counts,
                // Weighed once the article is read (see `crate::confidence`).
                confidence: 0.5,
                source_count: 1,
                reported: None,
                sources: Vec::new(),
                status: Default::default(),
            },
            place,
            unlisted,
            evidence: r.sentence,
            signals,
        }
    }
}

/// Adds what a later unit says to the event it tells of.
fn join(d: &mut Draft, r: &Reading, m: Option<&Mention>, ui: usize) {
    let inc = &mut d.incident;
    if r.updated || d.total && !m.is_some_and(|m| m.mixed) && r.counts != Counts::default() {
        // A new toll, or a breakdown, replaces the figures told before it.
        let mut counts = r.counts;
        counts.fill_from(&inc.counts);
        inc.counts = counts;
        d.total = false;
    } else {
        inc.counts.fill_from(&r.counts);
    }
    if inc.date.is_none() {
        if let Some(s) = r.stated.as_ref().filter(|s| s.date.is_some()) {
            inc.date = s.date;
            inc.date_precision = s.precision;
            inc.date_text = Some(s.text.clone());
        }
    }
    if let Some(m) = m {
        inc.add_parties(&m.actors, &m.targets, &m.people);
    }
    d.last_unit = ui;
    d.paragraph = r.paragraph;
    d.incident.signals.units += 1;
}

/// Where an event happened: a gazetteer place, or a place the gazetteer
/// lacks and the place the text locates it by.
#[derive(Debug, Clone)]
pub(crate) struct Spot {
    place: PlaceIdx,
    unlisted: Option<Unlisted>,
}

impl Spot {
    fn at(t: &Toponym) -> Spot {
        Spot {
            place: t.place,
            unlisted: t.unlisted.clone(),
        }
    }

    fn of(i: &Finding) -> Option<Spot> {
        i.place.map(|place| Spot {
            place,
            unlisted: i.unlisted.clone(),
        })
    }

    fn id(&self, gaz: &Gazetteer) -> String {
        let p = gaz.place(self.place);
        self.unlisted
            .as_ref()
            .map_or_else(|| p.id.clone(), |u| u.id(p))
    }

    /// `self` holds `other`: a unit, region or the town an unlisted place
    /// is located by.
    fn holds(&self, gaz: &Gazetteer, other: &Spot) -> bool {
        match (&self.unlisted, &other.unlisted) {
            (None, None) => contains(gaz, self.place, other.place),
            (None, Some(_)) => self.place == other.place || contains(gaz, self.place, other.place),
            (Some(_), _) => false,
        }
    }

    fn same(&self, other: &Spot) -> bool {
        match (&self.unlisted, &other.unlisted) {
            (None, None) => self.place == other.place,
            (Some(a), Some(b)) => marsad_arabic::key(&a.name) == marsad_arabic::key(&b.name),
            _ => false,
        }
    }
}

/// Two places are the same place for an event when they are one, or one
/// is a unit or region that holds the other.
fn same_place(gaz: &Gazetteer, a: &Spot, b: &Spot) -> bool {
    a.same(b) || a.holds(gaz, b) || b.holds(gaz, a)
}

/// `a` is an admin unit, region or river whose area holds `b`.
pub(crate) fn contains(gaz: &Gazetteer, a: PlaceIdx, b: PlaceIdx) -> bool {
    let (pa, pb) = (gaz.place(a), gaz.place(b));
    if a == b || kind_rank(pa.kind) <= kind_rank(pb.kind) {
        return false;
    }
    let in_box = pa
        .bbox
        .is_some_and(|bb| pb.lon >= bb[0] && pb.lon <= bb[2] && pb.lat >= bb[1] && pb.lat <= bb[3]);
    match pa.kind {
        PlaceKind::Country => pb.country == pa.country,
        PlaceKind::Governorate => pb.admin1.is_some() && pb.admin1 == pa.admin1 || in_box,
        PlaceKind::District => pb.admin2.is_some() && pb.admin2 == pa.admin2 || in_box,
        _ => in_box,
    }
}

/// `city` is a city named like its governorate («دير الزور», «الحسكة»)
/// and `site` a town or site of that governorate.
fn city_for_governorate(gaz: &Gazetteer, city: PlaceIdx, site: PlaceIdx) -> bool {
    let (c, s) = (gaz.place(city), gaz.place(site));
    city != site
        && c.kind.is_settlement()
        && kind_rank(s.kind) == 0
        && c.admin1.is_some()
        && c.admin1 == s.admin1
        && named_like_its_governorate(gaz, c)
}

/// `p` shares its name with the governorate it lies in («دير الزور»,
/// «الحسكة», «الرقة»).
pub(crate) fn named_like_its_governorate(gaz: &Gazetteer, p: &marsad_gazetteer::Place) -> bool {
    gaz.lookup_key(&marsad_arabic::key(&p.name_ar))
        .iter()
        .any(|r| {
            let g = gaz.place(r.place);
            g.kind == PlaceKind::Governorate && g.admin1 == p.admin1
        })
}

/// «قتل قيادي جراء استهداف سيارته … شمال شرقي سوريا» then «… انفجار قرب سجن
/// قرية أم فرسان … تزامن مع تحليق طائرة مسيرة»: an event whose type was not
/// read, told within a few units of a typed one at the same place or one
/// holding it, on no other day and with no other toll, is that event. Its
/// toll and date join it.
fn fold_untyped(gaz: &Gazetteer, mut drafts: Vec<Draft>) -> Vec<Draft> {
    let agree = |a: &Finding, b: &Finding| {
        (a.date.is_none() || b.date.is_none() || a.date == b.date)
            && marsad_model::CountKind::ALL.iter().all(|&k| {
                match (a.counts.get(k).0, b.counts.get(k).0) {
                    (Some(x), Some(y)) => x == y,
                    _ => true,
                }
            })
    };
    let mut k = 0;
    while k < drafts.len() {
        let d = &drafts[k];
        let Some(spot) = (d.incident.event_type == EventType::Other)
            .then(|| Spot::of(&d.incident))
            .flatten()
        else {
            k += 1;
            continue;
        };
        let into = (0..drafts.len()).find(|&j| {
            let e = &drafts[j];
            j != k
                && e.incident.event_type != EventType::Other
                && e.last_unit.abs_diff(d.last_unit) <= REACH
                && agree(&e.incident, &d.incident)
                && Spot::of(&e.incident).is_some_and(|p| same_place(gaz, &spot, &p))
        });
        let Some(j) = into else {
            k += 1;
            continue;
        };
        let untyped = drafts.remove(k).incident;
        let inc = &mut drafts[if j > k { j - 1 } else { j }].incident;
        inc.counts.fill_from(&untyped.counts);
        if inc.date.is_none() {
            inc.date = untyped.date;
            inc.date_precision = untyped.date_precision;
            inc.date_text = untyped.date_text.clone();
        }
        inc.signals.units += untyped.signals.units;
    }
    drafts
}

/// «شنت القوات حملة دهم في ريف الرقة» then the raid at each village: the
/// summary over a wide area (a governorate, a region, a district, or a
/// city named like its governorate and not called a city) is not an event
/// of its own when the article tells the same kind of event at places
/// inside that area. A summary with a toll stays (the toll may be all the
/// article gives), and so does one at a country: what a country-wide lead
/// sums up is too loose to be the details.
fn drop_summaries(gaz: &Gazetteer, drafts: Vec<Draft>) -> Vec<Finding> {
    let area = |d: &Draft| -> Option<PlaceIdx> {
        let p = d.incident.place.filter(|_| d.incident.unlisted.is_none())?;
        let place = gaz.place(p);
        let wide = kind_rank(place.kind) > 0 && place.kind != PlaceKind::Country
            || d.bare && place.kind.is_settlement() && named_like_its_governorate(gaz, place);
        wide.then_some(p)
    };
    let summary = |k: usize| {
        let s = &drafts[k].incident;
        let Some(area) = area(&drafts[k]) else {
            return false;
        };
        s.counts == Counts::default()
            && drafts.iter().enumerate().any(|(j, d)| {
                let d = &d.incident;
                j != k
                    && family(d.event_type) == family(s.event_type)
                    && (d.date.is_none() || s.date.is_none() || d.date == s.date)
                    && d.place.is_some_and(|p| {
                        contains(gaz, area, p) || city_for_governorate(gaz, area, p)
                    })
            })
    };
    let keep: Vec<bool> = (0..drafts.len()).map(|k| !summary(k)).collect();
    drafts
        .into_iter()
        .zip(keep)
        .filter_map(|(d, k)| k.then_some(d.incident))
        .collect()
}

/// A later, more specific place inside the one first given replaces it;
/// but a known town keeps its point rather than a quarter or village the
/// gazetteer lacks, which would be mapped at that town anyway.
fn refine_place(gaz: &Gazetteer, inc: &mut Finding, place: &Spot, precision: u8) {
    let known_town =
        inc.unlisted.is_none() && inc.place.is_some_and(|p| gaz.place(p).kind.is_settlement());
    if known_town && place.unlisted.is_some() {
        return;
    }
    if Spot::of(inc).is_some_and(|p| p.holds(gaz, place)) {
        inc.place = Some(place.place);
        inc.unlisted = place.unlisted.clone();
        inc.geo_precision = GeoPrecision::new(if place.unlisted.is_some() {
            precision.max(2)
        } else {
            precision
        });
    }
}

fn incident_id(article: u64, start: usize, ty: EventType, place: Option<&str>) -> String {
    let detail = format!("{start}|{}|{}", ty.as_str(), place.unwrap_or(""));
    format!("{:016x}", marsad_model::fnv1a(detail.as_bytes(), article))
}
