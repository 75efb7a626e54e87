//! Choosing the place each mention refers to.
//!
//! Every mention's candidates are scored by how the name matched, the kind
//! and population of the place, and the document: countries and divisions
//! the document names, closeness to its other places, explicit context
//! ("X, Syria", "X province", "city of X"), and the user's priors
//! (`--country`, `--bbox`). All mentions with one normalised key take one
//! place (one sense per discourse). A mention whose best candidate scores
//! under the acceptance threshold is dropped unless context marks it as a
//! place, in which case it is kept unresolved.

use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use crate::gazetteer::{Facts, Gazetteer, Kind, Place, Posting, Variant};
use crate::matcher::Mention;

/// A bounding box in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    /// West edge (longitude).
    pub west: f64,
    /// South edge (latitude).
    pub south: f64,
    /// East edge (longitude).
    pub east: f64,
    /// North edge (latitude).
    pub north: f64,
}

impl BBox {
    /// Parse `west,south,east,north`.
    pub fn parse(s: &str) -> Result<BBox, String> {
        let v: Vec<f64> = s
            .split(',')
            .map(|p| {
                p.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("bbox must be west,south,east,north in degrees, found {s:?}"))
            })
            .collect::<Result<_, _>>()?;
        let [west, south, east, north] = v[..] else {
            return Err(format!("bbox must have 4 numbers (west,south,east,north), found {}", v.len()));
        };
        if !(-180.0..=180.0).contains(&west) || !(-180.0..=180.0).contains(&east) {
            return Err(format!("bbox longitudes must be in [-180, 180], found {west} and {east}"));
        }
        if !(-90.0..=90.0).contains(&south) || !(-90.0..=90.0).contains(&north) || south > north {
            return Err(format!("bbox latitudes must be in [-90, 90] with south <= north, found {south} and {north}"));
        }
        Ok(BBox { west, south, east, north })
    }

    /// Whether the box contains the point (boxes may cross the antimeridian).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let in_lon = if self.west <= self.east {
            lon >= self.west && lon <= self.east
        } else {
            lon >= self.west || lon <= self.east
        };
        in_lon && lat >= self.south && lat <= self.north
    }
}

/// Options of the resolver.
#[derive(Clone, Debug)]
pub struct ResolveOptions {
    /// Prefer places in these countries (ISO alpha-2).
    pub countries: Vec<String>,
    /// Prefer places inside this box.
    pub bbox: Option<BBox>,
    /// Score a candidate needs to be accepted without contextual cues.
    pub threshold: f64,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions { countries: Vec::new(), bbox: None, threshold: THRESHOLD }
    }
}

/// Default acceptance threshold of the raw score.
pub const THRESHOLD: f64 = 2.4;

/// The decision for one mention.
#[derive(Clone, Copy, Debug)]
pub struct Decision<'g> {
    /// The chosen place, or `None` when the mention is kept unresolved.
    pub place: Option<Place<'g>>,
    /// Confidence in `[0, 1]`.
    pub confidence: f64,
}

/// A scored candidate, for `geoevent resolve`.
#[derive(Clone, Debug)]
pub struct Scored<'g> {
    /// The place.
    pub place: Place<'g>,
    /// How the name matched.
    pub variant: Variant,
    /// Raw score (higher is better).
    pub score: f64,
    /// Share of the probability mass among the candidates.
    pub confidence: f64,
}

/// Prior score of a candidate, before context.
pub fn prior(place: &Place<'_>, variant: Variant) -> f64 {
    kind_prior(place.kind, place.population, variant)
}

/// [`prior`] of a place of this kind and population.
fn kind_prior(kind: Kind, population: Option<u64>, variant: Variant) -> f64 {
    let v = match variant {
        Variant::Primary => 0.0,
        Variant::Alternate => -0.2,
        Variant::Stripped => -0.5,
        Variant::Loose => -2.0,
    };
    let k = match kind {
        Kind::Country => 4.0,
        Kind::Admin1 => 3.0,
        Kind::Region => 3.0,
        Kind::Natural | Kind::Facility => 2.2,
        Kind::Admin2 => 1.5,
        Kind::City | Kind::Town | Kind::Village => {
            // GeoNames leaves many towns' population unknown; count those
            // as a village of about a thousand.
            let pop = population.unwrap_or(1_000).max(1) as f64;
            0.5 * pop.log10() + if kind == Kind::City { 0.2 } else { 0.0 }
        }
    };
    v + k
}

/// Resolves the mentions of one document.
#[derive(Debug)]
pub struct Resolver<'g> {
    gazetteer: &'g Gazetteer,
    options: ResolveOptions,
    /// Tells this resolver (its gazetteer and options) from every other
    /// one of the process, for the per-thread memo of priors.
    id: u64,
}

/// A group's candidates: posting, facts and score, best first.
type Candidates = Vec<(Posting, Facts, f64)>;

struct Group<'m> {
    /// The first and the last of its mentions, and how many it has (a group
    /// keeps no list of them: one vector fewer per group).
    first: usize,
    last: usize,
    count: u32,
    /// The postings of its mentions, merged: each place once, with its
    /// best variant, in order of first appearance. Borrowed from its first
    /// mention until another brings new ones (most groups: one vector
    /// fewer).
    postings: std::borrow::Cow<'m, [Posting]>,
    /// Its candidates, from [`Resolver::priors`]: shared with the memo of
    /// priors (and every group with the same postings and cues), not copied.
    candidates: Rc<[Candidate]>,
    /// Index of the next mention after ", " (for "X, Syria").
    comma_next: Vec<usize>,
    cues: GroupCues,
}

#[derive(Clone, Copy)]
struct GroupCues {
    admin: bool,
    admin2: bool,
    populated: bool,
    surname: bool,
    common_word: bool,
    all_sentence_start: bool,
    lowercase_only: bool,
    demonym: bool,
    multiword: bool,
    locative: bool,
}

impl GroupCues {
    /// The cues as bits, for the memo of priors.
    fn bits(&self) -> u16 {
        [
            self.admin,
            self.admin2,
            self.populated,
            self.surname,
            self.common_word,
            self.all_sentence_start,
            self.lowercase_only,
            self.demonym,
            self.multiword,
            self.locative,
        ]
        .iter()
        .enumerate()
        .fold(0, |bits, (k, &on)| bits | u16::from(on) << k)
    }
}

const MAX_CANDIDATES: usize = 24;

/// Places (in order of first mention) considered for closeness.
const MAX_CONTEXT_POINTS: usize = 256;

/// One candidate of a group, as [`Resolver::group_candidates`] made it:
/// everything resolving reads of it in one place (one allocation for all of
/// a group's, which a memo hit reads with few cache misses).
#[derive(Clone, Copy)]
struct Candidate {
    posting: Posting,
    facts: Facts,
    /// Its score before document context.
    prior: f64,
    /// The sine and cosine of half its latitude (see [`Point`]): computed
    /// once for the memo of priors, not once a document.
    half_sin: f64,
    half_cos: f64,
}

impl Candidate {
    fn new(&(posting, facts, prior): &(Posting, Facts, f64)) -> Candidate {
        // A sine and a cosine only where closeness counts
        // ([`Candidate::position`] reads them only there).
        let (half_sin, half_cos) =
            has_closeness(facts.kind).then(|| Point::of(&facts)).map_or((0.0, 0.0), |p| (p.half_sin, p.half_cos));
        Candidate { posting, facts, prior, half_sin, half_cos }
    }

    /// Its position, when its closeness counts ([`has_closeness`]).
    fn position(&self) -> Option<Point> {
        has_closeness(self.facts.kind).then_some(Point {
            lon: self.facts.lon,
            lat: self.facts.lat,
            half_cos: self.half_cos,
            half_sin: self.half_sin,
        })
    }
}

/// A group's candidates, shared.
fn shared(candidates: &Candidates) -> Rc<[Candidate]> {
    candidates.iter().map(Candidate::new).collect()
}

/// A group's candidates for the postings and cues they were made from.
struct PriorEntry {
    cues: u16,
    postings: Box<[Posting]>,
    candidates: Rc<[Candidate]>,
}

/// Groups' candidates by postings and cues, for one resolver: news repeats
/// its place names from document to document, and reading each candidate's
/// record (mostly a cache miss with a large gazetteer) and scoring them
/// took a third of resolving's instructions with the population-500 index.
/// Emptied when full, so memory stays flat.
#[derive(Default)]
struct PriorMemo {
    owner: u64,
    table: hashbrown::HashTable<PriorEntry>,
    /// Bytes its entries hold, about.
    bytes: usize,
}

/// Bytes the memo of priors holds before it is emptied (each worker
/// thread has one): a name of a large gazetteer can have thousands of
/// postings. A few hundred bytes an entry, so some 10,000 groups.
const PRIOR_MEMO_BYTES: usize = 4 << 20;

impl PriorEntry {
    /// Bytes the entry holds, about.
    fn bytes(&self) -> usize {
        std::mem::size_of::<PriorEntry>()
            + std::mem::size_of_val(&*self.postings)
            + std::mem::size_of_val(&*self.candidates)
    }
}

thread_local! {
    /// The thread's memo of priors, for the resolver it served last.
    static PRIORS: std::cell::RefCell<PriorMemo> = std::cell::RefCell::new(PriorMemo::default());
}

/// Ids of resolvers, from 1.
static NEXT_RESOLVER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The memo's hash of postings and cues.
fn prior_hash(cues: u16, postings: &[Posting]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write_u16(cues);
    for p in postings {
        h.write_u64(u64::from(p.place) | (p.variant as u64) << 32 | u64::from(p.abbreviation) << 40);
    }
    h.finish()
}

/// Whether the context bonus of a candidate of this kind measures its
/// closeness to the document's other places (and its division's support).
fn has_closeness(kind: Kind) -> bool {
    kind.is_populated() || matches!(kind, Kind::Natural | Kind::Facility | Kind::Admin2)
}

impl<'g> Resolver<'g> {
    /// A resolver over `gazetteer`.
    pub fn new(gazetteer: &'g Gazetteer, options: ResolveOptions) -> Resolver<'g> {
        let id = NEXT_RESOLVER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Resolver { gazetteer, options, id }
    }

    /// Score the candidates of a bare name with no document context.
    pub fn rank_name(&self, name: &str) -> Vec<Scored<'g>> {
        let mut scored: Vec<Scored<'g>> = self
            .gazetteer
            .find(name)
            .into_iter()
            .map(|(place, p)| {
                let s = prior(&place, p.variant) + self.prior_bonus(place.country.as_bytes(), place.lon, place.lat);
                Scored { place, variant: p.variant, score: s, confidence: 0.0 }
            })
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.place.index.cmp(&b.place.index)));
        let z: f64 = scored.iter().map(|s| s.score.exp()).sum();
        for s in &mut scored {
            s.confidence = if z > 0.0 { s.score.exp() / z } else { 0.0 };
        }
        scored
    }

    /// The user's priors for a place in `country` at `lon`, `lat`.
    fn prior_bonus(&self, country: &[u8], lon: f64, lat: f64) -> f64 {
        let mut b = 0.0;
        if !self.options.countries.is_empty() && self.options.countries.iter().any(|c| c.as_bytes() == country) {
            b += 2.0;
        }
        if let Some(bbox) = &self.options.bbox {
            b += if bbox.contains(lon, lat) { 2.0 } else { -3.0 };
        }
        b
    }

    /// Resolve the mentions of one document; the result is parallel to
    /// `mentions`. `comma_next[i]` is the index of the mention right after
    /// mention `i` and a comma, if any.
    pub fn resolve(&self, mentions: &[Mention], comma_next: &[Option<usize>]) -> Vec<Decision<'g>> {
        self.resolve_with_context(mentions, comma_next, &[])
    }

    /// [`Resolver::resolve`] with countries known from outside the place
    /// names (a report's actors): candidates there gain a little.
    pub fn resolve_with_context(
        &self,
        mentions: &[Mention],
        comma_next: &[Option<usize>],
        countries: &[String],
    ) -> Vec<Decision<'g>> {
        let g = self.gazetteer;
        let (mut groups, group_of) = self.group(mentions, comma_next);
        self.priors(&mut groups, countries);
        // Pass 1: picks by prior (each group's first candidate); pass 2 and
        // 3: with document context. A pick is a candidate's index.
        let mut picked: Vec<Option<usize>> =
            groups.iter().map(|grp| (!grp.candidates.is_empty()).then_some(0)).collect();
        // Each group's totals, one slice of a flat vector: group `gi`'s are
        // `flat[offsets[gi]..offsets[gi + 1]]`.
        let mut offsets = Vec::with_capacity(groups.len() + 1);
        let mut flat: Vec<f64> = Vec::new();
        for grp in &groups {
            offsets.push(flat.len());
            flat.extend(grp.candidates.iter().map(|c| c.prior));
        }
        offsets.push(flat.len());
        // One context's buffers for both passes, kept for the next document.
        let mut ctx = CONTEXT.with(std::cell::Cell::take);
        for _ in 0..2 {
            ctx.fill(g, &groups, &picked);
            for (gi, grp) in groups.iter().enumerate() {
                for (ci, c) in grp.candidates.iter().enumerate() {
                    let k = offsets[gi] + ci;
                    flat[k] = c.prior + ctx.bonus(gi, &c.facts, c.position(), grp, &group_of);
                }
            }
            let next_picked: Vec<Option<usize>> = (0..groups.len())
                .map(|gi| {
                    flat[offsets[gi]..offsets[gi + 1]]
                        .iter()
                        .enumerate()
                        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
                        .map(|(ci, _)| ci)
                })
                .collect();
            // The context is made of the picks alone: when this pass changed
            // none, the next would compute the same totals again.
            let settled = next_picked == picked;
            picked = next_picked;
            if settled {
                break;
            }
        }
        if ctx.worth_keeping() {
            CONTEXT.with(|c| c.set(ctx));
        }
        if debug() {
            for (gi, grp) in groups.iter().enumerate() {
                let m = &mentions[grp.first];
                let cands: Vec<String> = grp
                    .candidates
                    .iter()
                    .zip(&flat[offsets[gi]..offsets[gi + 1]])
                    .take(4)
                    .map(|(c, t)| {
                        let (p, pl, s) = (c.posting, c.facts, c.prior);
                        let name = g.place(pl.index).map_or("", |pl| pl.name);
                        format!("{}({}) {:?} prior {:.2} total {:.2}", name, pl.country_str(), p.variant, s, t)
                    })
                    .collect();
                eprintln!("[resolve] {:?} x{}: {}", m.key, grp.count, cands.join(" | "));
            }
        }
        // Decisions.
        let mut group_decision: Vec<Decision<'g>> = Vec::with_capacity(groups.len());
        for (gi, grp) in groups.iter().enumerate() {
            let t = &flat[offsets[gi]..offsets[gi + 1]];
            let z: f64 = t.iter().map(|s| s.exp()).sum();
            // The highest total; the first candidate of equal ones.
            let best = t.iter().copied().enumerate().reduce(|a, b| if b.1.total_cmp(&a.1).is_gt() { b } else { a });
            let cue_only = grp.cues.populated || grp.cues.admin || grp.cues.admin2;
            let decision = match best {
                // The chosen place is the one read whole (its facts were
                // read only after its strings were checked: it reads).
                Some((ci, score)) if score >= self.options.threshold => {
                    let place = g.place(grp.candidates[ci].facts.index);
                    let share = score.exp() / z;
                    let conf = share * sigmoid(2.0 * (score - self.options.threshold) + 1.0);
                    Decision { place, confidence: conf }
                }
                _ if cue_only => Decision { place: None, confidence: 0.0 },
                _ => Decision { place: None, confidence: -1.0 },
            };
            group_decision.push(decision);
        }
        group_of.iter().map(|&gi| group_decision[gi]).collect()
    }

    /// The mentions grouped by key, with their postings merged and their
    /// cues combined (no place read yet); and the group of each mention.
    fn group<'m>(&self, mentions: &'m [Mention], comma_next: &[Option<usize>]) -> (Vec<Group<'m>>, Vec<usize>) {
        let mut by_key: HashMap<&str, usize> = HashMap::with_capacity_and_hasher(mentions.len(), Default::default());
        let mut groups: Vec<Group<'m>> = Vec::with_capacity(mentions.len());
        let mut group_of = vec![0usize; mentions.len()];
        for (i, m) in mentions.iter().enumerate() {
            let gi = *by_key.entry(m.key.as_str()).or_insert_with(|| {
                groups.push(Group {
                    first: i,
                    last: i,
                    count: 0,
                    postings: std::borrow::Cow::Borrowed(&[]),
                    candidates: Rc::default(),
                    comma_next: Vec::new(),
                    cues: GroupCues {
                        admin: false,
                        admin2: false,
                        populated: false,
                        surname: false,
                        common_word: false,
                        all_sentence_start: true,
                        lowercase_only: true,
                        demonym: false,
                        multiword: m.key.contains(' '),
                        locative: false,
                    },
                });
                groups.len() - 1
            });
            group_of[i] = gi;
            let grp = &mut groups[gi];
            // Mentions of one key mostly have the same candidates: merging
            // them again would change nothing.
            let merged = grp.count > 0 && mentions[grp.last].candidates == m.candidates;
            grp.last = i;
            grp.count += 1;
            // A mention's candidates come from one name's postings, which
            // list a place once: the first mention's need no search for a
            // place already in the group.
            if grp.postings.is_empty() {
                grp.postings = std::borrow::Cow::Borrowed(&m.candidates);
            } else if !merged {
                for p in &m.candidates {
                    // A posting that changes nothing copies nothing.
                    match grp.postings.iter().position(|q| q.place == p.place) {
                        Some(k) if p.variant < grp.postings[k].variant => grp.postings.to_mut()[k] = *p,
                        Some(_) => {}
                        None => grp.postings.to_mut().push(*p),
                    }
                }
            }
            let c = &mut grp.cues;
            c.admin |= m.cues.admin;
            c.admin2 |= m.cues.admin2;
            c.populated |= m.cues.populated;
            c.surname |= m.cues.surname;
            c.demonym |= m.cues.demonym;
            c.locative |= m.cues.locative;
            // A common word is risky unless some mention of it is mid-sentence.
            c.common_word |= m.cues.common_word;
            c.all_sentence_start &= m.cues.sentence_start;
            c.lowercase_only &= m.cues.lowercase;
            if let Some(Some(n)) = comma_next.get(i) {
                grp.comma_next.push(*n);
            }
        }
        (groups, group_of)
    }

    /// Each group's candidates: see [`Resolver::group_candidates`]. Taken
    /// from the thread's memo when they were made before from the same
    /// postings and cues (and no outside countries are given, which the
    /// memo does not key on).
    fn priors(&self, groups: &mut [Group<'_>], countries: &[String]) {
        if !countries.is_empty() {
            for grp in groups.iter_mut() {
                grp.candidates = shared(&self.group_candidates(&grp.postings, grp.cues, countries));
            }
            return;
        }
        PRIORS.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.owner != self.id || memo.bytes >= PRIOR_MEMO_BYTES {
                memo.owner = self.id;
                memo.table.clear();
                memo.bytes = 0;
            }
            for grp in groups.iter_mut() {
                let (cues, postings) = (grp.cues.bits(), &*grp.postings);
                let hash = prior_hash(cues, postings);
                let same = |e: &PriorEntry| e.cues == cues && *e.postings == *postings;
                if let Some(e) = memo.table.find(hash, same) {
                    grp.candidates = Rc::clone(&e.candidates);
                    continue;
                }
                grp.candidates = shared(&self.group_candidates(postings, grp.cues, &[]));
                let entry = PriorEntry { cues, postings: postings.into(), candidates: Rc::clone(&grp.candidates) };
                memo.bytes += entry.bytes();
                memo.table.insert_unique(hash, entry, |e| prior_hash(e.cues, &e.postings));
            }
        });
    }

    /// The candidates of a group of these postings and cues: its places
    /// filtered by its cues, scored by prior, sorted best first and capped
    /// at [`MAX_CANDIDATES`]. `countries`: see
    /// [`Resolver::resolve_with_context`].
    fn group_candidates(&self, postings: &[Posting], cues: GroupCues, countries: &[String]) -> Candidates {
        let g = self.gazetteer;
        let mut candidates: Candidates = postings
            .iter()
            .filter_map(|p| g.facts(p.place).map(|place| (*p, place, 0.0)))
            .filter(|(_, place, _)| {
                if cues.lowercase_only && !matches!(place.kind, Kind::Country | Kind::Admin1 | Kind::Region) {
                    return false;
                }
                // A person's surname: only a country is still taken as a place.
                !(cues.surname && place.kind != Kind::Country)
            })
            .collect();
        // A country's own name dominates places that merely list it as
        // an alternate name ("Iraq" is also an alternate name of Arak).
        let country_by_name =
            candidates.iter().any(|(p, place, _)| place.kind == Kind::Country && p.variant == Variant::Primary);
        let any_country = candidates.iter().any(|(_, place, _)| place.kind == Kind::Country);
        // A province named after its capital: the city, unless a cue
        // says province ("Geneva", "Kirkuk").
        let divisions: Vec<&Facts> = candidates.iter().map(|(_, a, _)| a).filter(|a| a.kind == Kind::Admin1).collect();
        let capitals: Vec<u32> = candidates
            .iter()
            .filter(|_| !divisions.is_empty())
            .filter(|(_, c, _)| c.kind.is_populated())
            .filter(|(_, c, _)| divisions.iter().any(|a| a.country == c.country && a.name == c.admin1))
            .map(|(p, _, _)| p.place)
            .collect();
        for (p, place, s) in &mut candidates {
            *s = kind_prior(place.kind, place.population, p.variant)
                + self.prior_bonus(place.country_bytes(), place.lon, place.lat)
                + cue_bonus(&cues, place.kind);
            if !any_country && countries.iter().any(|c| c.as_bytes() == place.country_bytes()) {
                *s += 1.5;
            }
            if capitals.contains(&p.place) && !cues.admin {
                *s += 0.6;
            }
            if country_by_name && place.kind != Kind::Country && p.variant != Variant::Primary {
                *s -= 1.5;
            }
        }
        candidates.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.place.cmp(&b.0.place)));
        candidates.truncate(MAX_CANDIDATES);
        candidates
    }
}

/// A position of the resolver's context, with the sine and cosine of half
/// its latitude: the cosine of the mean latitude of two points is then a
/// product of these, not a `cos` call for every pair.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Point {
    lon: f64,
    lat: f64,
    half_cos: f64,
    half_sin: f64,
}

impl Point {
    fn new(lon: f64, lat: f64) -> Point {
        let (half_sin, half_cos) = (lat.to_radians() / 2.0).sin_cos();
        Point { lon, lat, half_cos, half_sin }
    }

    fn of(p: &Facts) -> Point {
        Point::new(p.lon, p.lat)
    }
}

/// [`approx_squared`] in meters.
#[cfg(test)]
fn approx_m(a: &Point, b: &Point) -> f64 {
    meters(approx_squared(a, b))
}

/// The distance in meters of an [`approx_squared`] angle.
fn meters(squared: f64) -> f64 {
    6_371_008.8 * squared.sqrt()
}

/// The square of the equirectangular angle between two points, in radians:
/// as a distance ([`meters`]) within a few percent of the geodesic up to a
/// few hundred km, which is all the proximity thresholds need, and cheap (no
/// trigonometry: cos((a + b) / 2) = cos(a/2) cos(b/2) - sin(a/2) sin(b/2)).
fn approx_squared(a: &Point, b: &Point) -> f64 {
    let mut dlon = (b.lon - a.lon).abs();
    if dlon > 180.0 {
        dlon = 360.0 - dlon;
    }
    let cos_mean = a.half_cos * b.half_cos - a.half_sin * b.half_sin;
    let x = dlon.to_radians() * cos_mean;
    let y = (b.lat - a.lat).to_radians();
    x * x + y * y
}

/// The context's points, one vector a field, so that the closeness loop
/// reads two points with one load a field. Padded to an even length with a
/// point that counts for nothing: no position (NaN, which the minimum
/// skips) and no group.
#[derive(Default)]
struct Points {
    lon: Vec<f64>,
    lat: Vec<f64>,
    half_cos: Vec<f64>,
    half_sin: Vec<f64>,
    /// The group of each point, as a float (exact: groups are far below
    /// 2^53) for a vector compare; -1 for the padding.
    group: Vec<f64>,
    /// The number of points, without the padding.
    len: usize,
}

impl Points {
    /// Empty the points, keeping their buffers.
    fn clear(&mut self) {
        for v in [&mut self.lon, &mut self.lat, &mut self.half_cos, &mut self.half_sin, &mut self.group] {
            v.clear();
        }
        self.len = 0;
    }

    fn push(&mut self, gi: usize, p: Point) {
        self.push_raw(gi as f64, p);
        self.len += 1;
    }

    fn push_raw(&mut self, group: f64, p: Point) {
        self.lon.push(p.lon);
        self.lat.push(p.lat);
        self.half_cos.push(p.half_cos);
        self.half_sin.push(p.half_sin);
        self.group.push(group);
    }

    /// Pad to an even length.
    fn finish(&mut self) {
        if self.len % 2 == 1 {
            let nan = f64::NAN;
            self.push_raw(-1.0, Point { lon: nan, lat: nan, half_cos: nan, half_sin: nan });
        }
    }

    fn get(&self, k: usize) -> (usize, Point) {
        let p = Point { lon: self.lon[k], lat: self.lat[k], half_cos: self.half_cos[k], half_sin: self.half_sin[k] };
        (self.group[k] as usize, p)
    }
}

/// The distance in meters from `here` to the nearest of `points` not of
/// group `gi`, and how many points are not of group `gi`.
///
/// No branch in the loop: every step is an independent computation. The
/// loop this replaced skipped points by a north-south bound and stopped at
/// the first point nearer than the closest step, with fewer instructions
/// but a mispredicted test per point; this one made resolving with the
/// population-500 index 4-5% faster. And one square root for the nearest,
/// not one a point: a root and the scaling are monotonic, so the root of
/// the least square is the least distance, to the bit.
///
/// On x86-64, two points a step in SSE2 (part of every x86-64 CPU): the
/// same operations in the same order as [`nearest_other_scalar`], so the
/// same bits (a property test checks it).
fn nearest_other(here: &Point, points: &Points, gi: usize) -> (f64, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of x86-64: every CPU that runs this has it.
        unsafe { nearest_other_sse2(here, points, gi) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        nearest_other_scalar(here, points, gi)
    }
}

/// [`nearest_other`], one point a step.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn nearest_other_scalar(here: &Point, points: &Points, gi: usize) -> (f64, usize) {
    let (least, own) = (0..points.len).fold((f64::INFINITY, false), |(least, own), k| {
        let (gj, p) = points.get(k);
        // Computed for the group's own point too, then left out: a select,
        // not a branch.
        let d = approx_squared(here, &p);
        let mine = gj == gi;
        (if mine { least } else { least.min(d) }, own | mine)
    });
    (meters(least), points.len - usize::from(own))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn nearest_other_sse2(here: &Point, points: &Points, gi: usize) -> (f64, usize) {
    use std::arch::x86_64::{
        _mm_add_pd, _mm_and_pd, _mm_andnot_pd, _mm_cmpeq_pd, _mm_loadu_pd, _mm_min_pd, _mm_movemask_pd, _mm_mul_pd,
        _mm_or_pd, _mm_set1_pd, _mm_setzero_pd, _mm_storeu_pd, _mm_sub_pd,
    };
    let n = points.lon.len();
    let (lon, lat, hc, hs, group) =
        (&points.lon[..n], &points.lat[..n], &points.half_cos[..n], &points.half_sin[..n], &points.group[..n]);
    let (a_lon, a_lat) = (_mm_set1_pd(here.lon), _mm_set1_pd(here.lat));
    let (a_cos, a_sin) = (_mm_set1_pd(here.half_cos), _mm_set1_pd(here.half_sin));
    let g = _mm_set1_pd(gi as f64);
    let deg360 = _mm_set1_pd(360.0);
    let sign = _mm_set1_pd(-0.0);
    // What `f64::to_radians` multiplies by.
    let rad = _mm_set1_pd(std::f64::consts::PI / 180.0);
    let inf = _mm_set1_pd(f64::INFINITY);
    let (mut least, mut own) = (inf, _mm_setzero_pd());
    for k in (0..n).step_by(2) {
        // SAFETY: `k + 1 < n`: the vectors have the same, even length.
        let at = |v: &[f64]| unsafe { _mm_loadu_pd(v.as_ptr().add(k)) };
        let (b_lon, b_lat) = (at(lon), at(lat));
        // |b.lon - a.lon|, and 360 minus it when over 180: the lesser of the
        // two (exactly one of them, as `approx_squared`'s test picks).
        let dlon = _mm_andnot_pd(sign, _mm_sub_pd(b_lon, a_lon));
        let dlon = _mm_min_pd(dlon, _mm_sub_pd(deg360, dlon));
        let cos_mean = _mm_sub_pd(_mm_mul_pd(a_cos, at(hc)), _mm_mul_pd(a_sin, at(hs)));
        let x = _mm_mul_pd(_mm_mul_pd(dlon, rad), cos_mean);
        let y = _mm_mul_pd(_mm_sub_pd(b_lat, a_lat), rad);
        let d = _mm_add_pd(_mm_mul_pd(x, x), _mm_mul_pd(y, y));
        let mine = _mm_cmpeq_pd(at(group), g);
        // The group's own point reads as infinitely far; padding is NaN,
        // which `_mm_min_pd` passes over (it returns its second operand).
        let candidate = _mm_or_pd(_mm_and_pd(mine, inf), _mm_andnot_pd(mine, d));
        least = _mm_min_pd(candidate, least);
        own = _mm_or_pd(own, mine);
    }
    let mut lanes = [0.0; 2];
    // SAFETY: two lanes into two.
    unsafe { _mm_storeu_pd(lanes.as_mut_ptr(), least) };
    let own = _mm_movemask_pd(own) != 0;
    (meters(lanes[0].min(lanes[1])), points.len - usize::from(own))
}

/// Closer than this (in meters), a place is next to another of the document.
const NEAR_M: f64 = 50_000.0;

/// Farther than this (in meters) from all others, a place is far away; no
/// step of the closeness bonus lies beyond it.
const FAR_M: f64 = 1_500_000.0;

/// Whether `GEOEVENT_DEBUG` is set: the resolver then prints its scores.
/// Read once (reading the environment takes a lock and allocates).
fn debug() -> bool {
    static DEBUG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("GEOEVENT_DEBUG").is_some())
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn cue_bonus(grp: &GroupCues, kind: Kind) -> f64 {
    let mut b = 0.0;
    if grp.admin {
        b += match kind {
            Kind::Admin1 => 2.5,
            Kind::Region => 1.0,
            Kind::Country => -1.0,
            _ => 0.0,
        };
    }
    // "near X", "in X": a locative preposition before a capitalised name.
    if grp.locative && !matches!(kind, Kind::Country | Kind::Admin1) {
        b += 0.8;
    }
    // A name of several words is rarely anything but the place it names.
    if grp.multiword {
        b += 0.4;
    }
    if grp.admin2 && kind == Kind::Admin2 {
        b += 2.5;
    }
    if grp.populated {
        b += if kind.is_populated() { 1.5 } else { -1.0 };
    }
    // A name that is also a common word: weak evidence mid-sentence, none at
    // the start of a sentence, where every word is capitalised.
    if grp.common_word {
        b -= if grp.all_sentence_start { 10.0 } else { 2.0 };
    }
    if grp.demonym && kind != Kind::Country {
        b -= 10.0;
    }
    b
}

/// A country code as one integer: hashed in one step (an array is hashed
/// as a slice, its length first).
fn country_key(country: [u8; 2]) -> u16 {
    u16::from_le_bytes(country)
}

/// A (country, division name) pair as one integer, likewise.
fn admin1_key(country: [u8; 2], admin1: u32) -> u64 {
    u64::from(country_key(country)) << 32 | u64::from(admin1)
}

/// What the other mentions of a document say.
#[derive(Default)]
struct Context {
    /// Country code (as [`country_key`]) -> number of mentions supporting it.
    countries: HashMap<u16, u32>,
    /// (country, admin1 name as a string-table offset) of divisions picked,
    /// as [`admin1_key`] -> the first group naming one, and how many do (a
    /// group names one at most once: no list of them is needed to tell
    /// another group).
    admin1s: HashMap<u64, (usize, u32)>,
    /// Picked positions of populated places and small features, with their
    /// group, among the first [`MAX_CONTEXT_POINTS`] groups: only groups
    /// with a position, so the closeness loop tests no empty slot.
    points: Points,
    /// Each group's pick.
    picks: Vec<Option<Facts>>,
}

impl Context {
    /// Make this the context of these picks (`picked`: each group's
    /// candidate), in the buffers it has.
    fn fill(&mut self, g: &Gazetteer, groups: &[Group<'_>], picked: &[Option<usize>]) {
        let Context { countries, admin1s, points, picks } = self;
        picks.clear();
        picks.extend(groups.iter().zip(picked).map(|(grp, ci)| ci.map(|ci| grp.candidates[ci].facts)));
        countries.clear();
        admin1s.clear();
        let mut name = |key: u64, gi: usize| admin1s.entry(key).or_insert((gi, 0)).1 += 1;
        points.clear();
        for (gi, (grp, pick)) in groups.iter().zip(picks.iter()).enumerate() {
            let place = *pick;
            // A pick has a position exactly when its closeness counts.
            if let Some(here) = picked[gi].and_then(|ci| grp.candidates[ci].position())
                && gi < MAX_CONTEXT_POINTS
            {
                points.push(gi, here);
            }
            let Some(place) = place else { continue };
            // Only confident picks vote: a single candidate, a clear lead, or
            // a country/division.
            let lead = match &*grp.candidates {
                [_] => true,
                [a, b, ..] => a.prior - b.prior >= 1.0,
                [] => false,
            };
            if !(lead || matches!(place.kind, Kind::Country | Kind::Admin1)) {
                continue;
            }
            if place.country[0] != 0 {
                *countries.entry(country_key(place.country)).or_default() += grp.count;
            }
            if place.kind == Kind::Admin1 {
                name(admin1_key(place.country, place.name), gi);
            } else if place.kind.is_populated() && !g.is_empty_string(place.admin1) {
                name(admin1_key(place.country, place.admin1), gi);
            }
        }
        points.finish();
    }

    /// Whether the buffers are small enough to keep for the next document
    /// (a huge one's are let go, so memory stays flat).
    fn worth_keeping(&self) -> bool {
        self.picks.capacity() <= 1 << 12 && self.countries.capacity() <= 1 << 10 && self.admin1s.capacity() <= 1 << 10
    }
}

thread_local! {
    /// A context's buffers, kept from document to document.
    static CONTEXT: std::cell::Cell<Context> = std::cell::Cell::new(Context::default());
}

impl Context {
    /// The context bonus of candidate `place` of group `gi`, whose position
    /// is `here` (from [`positions`]: known exactly when its closeness
    /// counts).
    fn bonus(&self, gi: usize, place: &Facts, here: Option<Point>, grp: &Group<'_>, group_of: &[usize]) -> f64 {
        let mut b = 0.0;
        let own = place.country;
        // Countries named elsewhere in the document (not by this group).
        let support = self.countries.get(&country_key(own)).copied().unwrap_or(0);
        let self_votes = if self.picks[gi].is_some_and(|p| p.country == own) { grp.count } else { 0 };
        let supported = support > self_votes;
        if supported {
            b += 2.0;
        }
        if let Some(here) = here {
            // Named by a group other than this one.
            if self.admin1s.get(&admin1_key(own, place.admin1)).is_some_and(|&(first, count)| count > 1 || first != gi)
            {
                b += 1.0;
            }
            // Closeness to the document's other places.
            // Bounded: a book-length "document" must not make this quadratic.
            let (nearest, others) = nearest_other(&here, &self.points, gi);
            // A lone far-away candidate in a document whose places cluster
            // elsewhere ("Hamas" as Hamm, Germany, in a Middle East story).
            if others >= 2 && nearest > FAR_M && !supported {
                b -= 1.0;
            }
            b += if nearest < NEAR_M {
                1.5
            } else if nearest < 200_000.0 {
                1.0
            } else if nearest < 500_000.0 {
                0.5
            } else {
                0.0
            };
        }
        // "X, Syria" / "X, Anbar".
        for &n in &grp.comma_next {
            let Some(next) = self.picks.get(group_of[n]).copied().flatten() else { continue };
            match next.kind {
                Kind::Country => b += if next.country == place.country { 3.0 } else { -1.0 },
                Kind::Admin1 => {
                    b += if next.country == place.country && next.name == place.admin1 { 3.0 } else { -1.0 };
                }
                _ => {}
            }
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mentions of one key make one group, whose postings are theirs
    /// merged: each place once, with its best variant, in order of first
    /// appearance; a group whose mentions bring nothing new borrows its
    /// first mention's.
    #[test]
    fn a_group_merges_its_mentions_postings() {
        let resolver = Resolver::new(Gazetteer::embedded(), ResolveOptions::default());
        let p = |place, variant| Posting { place, variant, abbreviation: false };
        let m = |key: &str, candidates: Vec<Posting>| Mention {
            start: 0,
            end: 0,
            first_token: 0,
            last_token: 0,
            key: key.into(),
            candidates,
            cues: crate::matcher::Cues::default(),
        };
        let mentions = [
            m("x", vec![p(1, Variant::Loose), p(2, Variant::Primary)]),
            m("y", vec![p(3, Variant::Primary)]),
            m("x", vec![p(1, Variant::Alternate), p(4, Variant::Alternate), p(2, Variant::Loose)]),
            m("x", vec![p(1, Variant::Alternate), p(4, Variant::Alternate), p(2, Variant::Loose)]),
            m("y", vec![p(3, Variant::Stripped)]),
        ];
        let (groups, group_of) = resolver.group(&mentions, &[None; 5]);
        assert_eq!(group_of, [0, 1, 0, 0, 1]);
        assert_eq!(*groups[0].postings, [p(1, Variant::Alternate), p(2, Variant::Primary), p(4, Variant::Alternate)]);
        assert_eq!((groups[0].first, groups[0].last, groups[0].count), (0, 3, 3));
        assert_eq!(*groups[1].postings, [p(3, Variant::Primary)]);
        assert!(matches!(groups[1].postings, std::borrow::Cow::Borrowed(_)));
    }

    /// The step of the closeness bonus a distance falls in, and whether it
    /// is beyond [`FAR_M`].
    fn step(nearest: f64) -> (u8, bool) {
        let s = [NEAR_M, 200_000.0, 500_000.0].iter().take_while(|t| nearest >= **t).count() as u8;
        (s, nearest > FAR_M)
    }

    /// The closeness loop as it was written before it went branch-free:
    /// points skipped by a north-south bound, and a stop at the first point
    /// nearer than the closest step.
    fn nearest_with_early_exits(here: &Point, points: &Points, gi: usize) -> (f64, usize) {
        let lat_bound = |a: &Point, b: &Point| 6_371_008.8 * (1.0 - 1e-9) * (b.lat - a.lat).to_radians().abs();
        let (mut nearest, mut others) = (f64::INFINITY, 0);
        for (gj, p) in (0..points.len).map(|k| points.get(k)) {
            if gj == gi {
                continue;
            }
            others += 1;
            if nearest < NEAR_M {
                break;
            }
            let lat_m = lat_bound(here, &p);
            if lat_m >= nearest || lat_m > FAR_M {
                continue;
            }
            nearest = nearest.min(approx_m(here, &p));
        }
        (nearest, others)
    }

    proptest::proptest! {
        /// The branch-free nearest distance puts every candidate in the same
        /// step as the loop with early exits did, and counts the same other
        /// points where the count matters (beyond FAR_M): the resolver's
        /// decisions do not change.
        #[test]
        fn the_branch_free_nearest_falls_in_the_same_step(
            lon in -180.0f64..=180.0, lat in -80.0f64..=80.0,
            offsets in proptest::collection::vec((-1.0f64..=1.0, -1.0f64..=1.0), 0..12),
            // Degrees: points next to each other, in one region, or far apart.
            spread in proptest::prop_oneof![proptest::strategy::Just(0.5), proptest::strategy::Just(5.0), proptest::strategy::Just(40.0)],
            gi in 0usize..14,
        ) {
            let here = Point::new(lon, lat);
            let mut points = Points::default();
            for (k, (dx, dy)) in offsets.iter().enumerate() {
                points.push(k, Point::new(lon + dx * spread, (lat + dy * spread).clamp(-90.0, 90.0)));
            }
            points.finish();
            let (old, old_others) = nearest_with_early_exits(&here, &points, gi);
            let (new, new_others) = nearest_other(&here, &points, gi);
            proptest::prop_assert_eq!(step(new), step(old));
            if step(new).1 {
                proptest::prop_assert_eq!(new_others, old_others);
            }
        }

        /// Two points a step in SSE2 give the bits one point a step gives:
        /// any number of points (the odd ones padded), of any groups, the
        /// asked one's among them or not, across the antimeridian too.
        #[test]
        fn the_vector_nearest_is_the_scalar_one_to_the_bit(
            lon in -180.0f64..=180.0, lat in -90.0f64..=90.0,
            others in proptest::collection::vec((-180.0f64..=180.0, -90.0f64..=90.0, 0usize..6), 0..13),
            gi in 0usize..7,
        ) {
            let here = Point::new(lon, lat);
            let mut points = Points::default();
            for (x, y, g) in &others {
                points.push(*g, Point::new(*x, *y));
            }
            points.finish();
            let (scalar, scalar_others) = nearest_other_scalar(&here, &points, gi);
            let (vector, vector_others) = nearest_other(&here, &points, gi);
            proptest::prop_assert_eq!(vector.to_bits(), scalar.to_bits());
            proptest::prop_assert_eq!(vector_others, scalar_others);
        }

        /// The root of the least square is the least of the distances, to
        /// the bit.
        #[test]
        fn one_root_of_the_least_square_is_the_least_distance(
            lon in -180.0f64..=180.0, lat in -80.0f64..=80.0,
            others in proptest::collection::vec((-180.0f64..=180.0, -90.0f64..=90.0), 1..10),
        ) {
            let here = Point::new(lon, lat);
            let points: Vec<Point> = others.iter().map(|(x, y)| Point::new(*x, *y)).collect();
            let least = points.iter().map(|p| approx_m(&here, p)).fold(f64::INFINITY, f64::min);
            let root = meters(points.iter().map(|p| approx_squared(&here, p)).fold(f64::INFINITY, f64::min));
            proptest::prop_assert_eq!(least.to_bits(), root.to_bits());
        }
    }

    proptest::proptest! {
        /// The mean latitude's cosine from the halves' sines and cosines is
        /// the cosine of the mean latitude, to rounding.
        #[test]
        fn the_distance_without_a_cosine_per_pair_is_the_equirectangular_one(
            lon1 in -180.0f64..=180.0, lat1 in -90.0f64..=90.0, lon2 in -180.0f64..=180.0, lat2 in -90.0f64..=90.0,
        ) {
            let (a, b) = (Point::new(lon1, lat1), Point::new(lon2, lat2));
            let mut dlon = (lon2 - lon1).abs();
            if dlon > 180.0 {
                dlon = 360.0 - dlon;
            }
            let x = dlon.to_radians() * ((lat1 + lat2) / 2.0).to_radians().cos();
            let y = (lat2 - lat1).to_radians();
            let direct = 6_371_008.8 * (x * x + y * y).sqrt();
            proptest::prop_assert!((approx_m(&a, &b) - direct).abs() <= 1e-6 + 1e-12 * direct);
        }
    }
}
