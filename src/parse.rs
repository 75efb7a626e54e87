//! The place pipeline: text -> tokens -> mentions -> resolved places.

use crate::gazetteer::{Gazetteer, Place};
use crate::geodesy::{LonLat, destination};
use crate::matcher::{MatchOptions, Matcher, Mention};
use crate::relative::{RelativePhrase, phrase_before};
use crate::resolve::{Decision, ResolveOptions, Resolver};
use crate::text::{CharOffsets, Gap, Token, tokenize, tokenize_with_starts_into};
use std::cell::RefCell;

thread_local! {
    /// Token buffers of earlier texts, for [`Geoparser::places_of_each`] to
    /// reuse: they are still in the cache, where fresh vectors are memory
    /// the allocator has not handed out for a while (it cycles through a
    /// page's free blocks before it reuses one).
    static POOL: RefCell<Vec<(Vec<Token>, Vec<usize>)>> = const { RefCell::new(Vec::new()) };
}

/// At most this many buffers are kept per thread (the CLI passes eight
/// texts at a time) ...
const POOLED_BUFFERS: usize = 16;
/// ... each of at most this many tokens (some 100 KB of text), so that the
/// pool stays small after long texts: 8 MB a thread at the very most.
const POOLED_TOKENS: usize = 1 << 14;

/// How a mention's position was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The gazetteer entry of the name.
    Gazetteer,
    /// A relative statement ("30 km south of Mosul", "near Makhmour").
    Relative,
    /// Not found: context says it is a place, the gazetteer does not know it.
    Unresolved,
}

impl Method {
    /// The method's name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Gazetteer => "gazetteer",
            Method::Relative => "relative",
            Method::Unresolved => "unresolved",
        }
    }
}

/// A place mention with its resolution.
#[derive(Clone, Debug)]
pub struct PlaceMention<'g> {
    /// Code point offset of the first character in the document text.
    pub start: usize,
    /// Code point offset after the last character.
    pub end: usize,
    /// Byte offset of the first character.
    pub byte_start: usize,
    /// Byte offset after the last character.
    pub byte_end: usize,
    /// The text as written.
    pub surface: String,
    /// The gazetteer place, when resolved through the gazetteer.
    pub place: Option<Place<'g>>,
    /// Where the mention is, when known.
    pub position: Option<LonLat>,
    /// Confidence in `[0, 1]`, when resolved.
    pub score: Option<f64>,
    /// How the position was found.
    pub method: Method,
    /// Radius of uncertainty in km for relative placements.
    pub uncertainty_km: Option<f64>,
    /// The relative statement that placed it, if any, with its anchor.
    /// Boxed: few mentions have one, and a document can have millions of
    /// mentions.
    pub relative: Option<Box<(RelativePhrase, Place<'g>)>>,
}

/// Options of the place pipeline.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Matching options.
    pub matching: MatchOptions,
    /// Resolution options.
    pub resolving: ResolveOptions,
}

/// Finds and resolves the places of documents with one gazetteer.
#[derive(Debug)]
pub struct Geoparser<'g> {
    matcher: Matcher<'g>,
    resolver: Resolver<'g>,
}

/// Everything the pipeline learnt about one text, for later stages.
#[derive(Debug)]
pub struct Analysis<'g> {
    /// The tokens of the text.
    pub tokens: Vec<Token>,
    /// The resolved place mentions, in text order.
    pub places: Vec<PlaceMention<'g>>,
    /// Relative statements anchored on a resolved place (including those
    /// whose target was itself resolved: distance claims).
    pub relatives: Vec<(RelativePhrase, usize)>,
}

impl<'g> Geoparser<'g> {
    /// A geoparser over `gazetteer`.
    pub fn new(gazetteer: &'g Gazetteer, options: Options) -> Geoparser<'g> {
        Geoparser {
            matcher: Matcher::new(gazetteer, options.matching),
            resolver: Resolver::new(gazetteer, options.resolving),
        }
    }

    /// The resolver, for ranking bare names.
    pub fn resolver(&self) -> &Resolver<'g> {
        &self.resolver
    }

    /// The place mentions of `text`, in text order.
    pub fn places(&self, text: &str) -> Vec<PlaceMention<'g>> {
        self.analyse(text).places
    }

    /// The place mentions of each of `texts`: what [`Geoparser::places`]
    /// gives for each, worked out a stage at a time over all of them (every
    /// text tokenized, then every text matched, then each resolved). Each
    /// stage's code then stays in the instruction cache from one text to the
    /// next; text by text, the pipeline's code is larger than the cache and
    /// is fetched again for every text. A few texts at a time (some 8, or
    /// 64 KB) are enough.
    pub fn places_of_each(&self, texts: &[&str]) -> Vec<Vec<PlaceMention<'g>>> {
        // Token buffers come from the thread's pool and go back to it.
        let mut pool = POOL.with(|p| std::mem::take(&mut *p.borrow_mut()));
        let (tokens, starts): (Vec<Vec<Token>>, Vec<Vec<usize>>) = texts
            .iter()
            .map(|text| {
                let (mut tokens, mut starts) = pool.pop().unwrap_or_default();
                tokenize_with_starts_into(text, &mut tokens, &mut starts);
                (tokens, starts)
            })
            .unzip();
        let mentions: Vec<Vec<Mention>> = texts
            .iter()
            .zip(&tokens)
            .zip(&starts)
            .map(|((text, tokens), starts)| self.matcher.find_with_starts(text, tokens, starts))
            .collect();
        let places = texts
            .iter()
            .zip(tokens)
            .zip(mentions)
            .zip(starts)
            .map(|(((text, tokens), mentions), starts)| {
                let analysis = self.analyse_mentions(text, tokens, mentions, &[]);
                if analysis.tokens.capacity() <= POOLED_TOKENS && pool.len() < POOLED_BUFFERS {
                    pool.push((analysis.tokens, starts));
                }
                analysis.places
            })
            .collect();
        POOL.with(|p| *p.borrow_mut() = pool);
        places
    }

    /// Run the pipeline over `text`.
    pub fn analyse(&self, text: &str) -> Analysis<'g> {
        self.analyse_with_context(text, &[])
    }

    /// Run the pipeline over `text`, with countries known from elsewhere
    /// (the actors a report names) as weak context for resolution.
    pub fn analyse_with_context(&self, text: &str, countries: &[String]) -> Analysis<'g> {
        self.analyse_tokens(text, tokenize(text), countries)
    }

    /// [`Geoparser::analyse_with_context`] on tokens already made by
    /// [`tokenize`].
    pub fn analyse_tokens(&self, text: &str, tokens: Vec<Token>, countries: &[String]) -> Analysis<'g> {
        let mentions = self.matcher.find(text, &tokens);
        self.analyse_mentions(text, tokens, mentions, countries)
    }

    /// [`Geoparser::analyse_tokens`] once the matcher has found `mentions`.
    fn analyse_mentions(
        &self,
        text: &str,
        tokens: Vec<Token>,
        mentions: Vec<Mention>,
        countries: &[String],
    ) -> Analysis<'g> {
        let comma_next = comma_links(&tokens, &mentions);
        let decisions = self.resolver.resolve_with_context(&mentions, &comma_next, countries);
        let mut places: Vec<PlaceMention<'g>> = Vec::with_capacity(mentions.len());
        for (m, d) in mentions.iter().zip(decisions) {
            if let Some(p) = to_place_mention(text, m, d) {
                places.push(p);
            }
        }
        // Not needed any more: a long document's mentions take room.
        drop(mentions);
        let relatives = self.place_relatives(text, &mut places);
        places.sort_by_key(|p| p.byte_start);
        let mut offsets = CharOffsets::new(text);
        for p in &mut places {
            p.start = offsets.at(p.byte_start);
            p.end = offsets.at(p.byte_end);
        }
        let relatives = relatives
            .into_iter()
            .filter_map(|(r, anchor_byte)| {
                let i = places.partition_point(|p| p.byte_start < anchor_byte);
                places.get(i).filter(|p| p.byte_start == anchor_byte).map(|_| (r, i))
            })
            .collect();
        Analysis { tokens, places, relatives }
    }

    /// Find relative statements anchored on resolved places; place their
    /// targets when the gazetteer could not.
    fn place_relatives(&self, text: &str, places: &mut Vec<PlaceMention<'g>>) -> Vec<(RelativePhrase, usize)> {
        let mut found = Vec::new();
        let mut added = Vec::new();
        for anchor in places.iter() {
            let Some(place) = anchor.place else { continue };
            let Some(rel) = phrase_before(text, anchor.byte_start) else { continue };
            found.push((rel.clone(), anchor.byte_start));
            let Some((ts, te)) = rel.target else { continue };
            // Places are in text order here: find the one overlapping the target.
            let k = places.partition_point(|p| p.byte_end <= ts);
            let existing = places.get(k).filter(|p| p.byte_start < te).map(|_| k);
            if existing.is_some_and(|i| places[i].place.is_some()) {
                continue; // a resolved target: a distance claim, checked elsewhere
            }
            let origin = LonLat::new(place.lon, place.lat);
            let (position, uncertainty) = match (rel.distance_km, rel.bearing_deg) {
                (Some(km), Some(b)) => (destination(origin, b, km * 1000.0), (0.15 * km).max(3.0)),
                _ => (origin, 15.0),
            };
            added.push((
                existing,
                PlaceMention {
                    start: 0,
                    end: 0,
                    byte_start: ts,
                    byte_end: te,
                    surface: text[ts..te].to_string(),
                    place: None,
                    position: Some(position),
                    score: Some(0.5),
                    method: Method::Relative,
                    uncertainty_km: Some(uncertainty),
                    relative: Some(Box::new((rel, place))),
                },
            ));
        }
        // Replace unresolved targets, then add new ones.
        let mut remove: Vec<usize> = added.iter().filter_map(|(e, _)| *e).collect();
        remove.sort_unstable();
        remove.dedup();
        for i in remove.into_iter().rev() {
            places.remove(i);
        }
        for (_, p) in added {
            if !places.iter().any(|q| q.byte_start < p.byte_end && p.byte_start < q.byte_end) {
                places.push(p);
            }
        }
        found
    }
}

fn to_place_mention<'g>(text: &str, m: &Mention, d: Decision<'g>) -> Option<PlaceMention<'g>> {
    let (method, position) = match d.place {
        Some(p) => (Method::Gazetteer, Some(LonLat::new(p.lon, p.lat))),
        None if d.confidence >= 0.0 => (Method::Unresolved, None),
        None => return None,
    };
    Some(PlaceMention {
        start: 0,
        end: 0,
        byte_start: m.start,
        byte_end: m.end,
        surface: text[m.start..m.end].to_string(),
        place: d.place,
        position,
        score: d.place.map(|_| d.confidence),
        method,
        uncertainty_km: None,
        relative: None,
    })
}

/// For each mention, the index of the mention right after it and a comma.
fn comma_links(tokens: &[Token], mentions: &[Mention]) -> Vec<Option<usize>> {
    mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let next = mentions.get(i + 1)?;
            (tokens[m.last_token].gap == Gap::Comma && next.first_token == m.last_token + 1).then_some(i + 1)
        })
        .collect()
}
