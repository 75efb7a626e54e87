//! Finding place-name mentions in text.
//!
//! The matcher walks the tokens of a document and, at every token that may
//! start a name (capitalised, or a lowercase item of a tag list), looks up the
//! longest run of tokens whose normalised key is a gazetteer name. Then it
//! drops matches that are parts of longer proper names ("Washington Post",
//! "Hudson Institute", "Quds Brigade"), names after a person's title
//! ("Col. Barzanji"), later mentions of a person's surname, and names followed
//! by an organisation word ("Al-Ain media"). What is left are [`Mention`]s
//! with their gazetteer candidates, for the resolver.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

use crate::gazetteer::normalize::{self, fold_text_token_into};
use crate::gazetteer::{FirstWord, Gazetteer, Kind, Lookup, MEMO_CAPACITY, Posting, Variant, loose_index_key};
use crate::memo::{OwnedMap, WordMap};
use crate::text::{Case, Gap, LineStyle, Token, WordClasses, WordSet, function_words};

/// A cue next to a mention about what kind of place it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cues {
    /// Followed by "province", "governorate", "state", "region" ...
    pub admin: bool,
    /// Followed by "district" or "county".
    pub admin2: bool,
    /// "city of X", "town of X", "village of X", "X city".
    pub populated: bool,
    /// The mention starts a sentence or line (capitalisation is no evidence).
    pub sentence_start: bool,
    /// The name is also a common English word ("Reading", "Hit").
    pub common_word: bool,
    /// A later bare mention of the surname of a person named in the text.
    pub surname: bool,
    /// Lowercase mention in a tag list ("iraq; iran;").
    pub lowercase: bool,
    /// A demonym ("Iraqi"), matched only when asked for.
    pub demonym: bool,
    /// A US state abbreviation after "City, " ("La.", "N.Y.", "TX").
    pub us_state: bool,
    /// Right after a locative preposition ("near X", "in X", "outside X").
    pub locative: bool,
}

/// A place-name mention found in text.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Byte offset of the mention's first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
    /// Index of the first token.
    pub first_token: usize,
    /// Index of the last token.
    pub last_token: usize,
    /// Normalised key of the surface text (same key, same place).
    pub key: String,
    /// Gazetteer candidates. Empty for a name that context marks as a place
    /// but the gazetteer lacks ("the village of Ain Nasir").
    pub candidates: Vec<Posting>,
    /// Context cues.
    pub cues: Cues,
}

/// Options of the matcher.
#[derive(Clone, Debug, Default)]
pub struct MatchOptions {
    /// Also report demonyms ("Iraqi", "Syrian") as mentions of their country.
    pub demonyms: bool,
}

/// Words that may continue a name between capitalised words
/// ("Bosnia and Herzegovina", "Stoke-on-Trent", "Dayr az Zawr").
const CONNECTORS_LIST: &[&str] = &[
    "of", "the", "and", "de", "del", "da", "do", "dos", "das", "di", "du", "des", "la", "le", "les", "el", "al", "ad",
    "an", "ar", "as", "ash", "at", "az", "ez", "en", "on", "upon", "sur", "bin", "ibn", "abu", "bou", "y", "im", "am",
];

/// Titles before a person's name.
const PERSON_TITLES_LIST: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "gen",
    "general",
    "col",
    "colonel",
    "lt",
    "lieutenant",
    "sgt",
    "sergeant",
    "capt",
    "captain",
    "maj",
    "major",
    "cpl",
    "pvt",
    "adm",
    "admiral",
    "brig",
    "cmdr",
    "commander",
    "president",
    "minister",
    "premier",
    "chancellor",
    "sen",
    "senator",
    "rep",
    "gov",
    "governor",
    "mayor",
    "sheikh",
    "shaikh",
    "ayatollah",
    "imam",
    "mullah",
    "king",
    "queen",
    "prince",
    "princess",
    "emir",
    "pope",
    "judge",
    "justice",
    "officer",
    "chief",
    "prof",
    "professor",
    "rev",
    "reverend",
    "father",
    "bishop",
    "rabbi",
    "sir",
    "lord",
    "lady",
    "dame",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "coach",
    "detective",
    "sheriff",
    "deputy",
    "trooper",
    "agent",
    "attorney",
];

/// Words after a name that make it a publication or a street rather than a
/// place ("Washington Post", "Al-Ain media", "Dublin Road").
const MEDIA_OR_STREET_WORDS_LIST: &[&str] = &[
    "media",
    "news",
    "times",
    "post",
    "press",
    "tribune",
    "herald",
    "journal",
    "gazette",
    "daily",
    "tv",
    "television",
    "radio",
    "channel",
    "newspaper",
    "magazine",
    "observer",
    "telegraph",
    "guardian",
    "examiner",
    "courier",
    "chronicle",
    "dispatch",
    "bulletin",
    "inquirer",
    "sentinel",
    "star-telegram",
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "pike",
    "parkway",
    "pkwy",
];

/// First names that are also well-known places: "Jordan Smith" and "Paris
/// Hilton" name people when another capitalised word follows.
const FIRST_NAMES_LIST: &[&str] = &[
    "jordan",
    "georgia",
    "paris",
    "chad",
    "israel",
    "virginia",
    "austin",
    "dallas",
    "houston",
    "denver",
    "phoenix",
    "savannah",
    "charlotte",
    "madison",
    "lincoln",
    "cleveland",
    "florence",
    "sydney",
    "victoria",
    "chelsea",
    "orlando",
    "tyler",
    "jackson",
    "aurora",
    "eugene",
    "regina",
    "adelaide",
    "raleigh",
    "beverly",
    "shelby",
    "carson",
    "brooklyn",
    "dakota",
    "montana",
    "nevada",
    "carolina",
    "india",
    "kenya",
    "china",
    "asia",
    "africa",
    "america",
    "lorraine",
    "marion",
    "warren",
    "clinton",
    "jefferson",
    "hamilton",
    "franklin",
    "washington",
    "douglas",
    "logan",
    "mason",
    "milton",
    "stanley",
    "vernon",
    "wayne",
    "troy",
    "camden",
    "bristol",
    "preston",
    "kent",
    "devon",
    "york",
    "sherman",
    "luther",
    "santiago",
    "valencia",
    "lourdes",
    "fatima",
    "medina",
    "mecca",
    "sofia",
    "alexandria",
    "beirut",
    "damascus",
    "tripoli",
    "aden",
    "karbala",
    "najaf",
    "basra",
    "kirkuk",
];

/// Generic feature words that may follow a name in lowercase and still be
/// part of it when the gazetteer knows the longer name ("Qarachokh
/// mountain", "Anbar province").
const FEATURE_WORDS_LIST: &[&str] = &[
    "mountain",
    "mountains",
    "mount",
    "river",
    "lake",
    "valley",
    "plain",
    "plains",
    "desert",
    "dam",
    "crossing",
    "camp",
    "base",
    "airbase",
    "airport",
    "province",
    "governorate",
    "district",
    "county",
    "region",
    "island",
    "islands",
    "bay",
    "gulf",
    "sea",
    "strait",
    "peninsula",
    "heights",
    "hills",
    "hill",
    "border",
    "city",
];

/// Words after a name that make it a first-level division.
const ADMIN_WORDS_LIST: &[&str] =
    &["province", "governorate", "state", "region", "oblast", "prefecture", "territory", "emirate", "canton"];
/// Words after a name that make it a second-level division.
const ADMIN2_WORDS_LIST: &[&str] = &["district", "county", "parish", "municipality", "subdistrict", "borough"];
/// Words before "of X" that make X a populated place.
const POPULATED_WORDS_LIST: &[&str] = &["city", "town", "village", "hamlet", "township", "suburb", "capital"];
/// Direction words that may precede a place inside a capitalised run.
const DIRECTIONS_LIST: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "upper",
    "lower",
    "greater",
    "new",
    "old",
];
/// Capitalised words in caps headlines that are function words or pronouns
/// and never an abbreviation of a place.
const CAPS_STOP_LIST: &[&str] = &[
    "us", "me", "we", "he", "hi", "ok", "oh", "go", "do", "so", "no", "up", "am", "pm", "it", "is", "in", "or", "on",
    "at", "to", "an", "as", "be", "by", "if", "of", "my",
];

fn person_titles() -> &'static WordSet {
    static S: OnceLock<WordSet> = OnceLock::new();
    S.get_or_init(|| WordSet::new(PERSON_TITLES_LIST))
}

fn first_names() -> &'static WordSet {
    static S: OnceLock<WordSet> = OnceLock::new();
    S.get_or_init(|| WordSet::new(FIRST_NAMES_LIST))
}

/// Bits of [`context_words`]: the lists of words that, next to a name, say
/// what it names.
mod class {
    /// "media", "post", "road", "street" ...
    pub const MEDIA_OR_STREET: u8 = 1;
    /// "province", "governorate", "state" ...
    pub const ADMIN: u8 = 2;
    /// "district", "county".
    pub const ADMIN2: u8 = 4;
    /// "city", "town", "village" ...
    pub const POPULATED: u8 = 8;
    /// "mountain", "river", "crossing" ...
    pub const FEATURE: u8 = 16;
    /// "council", "university", "airport" ...
    pub const INSTITUTION: u8 = 32;
    /// [`super::CONNECTORS_LIST`]: "of", "de", "al" ...
    pub const CONNECTOR: u8 = 64;
    /// [`super::NAME_PARTICLES_LIST`]: "al", "bin", "abu" ...
    pub const NAME_PARTICLE: u8 = 128;
}

/// The context word lists in one table: the filter asks about the word after
/// a name for several of them (and the longest match whether a lowercase
/// word is a connector or a feature word, with one probe).
fn context_words() -> &'static WordClasses {
    static S: OnceLock<WordClasses> = OnceLock::new();
    S.get_or_init(|| {
        WordClasses::new(&[
            (MEDIA_OR_STREET_WORDS_LIST, class::MEDIA_OR_STREET),
            (ADMIN_WORDS_LIST, class::ADMIN),
            (ADMIN2_WORDS_LIST, class::ADMIN2),
            (POPULATED_WORDS_LIST, class::POPULATED),
            (FEATURE_WORDS_LIST, class::FEATURE),
            (INSTITUTION_WORDS_LIST, class::INSTITUTION),
            (CONNECTORS_LIST, class::CONNECTOR),
            (NAME_PARTICLES_LIST, class::NAME_PARTICLE),
        ])
    })
}

/// Whether token `t` of `text` is in the [`context_words`] lists `bit`.
fn is_token(text: &str, t: &Token, bit: u8) -> bool {
    context_words().of_token(text, t) & bit != 0
}

fn directions() -> &'static WordSet {
    static S: OnceLock<WordSet> = OnceLock::new();
    S.get_or_init(|| WordSet::new(DIRECTIONS_LIST))
}

fn caps_stop() -> &'static WordSet {
    static S: OnceLock<WordSet> = OnceLock::new();
    S.get_or_init(|| WordSet::new(CAPS_STOP_LIST))
}

fn ambiguous_words() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| {
        include_str!("../data/ambiguous_words.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// US state abbreviations (AP style with periods, and postal codes), longest
/// first, with the state's name.
fn us_states() -> &'static Vec<(String, String)> {
    static S: OnceLock<Vec<(String, String)>> = OnceLock::new();
    S.get_or_init(|| {
        let mut v = Vec::new();
        for line in include_str!("../data/us_state_abbreviations.csv").lines().skip(1) {
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            if f.len() < 3 {
                continue;
            }
            for abbr in [f[1], f[2]] {
                if !abbr.is_empty() {
                    v.push((abbr.to_string(), f[0].to_string()));
                }
            }
        }
        v.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        v
    })
}

/// Which bytes start a [`us_states`] abbreviation.
fn us_state_initials() -> &'static [bool; 256] {
    static S: OnceLock<[bool; 256]> = OnceLock::new();
    S.get_or_init(|| {
        let mut t = [false; 256];
        for (abbr, _) in us_states() {
            t[usize::from(abbr.as_bytes()[0])] = true;
        }
        t
    })
}

/// Demonyms by folded key, to ISO country code.
fn demonyms() -> &'static HashMap<String, &'static str> {
    static S: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    S.get_or_init(|| {
        let mut m = HashMap::default();
        for line in include_str!("../data/demonyms.csv").lines().skip(1) {
            let Some((cc, names)) = line.split_once(',') else { continue };
            for n in names.trim().trim_matches('"').split('|') {
                let k = normalize::name_key(n);
                if !k.is_empty() {
                    m.entry(k).or_insert(cc.trim());
                }
            }
        }
        m
    })
}

/// How strongly a name, by itself, says "place".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Weak,
    /// A city of 100,000 or more, by its own name.
    City,
    /// A country or first-level division, by its own name or abbreviation.
    Division,
}

/// Capitalised words that, after a place name, make an institution named
/// for the place ("Dublin City Council", "Ohio State University").
const INSTITUTION_WORDS_LIST: &[&str] = &[
    "city",
    "county",
    "state",
    "council",
    "police",
    "department",
    "university",
    "college",
    "school",
    "schools",
    "hospital",
    "airport",
    "mayor",
    "board",
    "commission",
    "court",
    "district",
    "public",
    "police",
    "fire",
    "chamber",
    "convention",
    "historical",
    "museum",
    "zoo",
    "library",
    "port",
    "harbor",
    "station",
    "metro",
    "transit",
    "water",
    "electric",
    "municipal",
    "international",
    "regional",
    "area",
    "community",
    "general",
    "federal",
    "central",
    "national",
    "provincial",
    "governorate",
    "province",
];

impl Matcher<'_> {
    fn strength(&self, m: &Mention) -> Strength {
        let mut best = Strength::Weak;
        for p in &m.candidates {
            if !(p.variant == Variant::Primary || p.abbreviation) {
                continue;
            }
            let Some(g) = self.gazetteer.facts(p.place) else { continue };
            let s = match g.kind {
                Kind::Country | Kind::Admin1 => Strength::Division,
                Kind::City if g.population.unwrap_or(0) >= 100_000 => Strength::City,
                _ => Strength::Weak,
            };
            best = best.max(s);
            if best == Strength::Division {
                break; // none is stronger
            }
        }
        best
    }
}

/// Whether a lowercase word is a common English word that is also a place
/// name ("hit", "reading", "bath").
pub fn is_common_word(key: &str) -> bool {
    ambiguous_words().contains(key)
}

/// Finds mentions with one gazetteer.
#[derive(Debug)]
pub struct Matcher<'g> {
    gazetteer: &'g Gazetteer,
    options: MatchOptions,
}

struct Scratch {
    /// The thread's [`WORDS`] memo, taken for the call.
    words: WordMap<WordInfo>,
    key: String,
    loose: Vec<u8>,
}

/// What the matcher knows of a word as written, whatever its context: the
/// name index's answer for it as a first word, and its [`word`] bits.
#[derive(Clone, Copy, Debug, Default)]
struct WordInfo {
    first: FirstWord,
    bits: u8,
}

/// Bits of [`WordInfo`].
mod word {
    /// One of [`crate::text::FUNCTION_WORDS`].
    pub const FUNCTION: u8 = 1;
    /// A contraction ("don't"): never a name.
    pub const CONTRACTION: u8 = 2;
    /// An Arabic article that may be stripped ("al", "el", "ash").
    pub const ARTICLE: u8 = 4;
    /// A demonym ("Iraqi").
    pub const DEMONYM: u8 = 8;
}

impl WordInfo {
    /// Whether no match can start at the word, in any context: it neither
    /// names nor starts a name, exactly or loosely, and is no article or
    /// demonym.
    fn starts_nothing(&self) -> bool {
        // (`&`, not `&&`: no branch.)
        !self.first.starts_names() & (self.bits & (word::ARTICLE | word::DEMONYM) == 0)
    }
}

thread_local! {
    /// The [`WordInfo`] of words of text, for one gazetteer: news text
    /// repeats its capitalised words. Pure
    /// memoisation: results never depend on it.
    static WORDS: std::cell::RefCell<OwnedMap<WordInfo>> = std::cell::RefCell::new(OwnedMap::new(MEMO_CAPACITY));
}

impl<'g> Matcher<'g> {
    /// A matcher over `gazetteer`.
    pub fn new(gazetteer: &'g Gazetteer, options: MatchOptions) -> Matcher<'g> {
        Matcher { gazetteer, options }
    }

    /// The gazetteer.
    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }

    /// Find the mentions in `text`, whose tokens are `tokens`.
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<Mention> {
        let mut picked = PICKED.with(std::cell::Cell::take);
        let picks = may_start(tokens, &mut picked);
        let found = self.find_with_starts(text, tokens, &picked[..picks]);
        // The buffer is kept for the next text, unless a huge text grew it.
        if picked.len() <= 1 << 16 {
            PICKED.with(|p| p.set(picked));
        }
        found
    }

    /// [`Matcher::find`] given the indices of the tokens a name may start
    /// at, in order, as [`crate::text::tokenize_with_starts`] gives them.
    pub fn find_with_starts(&self, text: &str, tokens: &[Token], starts: &[usize]) -> Vec<Mention> {
        debug_assert!(starts.iter().copied().eq((0..tokens.len()).filter(|&k| tokens[k].may_start_name())));
        // The memo is taken out of the thread-local for the call (one access
        // per document, not one per word) and put back at the end.
        let id = self.gazetteer.id();
        // A call that panics leaves an empty map, bounded likewise.
        let words = WORDS.with(|w| std::mem::replace(w.borrow_mut().for_owner(id), WordMap::new(MEMO_CAPACITY)));
        let mut scratch = Scratch { words, key: String::with_capacity(64), loose: Vec::with_capacity(64) };
        // First every word a match may start at is looked up in the memo,
        // in one pass: the probes do not wait on each other (most of a
        // probe's time is a cache miss), as they would between matches.
        // On the way: the capitalised tokens, and which are name words.
        // Only the words a match may start at are kept in `probed`, written
        // with no branch: whether a word starts names is a coin toss from
        // word to word, which a branch mispredicts.
        let mut caps = Caps::new(tokens.len());
        let mut probed: Vec<(usize, WordInfo)> = Vec::with_capacity(starts.len());
        let spare = probed.spare_capacity_mut();
        let mut live = 0;
        for &k in starts {
            let t = &tokens[k];
            let capitalised = matches!(t.case, Case::Title | Case::Upper);
            let info = self.word_info(&mut scratch.words, text, t);
            if capitalised {
                caps.push(k, t, info.bits & word::FUNCTION == 0);
            }
            spare[live].write((k, info));
            live += usize::from((info.bits & word::CONTRACTION == 0) & !info.starts_nothing());
        }
        // SAFETY: `live` <= `starts.len()`, the capacity, and every slot
        // below it was written in the loop.
        unsafe { probed.set_len(live) };
        caps.link();
        let mut out = Vec::with_capacity(probed.len() / 2);
        let mut next = probed.iter().peekable();
        let mut i = 0;
        while i < tokens.len() {
            // The next probed token at or after `i`.
            while next.next_if(|(k, _)| *k < i).is_some() {}
            let Some(&&(k, info)) = next.peek() else { break };
            i = k;
            let t = &tokens[i];
            // A function word ("The", "In") never names a place alone; it
            // can only start a longer name ("The Hague", "In Salah").
            if info.bits & word::FUNCTION != 0
                && !(matches!(t.gap, Gap::Space | Gap::Hyphen)
                    && tokens.get(i + 1).is_some_and(|n| matches!(n.case, Case::Title | Case::Upper)))
                && t.case != Case::Upper
            {
                i += 1;
                continue;
            }
            let found = self
                .longest(text, tokens, i, false, Some(info.first), &mut scratch)
                // (Only an article is stripped: the memo's bit says so with
                // a branch that is seldom taken, where the word's length and
                // text were a coin toss.)
                .or_else(|| (info.bits & word::ARTICLE != 0).then(|| self.stripped(text, tokens, i, &mut scratch))?)
                .or_else(|| {
                    // Loose spellings only mid-sentence: sentence-initial
                    // capitals say nothing about a word being a name.
                    if t.sentence_start | (t.end - t.start < 4) {
                        None
                    } else {
                        self.longest(text, tokens, i, true, Some(info.first), &mut scratch)
                    }
                })
                .or_else(|| self.demonym(text, tokens, i, &mut scratch));
            match found {
                Some(m) => {
                    i = m.last_token + 1;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        WORDS.with(|w| *w.borrow_mut().for_owner(id) = std::mem::take(&mut scratch.words));
        self.state_abbreviations(text, tokens, &mut out);
        self.cue_only_mentions(text, tokens, &caps.list, &mut out);
        self.filter(text, tokens, &caps, out)
    }

    /// The [`WordInfo`] of token `t` of `text`, memoised (in the thread's
    /// memo, which `words` holds for the call).
    fn word_info(&self, words: &mut WordMap<WordInfo>, text: &str, t: &Token) -> WordInfo {
        words.get_or_insert_at(text.as_bytes(), t.start, t.end, || self.describe(tok(text, t)))
    }

    /// The [`WordInfo`] of `w`, computed.
    fn describe(&self, w: &str) -> WordInfo {
        let first = self.gazetteer.first_word(w);
        let mut bits = 0;
        if function_words().contains(w) {
            bits |= word::FUNCTION;
        }
        if is_contraction(w) {
            bits |= word::CONTRACTION;
        }
        if w.len() <= 3 && normalize::ARTICLES.iter().any(|a| a.eq_ignore_ascii_case(w)) {
            bits |= word::ARTICLE;
        }
        if demonyms().contains_key(&normalize::fold_token(w)) {
            bits |= word::DEMONYM;
        }
        WordInfo { first, bits }
    }

    /// Longest match starting at token `i`. `known`: what the name index
    /// says of token `i` as a first word, when the caller has it at hand (the
    /// exact and the loose match of a token both start with it).
    fn longest(
        &self,
        text: &str,
        tokens: &[Token],
        i: usize,
        loose: bool,
        known: Option<FirstWord>,
        s: &mut Scratch,
    ) -> Option<Mention> {
        let first = known.unwrap_or_else(|| self.word_info(&mut s.words, text, &tokens[i]).first);
        if !first.starts_names() {
            return None;
        }
        let lowercase_start = tokens[i].case == Case::Lower;
        // The best and the next shorter match: last token, lookup, and the
        // length of the folded key.
        let mut best: Option<(usize, Lookup<'g>, usize)> = None;
        let mut shorter: Option<(usize, Lookup<'g>, usize)> = None;
        let known_lookup = self.gazetteer.first_lookup(&first, loose);
        if known_lookup.as_ref().is_none_or(|l| l.is_match() || l.is_prefix) {
            // The folded key is needed from here on: for the mention, to
            // extend the name, and to look it up when its index value was too
            // large to keep.
            s.key.clear();
            fold_text_token_into(text, tokens[i].start, tokens[i].end, &mut s.key);
        }
        let mut lookup = known_lookup.unwrap_or_else(|| self.key_lookup(s, loose));
        let mut j = i;
        loop {
            // (`|` and `&`, not `||` and `&&`: one branch, not three.)
            let long_enough = !loose | (s.key.len() >= 6);
            if lookup.is_match() & long_enough {
                // A connector cannot end a name.
                if !(j > i && is_token(text, &tokens[j], class::CONNECTOR)) {
                    shorter = best.take();
                    best = Some((j, lookup.clone(), s.key.len()));
                }
            }
            if !lookup.is_prefix || j + 1 >= tokens.len() {
                break;
            }
            if !matches!(tokens[j].gap, Gap::Space | Gap::Hyphen | Gap::AbbrevSpace) {
                break;
            }
            let next = &tokens[j + 1];
            let ok = match next.case {
                Case::Title | Case::Upper => true,
                Case::Lower => {
                    lowercase_start
                        || tokens[j].gap == Gap::Hyphen
                        || is_token(text, next, class::CONNECTOR | class::FEATURE)
                }
                Case::NoLetters => false,
            };
            if !ok {
                break;
            }
            s.key.push(' ');
            fold_text_token_into(text, next.start, next.end, &mut s.key);
            j += 1;
            lookup = self.key_lookup(s, loose);
        }
        let (mut last, mut lookup, mut key_len) = best?;
        // A lowercase feature word extends a name only when the shorter name
        // is the same place ("Qarachokh mountain"); "the Al-Qaim crossing"
        // stays a mention of Al-Qaim.
        if tokens[last].case == Case::Lower
            && last > i
            && let Some((s_last, s_lookup, s_len)) = shorter
            && !s_lookup.postings().any(|a| lookup.postings().any(|b| a.place == b.place))
        {
            (last, lookup, key_len) = (s_last, s_lookup, s_len);
        }
        let mut candidates: Vec<Posting> = lookup.postings().collect();
        if loose {
            for c in &mut candidates {
                c.variant = Variant::Loose;
            }
        }
        let key = span_key(text, tokens, i, last, &s.key[..key_len]);
        Some(self.mention_with_key(tokens, i, last, key, candidates))
    }

    /// The name index's lookup of the folded key in `s.key` (`loose`: of
    /// its loose form).
    #[inline]
    fn key_lookup(&self, s: &mut Scratch, loose: bool) -> Lookup<'g> {
        if loose {
            loose_index_key(&s.key, &mut s.loose);
            self.gazetteer.lookup(&s.loose)
        } else {
            self.gazetteer.lookup(s.key.as_bytes())
        }
    }

    /// "al-Qaim" when only "Qaim" is known: skip a leading article joined to
    /// the next token, keep it in the span. (None unless token `i` is one of
    /// [`normalize::ARTICLES`], which its [`word::ARTICLE`] bit tells the
    /// caller first.)
    fn stripped(&self, text: &str, tokens: &[Token], i: usize, s: &mut Scratch) -> Option<Mention> {
        let t = &tokens[i];
        let w = tok(text, t);
        if w.len() > 3 {
            return None;
        }
        let article = |a: &&str| a.eq_ignore_ascii_case(w);
        if !(w.eq_ignore_ascii_case("al")
            || w.eq_ignore_ascii_case("el")
            || (t.gap == Gap::Hyphen && normalize::ARTICLES.iter().any(article)))
        {
            return None;
        }
        if !matches!(t.gap, Gap::Hyphen | Gap::Space) || i + 1 >= tokens.len() {
            return None;
        }
        let mut m = self.longest(text, tokens, i + 1, false, None, s)?;
        for c in &mut m.candidates {
            c.variant = c.variant.max(Variant::Stripped);
        }
        Some(self.mention(text, tokens, i, m.last_token, m.candidates))
    }

    fn demonym(&self, text: &str, tokens: &[Token], i: usize, s: &mut Scratch) -> Option<Mention> {
        if !self.options.demonyms || tokens[i].case != Case::Title {
            return None;
        }
        s.key.clear();
        fold_text_token_into(text, tokens[i].start, tokens[i].end, &mut s.key);
        let cc = demonyms().get(s.key.as_str())?;
        let place = self.gazetteer.country(cc)?;
        let mut m = self.mention(
            text,
            tokens,
            i,
            i,
            vec![Posting { place: place.index, variant: Variant::Alternate, abbreviation: false }],
        );
        m.cues.demonym = true;
        Some(m)
    }

    fn mention(&self, text: &str, tokens: &[Token], first: usize, last: usize, candidates: Vec<Posting>) -> Mention {
        let key = normalize::name_key(&text[tokens[first].start..tokens[last].end]);
        self.mention_with_key(tokens, first, last, key, candidates)
    }

    /// A mention of tokens `first..=last` whose [`normalize::name_key`] is `key`.
    fn mention_with_key(
        &self,
        tokens: &[Token],
        first: usize,
        last: usize,
        key: String,
        candidates: Vec<Posting>,
    ) -> Mention {
        Mention {
            start: tokens[first].start,
            end: tokens[last].end,
            first_token: first,
            last_token: last,
            key,
            candidates,
            cues: Cues { sentence_start: tokens[first].sentence_start, ..Cues::default() },
        }
    }

    /// US state abbreviations after a place and a comma: "Alexandria, La.",
    /// "Charleston, W.Va.", "Albany, N.Y.", "Austin, TX".
    fn state_abbreviations(&self, text: &str, tokens: &[Token], out: &mut Vec<Mention>) {
        let mut extra = Vec::new();
        for m in out.iter() {
            if tokens[m.last_token].gap != Gap::Comma || m.last_token + 1 >= tokens.len() {
                continue;
            }
            let at = tokens[m.last_token + 1].start;
            let rest = &text[at..];
            if !us_state_initials()[usize::from(rest.as_bytes()[0])] {
                continue;
            }
            let Some((len, state)) = us_states().iter().find_map(|(abbr, state)| {
                let ok = rest.starts_with(abbr.as_str())
                    && !rest[abbr.len()..].chars().next().is_some_and(|c| c.is_alphanumeric());
                ok.then_some((abbr.len(), state))
            }) else {
                continue;
            };
            let Some(place) = self.gazetteer.admin1("US", state) else { continue };
            let end = at + len;
            let last = (m.last_token + 1..tokens.len())
                .take_while(|&k| tokens[k].end <= end)
                .last()
                .unwrap_or(m.last_token + 1);
            let mut mention = self.mention(
                text,
                tokens,
                m.last_token + 1,
                last,
                vec![Posting { place: place.index, variant: Variant::Alternate, abbreviation: true }],
            );
            mention.end = end;
            mention.cues.admin = true;
            mention.cues.us_state = true;
            extra.push(mention);
        }
        // `out` is in text order: an abbreviation can only overlap the
        // mentions around its position.
        let extra: Vec<Mention> = extra
            .into_iter()
            .filter(|e| {
                let k = out.partition_point(|m| m.end <= e.start);
                out.get(k).is_none_or(|m| m.start >= e.end)
            })
            .collect();
        // `out` is in text order already: sorted again only when it grew.
        if extra.is_empty() {
            return;
        }
        out.extend(extra);
        out.sort_by_key(|m| m.start);
    }

    /// Names the gazetteer lacks but context marks as places: "the village of
    /// Ain Nasir", "Mulla Qarah district".
    /// `caps`: the indices of the capitalised tokens, in order.
    fn cue_only_mentions(&self, text: &str, tokens: &[Token], caps: &[usize], out: &mut Vec<Mention>) {
        let mut extra: Vec<Mention> = Vec::new();
        let mut replaced: HashSet<usize> = HashSet::default();
        // The name, at `a`, is a capitalised word two after the cue word.
        for &a in caps.iter().filter(|&&a| a >= 2) {
            // "of" before it first: rarely so, a test that seldom
            // mispredicts (the others are half true, half false). Its length
            // and its two bytes (lowercased by or-ing 0x20, which makes "of"
            // only of "of", "Of", "oF" and "OF") are tested with one branch:
            // two-letter words are common before a capital.
            let (k, of) = (a - 2, &tokens[a - 1]);
            let pair = text.as_bytes().get(of.start..of.start + 2).map_or(0, |w| u16::from_le_bytes([w[0], w[1]]));
            if (of.end - of.start != 2) | (pair | 0x2020 != u16::from_le_bytes(*b"of")) {
                continue;
            }
            if tokens[a].case != Case::Title || tokens[a].line != LineStyle::Prose || tokens[k].case != Case::Lower {
                continue;
            }
            let w = tok(text, &tokens[k]);
            if !is_token(text, &tokens[k], class::POPULATED) || w.eq_ignore_ascii_case("capital") {
                continue;
            }
            let mut b = a;
            while b + 1 < tokens.len()
                && matches!(tokens[b].gap, Gap::Space | Gap::Hyphen)
                && (tokens[b + 1].case == Case::Title
                    || (tokens[b].gap == Gap::Hyphen && tokens[b + 1].case != Case::NoLetters))
                && b - a < 3
            {
                b += 1;
            }
            // A gazetteer match of the whole name stands; one of a part of
            // it ("Kani" of "the village of Kani Sard") gives way.
            // `out` is in token order: only its neighbours can overlap.
            let lo = out.partition_point(|m| m.last_token < a);
            let overlapping: Vec<usize> =
                (lo..out.len()).take_while(|&i| out[i].first_token <= b).filter(|&i| a <= out[i].last_token).collect();
            if overlapping.iter().any(|&i| out[i].first_token == a && out[i].last_token >= b) {
                for &i in &overlapping {
                    out[i].cues.populated = true;
                }
                continue;
            }
            let mut m = self.mention(text, tokens, a, b, Vec::new());
            m.cues.populated = true;
            replaced.extend(overlapping);
            extra.push(m);
        }
        // Only a name that is added replaces others: with none, `out` stays
        // as it is (in text order).
        if extra.is_empty() {
            return;
        }
        if !replaced.is_empty() {
            let mut i = 0;
            out.retain(|_| {
                let keep = !replaced.contains(&i);
                i += 1;
                keep
            });
        }
        out.extend(extra);
        out.sort_by_key(|m| m.start);
    }

    fn filter(&self, text: &str, tokens: &[Token], caps: &Caps, mentions: Vec<Mention>) -> Vec<Mention> {
        let surnames = surnames(text, tokens, caps, &mentions);
        let mut kept: Vec<Mention> = Vec::with_capacity(mentions.len());
        let mut headline_doubts: HashSet<usize> = HashSet::default();
        for mut m in mentions {
            if m.cues.us_state {
                kept.push(m);
                continue;
            }
            let first = &tokens[m.first_token];
            let last = &tokens[m.last_token];
            let surface = &text[m.start..m.end];
            // Case rules.
            let all_upper =
                (m.first_token..=m.last_token).all(|k| matches!(tokens[k].case, Case::Upper | Case::NoLetters));
            if first.case == Case::Lower {
                if !first.list_item {
                    continue;
                }
                m.cues.lowercase = true;
                m.candidates.retain(|p| !p.abbreviation);
            } else if all_upper && first.line != LineStyle::Caps {
                // An acronym in prose: only abbreviations (US, UAE) match,
                // and only when written as such.
                let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
                if letters <= 5 {
                    m.candidates.retain(|p| p.abbreviation);
                }
            } else if first.line == LineStyle::Caps {
                if caps_stop().contains(&m.key) && !first.dotted {
                    m.candidates.retain(|p| !p.abbreviation);
                }
            } else {
                m.candidates.retain(|p| !p.abbreviation);
            }
            if m.candidates.is_empty() && !m.cues.populated {
                continue;
            }
            if m.first_token == m.last_token && function_words().contains(&m.key) && !all_upper {
                continue;
            }
            // Context rules, on prose lines.
            let prose = first.line == LineStyle::Prose;
            // Preceded by a person's title: "Col. Barzanji", "President Obama".
            if m.first_token > 0 {
                let prev = &tokens[m.first_token - 1];
                let adjacent = matches!(prev.gap, Gap::Space | Gap::Break | Gap::AbbrevSpace)
                    && text[prev.end..first.start].trim_start_matches('.').trim().is_empty();
                if adjacent && prev.case == Case::Title && person_titles().contains_token(text, prev) {
                    continue;
                }
            }
            // Followed by a media or street word: "Al-Ain media", "Washington
            // Post", "Dublin Road".
            if matches!(last.gap, Gap::Space) && m.last_token + 1 < tokens.len() {
                let nw = tok(text, &tokens[m.last_token + 1]);
                let classes = context_words().of_token(text, &tokens[m.last_token + 1]);
                if classes & class::MEDIA_OR_STREET != 0 && !m.cues.populated {
                    continue;
                }
                if classes & class::ADMIN != 0 {
                    m.cues.admin = true;
                }
                if classes & class::ADMIN2 != 0 {
                    m.cues.admin2 = true;
                }
                if nw.eq_ignore_ascii_case("city") {
                    m.cues.populated = true;
                }
            }
            // Part of a longer capitalised name. In headlines every word is
            // capitalised, so there it only counts when prose does not name
            // the place on its own.
            if self.inside_longer_name(text, tokens, caps, &m) {
                if prose {
                    continue;
                }
                headline_doubts.insert(kept.len());
            }
            if m.first_token > 0 && !first.sentence_start {
                let p = &tokens[m.first_token - 1];
                if p.case == Case::Lower
                    && matches!(p.gap, Gap::Space)
                    && matches!(
                        tok(text, p),
                        "in" | "near" | "outside" | "around" | "at" | "towards" | "toward" | "from" | "into"
                    )
                {
                    m.cues.locative = true;
                }
            }
            // "city of X", "town of X".
            if m.first_token >= 2 && tok(text, &tokens[m.first_token - 1]).eq_ignore_ascii_case("of") {
                let classes = context_words().of_token(text, &tokens[m.first_token - 2]);
                if classes & class::POPULATED != 0 {
                    m.cues.populated = true;
                }
                if classes & class::ADMIN != 0 {
                    m.cues.admin = true;
                }
            }
            if m.first_token == m.last_token {
                if surnames.contains(&m.key) {
                    m.cues.surname = true;
                }
                if first.case == Case::Title && is_common_word(&m.key) {
                    m.cues.common_word = true;
                }
            }
            kept.push(m);
        }
        if !headline_doubts.is_empty() {
            let prose_keys: HashSet<String> = kept
                .iter()
                .enumerate()
                .filter(|(i, m)| !headline_doubts.contains(i) && tokens[m.first_token].line == LineStyle::Prose)
                .map(|(_, m)| m.key.clone())
                .collect();
            let mut i = 0;
            kept.retain(|m| {
                let keep = !headline_doubts.contains(&i) || prose_keys.contains(&m.key);
                i += 1;
                keep
            });
        }
        kept
    }

    /// Whether the mention sits inside a longer run of capitalised words that
    /// is not itself a place: "Hudson Institute", "Haider al-Abadi". A strong
    /// place (country, first-level division, large city, by its own name)
    /// stays a mention inside an institution's name ("Texas Department of
    /// Transportation", "U.S. Attorney"), unless it reads as a first name.
    fn inside_longer_name(&self, text: &str, tokens: &[Token], caps: &Caps, m: &Mention) -> bool {
        let (left, right) = run_bounds(text, tokens, caps, m.first_token, m.last_token);
        if (left, right) == (m.first_token, m.last_token) {
            return false;
        }
        let first_name = right > m.last_token && m.first_token == m.last_token && first_names().contains(&m.key);
        let next_is_institution = right > m.last_token && is_token(text, &tokens[m.last_token + 1], class::INSTITUTION);
        if !first_name && left == m.first_token {
            match self.strength(m) {
                Strength::Division => return false,
                Strength::City if next_is_institution => return false,
                _ => {}
            }
        }
        let extra_right_ok = (m.last_token + 1..=right).all(|k| {
            let w = tok(text, &tokens[k]);
            is_token(text, &tokens[k], class::ADMIN | class::ADMIN2 | class::FEATURE)
                || matches!(
                    w,
                    "city"
                        | "river"
                        | "mountain"
                        | "mountains"
                        | "valley"
                        | "desert"
                        | "plain"
                        | "plains"
                        | "lake"
                        | "dam"
                        | "airport"
                        | "crossing"
                        | "camp"
                        | "base"
                )
        });
        let extra_left_ok = (left..m.first_token).all(|k| {
            let w = tok(text, &tokens[k]);
            directions().contains(w) || demonyms().contains_key(&normalize::fold_token(tok(text, &tokens[k])))
        });
        !(extra_right_ok && extra_left_ok)
    }
}

/// "I've", "don't", "we'll": never a name.
/// The tokens a match may start at: capitalised words, and lowercase items
/// of tag lists. Picked without a branch per token (one that mispredicted
/// at every fifth word or so): each token's index is written, and the end
/// of the list moves on past it only when it is one.
///
/// They are written to the front of `picked`, whose length is at least
/// `tokens.len()` after the call: how many there are is returned. (A buffer
/// reused from text to text: a fresh one would be zeroed for every text,
/// which cost as much as the picking.)
fn may_start(tokens: &[Token], picked: &mut Vec<usize>) -> usize {
    if picked.len() < tokens.len() {
        picked.resize(tokens.len(), 0);
    }
    let picked = &mut picked[..tokens.len()];
    let mut n = 0;
    for (k, t) in tokens.iter().enumerate() {
        debug_assert!(n <= k);
        // SAFETY: `n <= k` (it grows by at most one a token) and
        // `k < tokens.len() == picked.len()`: the slot is in bounds. (The
        // bounds check a plain index makes was a quarter of the loop.)
        unsafe { *picked.get_unchecked_mut(n) = k };
        n += usize::from(t.may_start_name());
    }
    n
}

thread_local! {
    /// The buffer of [`may_start`], kept from text to text.
    static PICKED: std::cell::Cell<Vec<usize>> = const { std::cell::Cell::new(Vec::new()) };
}

fn is_contraction(word: &str) -> bool {
    let Some(pos) = word.rfind(|c: char| normalize::is_apostrophe(c)) else { return false };
    let after = word[pos..].chars().skip(1).collect::<String>().to_ascii_lowercase();
    matches!(after.as_str(), "ve" | "ll" | "re" | "d" | "m" | "t")
}

/// The [`normalize::name_key`] of tokens `first..=last`, given `folded`, their
/// folded forms joined by spaces. That is the key when only plain gaps (a
/// space, a hyphen, an abbreviation's period and space) separate the tokens
/// and none folds to nothing; otherwise (a possessive "Iraq's Anbar") the
/// surface is normalised again.
fn span_key(text: &str, tokens: &[Token], first: usize, last: usize, folded: &str) -> String {
    let plain_gaps = (first..last)
        .all(|k| matches!(&text.as_bytes()[tokens[k].end..tokens[k + 1].start], b" " | b"-" | b"\t" | b". "));
    // (A byte scan: `str::contains` sets up a substring searcher per call.)
    let no_empty =
        !folded.starts_with(' ') && !folded.ends_with(' ') && !folded.as_bytes().windows(2).any(|w| w == b"  ");
    if plain_gaps && no_empty {
        debug_assert_eq!(folded, normalize::name_key(&text[tokens[first].start..tokens[last].end]));
        folded.to_string()
    } else {
        normalize::name_key(&text[tokens[first].start..tokens[last].end])
    }
}

fn tok<'t>(text: &'t str, t: &Token) -> &'t str {
    &text[t.start..t.end]
}

/// Lowercase particles of Arabic names, part of a capitalised run ("Abu
/// Bakr al Baghdadi", "Osama bin Laden").
const NAME_PARTICLES_LIST: &[&str] = &["al", "el", "bin", "ibn", "abu", "bint"];

/// The capitalised tokens of a text: their indices in order, and which are
/// name words (not function words): tokens that can be part of a
/// multi-word proper name.
struct Caps {
    list: Vec<usize>,
    names: Bits,
    /// The name words that a run goes on from to the next token, itself a
    /// name word: joined to it by a space or a hyphen.
    links: Bits,
    /// The name words joined to a word that is not a name word, with a name
    /// word after that: where a run may go on over a particle ("Abu Bakr al
    /// Baghdadi"), which [`run_right`] then looks at.
    bridges: Bits,
    /// Both: the name words a run of more than one word may start at.
    longer: Bits,
    /// The capitalised words joined to the next token by a space or a
    /// hyphen, for [`Caps::link`].
    joined: Bits,
}

impl Caps {
    fn new(tokens: usize) -> Caps {
        Caps {
            list: Vec::with_capacity(tokens / 4),
            names: Bits::new(tokens),
            links: Bits::new(tokens),
            bridges: Bits::new(tokens),
            longer: Bits::new(tokens),
            joined: Bits::new(tokens),
        }
    }

    /// Add capitalised token `k`, `t`, a name word or not (a function
    /// word). Tokens are added in order.
    #[inline]
    fn push(&mut self, k: usize, t: &Token, name: bool) {
        self.list.push(k);
        self.names.set_if(k, name);
        self.joined.set_if(k, matches!(t.gap, Gap::Space | Gap::Hyphen));
    }

    /// Make [`Caps::links`], [`Caps::bridges`] and [`Caps::longer`] once
    /// every capitalised token is in: 64 tokens at a time, with no branch
    /// per token.
    fn link(&mut self) {
        let n = &self.names.0;
        // Bit k of `next(w, s)` is bit k + s of the names.
        let next = |w: usize, s: u32| n[w] >> s | n.get(w + 1).map_or(0, |&h| h << (64 - s));
        let words = self.links.0.iter_mut().zip(&mut self.bridges.0).zip(&mut self.longer.0);
        for (w, ((links, bridges), longer)) in words.enumerate() {
            let j = self.joined.0[w] & n[w];
            *links = j & next(w, 1);
            *bridges = j & !next(w, 1) & next(w, 2);
            *longer = *links | *bridges;
        }
    }
}

/// One bit per token.
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    /// Set bit `k` when `on` (with no branch).
    fn set_if(&mut self, k: usize, on: bool) {
        self.0[k / 64] |= u64::from(on) << (k % 64);
    }

    fn get(&self, k: usize) -> bool {
        self.0.get(k / 64).is_some_and(|w| w >> (k % 64) & 1 == 1)
    }

    /// How many bits are set in a row from bit `k` on.
    fn ones_from(&self, mut k: usize) -> usize {
        let from = k;
        while let Some(&w) = self.0.get(k / 64) {
            let (w, room) = (w >> (k % 64), 64 - k % 64);
            let ones = (w.trailing_ones() as usize).min(room);
            k += ones;
            if ones < room {
                break;
            }
        }
        k - from
    }

    /// The first bit set at `k` or after.
    fn next_set(&self, k: usize) -> Option<usize> {
        let mut w = k / 64;
        let mut bits = self.0.get(w)? & (u64::MAX << (k % 64));
        while bits == 0 {
            w += 1;
            bits = *self.0.get(w)?;
        }
        Some(w * 64 + bits.trailing_zeros() as usize)
    }
}

/// The capitalised run around tokens `a..=b`: neighbours joined by a space
/// or hyphen that are capitalised words (a sentence-initial word on the left
/// does not count: it is capitalised anyway).
fn run_bounds(text: &str, tokens: &[Token], caps: &Caps, a: usize, b: usize) -> (usize, usize) {
    let names = &caps.names;
    let mut left = a;
    while left > 0 {
        let p = &tokens[left - 1];
        let joined = matches!(p.gap, Gap::Space | Gap::Hyphen);
        let particle = p.case == Case::Lower && is_token(text, p, class::NAME_PARTICLE);
        if joined && ((names.get(left - 1) && !p.sentence_start) || particle) {
            left -= 1;
        } else {
            break;
        }
    }
    (left, run_right(text, tokens, caps, b))
}

/// The last token of the capitalised run that continues from token `b`:
/// over name words joined by a space or a hyphen, and over a particle
/// between two ("Abu Bakr al Baghdadi"). From a name word, the joined name
/// words that follow are counted off [`Caps::links`] at once, and only a
/// [`Caps::bridges`] bit sends it to look at the next word: a run's length
/// is a coin toss from name to name, which a branch per word mispredicted.
fn run_right(text: &str, tokens: &[Token], caps: &Caps, b: usize) -> usize {
    let names = &caps.names;
    let mut right = b;
    // Token `b` may be no name word (a mention may end in a feature word):
    // the first step is taken word by word then.
    let mut from_name = names.get(right);
    loop {
        if from_name {
            right += caps.links.ones_from(right);
            if !caps.bridges.get(right) {
                return right;
            }
        }
        if right + 1 >= tokens.len() {
            return right;
        }
        let t = &tokens[right];
        let n = &tokens[right + 1];
        if !matches!(t.gap, Gap::Space | Gap::Hyphen) {
            return right;
        }
        if names.get(right + 1) {
            right += 1;
        } else if n.case == Case::Lower
            && matches!(n.gap, Gap::Space | Gap::Hyphen)
            && names.get(right + 2)
            && (is_token(text, n, class::NAME_PARTICLE) || matches!(tok(text, n), "van" | "von" | "de" | "da"))
        {
            right += 2;
        } else {
            return right;
        }
        from_name = true;
    }
}

/// Last words of multi-word capitalised names in the text that no mention
/// covers whole: "Haider al-Abadi" gives "abadi", "Mike Pregent" "pregent".
/// `caps`: the capitalised tokens.
fn surnames(text: &str, tokens: &[Token], caps: &Caps, mentions: &[Mention]) -> Surnames {
    // The token spans of the mentions, sorted: made at the first run.
    let spans = || {
        let mut w: Vec<(usize, usize)> = mentions.iter().map(|m| (m.first_token, m.last_token)).collect();
        w.sort_unstable();
        w
    };
    let mut whole: Option<Vec<(usize, usize)>> = None;
    // Runs are found in order: where the search of the mention spans for
    // the last run left off.
    let mut seen = 0;
    let mut out = Surnames::default();
    // Runs start at name words; the next one starts after the last. A run
    // of one word adds nothing: only the name words a longer run may start
    // at are looked at (and those inside a run are passed over with it).
    let mut after = 0;
    while let Some(k) = caps.longer.next_set(after) {
        if tokens[k].line != LineStyle::Prose {
            after = k + 1;
            continue;
        }
        // Runs are found left to right, so only the right edge is needed.
        let right = run_right(text, tokens, caps, k);
        if right > k {
            let whole = whole.get_or_insert_with(spans);
            seen += whole[seen..].partition_point(|&s| s < (k, right));
            if whole.get(seen) != Some(&(k, right)) {
                out.add(text, &tokens[right]);
            }
        }
        after = right + 1;
    }
    out.short.sort_unstable();
    out.long.sort_unstable();
    out
}

/// The folded keys of a text's [`surnames`]: a few dozen at most in an
/// article, kept sorted and searched by halves (a hash map cost more to
/// build, insert by insert, than it saved on the few lookups).
#[derive(Default)]
struct Surnames {
    /// Keys of up to [`crate::memo::SHORT`] bytes, packed.
    short: Vec<u128>,
    /// Longer keys.
    long: Vec<String>,
}

impl Surnames {
    /// Add the folded key of token `t` of `text`.
    fn add(&mut self, text: &str, t: &Token) {
        // Most words are short runs of ASCII letters and digits: their key
        // comes packed, with no string.
        if let Some(k) = normalize::short_folded_key(text, t.start, t.end) {
            self.short.push(k);
            return;
        }
        let mut key = String::new();
        fold_text_token_into(text, t.start, t.end, &mut key);
        match crate::swar::pack(key.as_bytes()) {
            Some(k) => self.short.push(k),
            None => self.long.push(key),
        }
    }

    /// Whether `key`, a folded key, is one of them.
    fn contains(&self, key: &str) -> bool {
        match crate::swar::pack(key.as_bytes()) {
            Some(k) => self.short.binary_search(&k).is_ok(),
            None => self.long.binary_search_by(|l| l.as_str().cmp(key)).is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A first word whose index values were too large to keep in the word
    /// memo is looked up again from its key, exactly and loosely, with the
    /// same match as from the kept values.
    #[test]
    fn too_large_index_values_are_looked_up_again() {
        let matcher = Matcher::new(Gazetteer::embedded(), MatchOptions::default());
        let text = "Fighting near Mosul and Tal Afar, and in Fallujah, Kirkuk and Sulaimaniya.";
        let tokens = crate::text::tokenize(text);
        let mut s = Scratch { words: WordMap::default(), key: String::new(), loose: Vec::new() };
        let mut found = 0;
        for i in 0..tokens.len() {
            for loose in [false, true] {
                let kept = matcher.longest(text, &tokens, i, loose, None, &mut s);
                let again = matcher.longest(text, &tokens, i, loose, Some(FirstWord::too_large()), &mut s);
                found += usize::from(kept.is_some());
                assert_eq!(again, kept, "token {i}, loose {loose}");
            }
        }
        assert!(found >= 5, "{found} matches");
    }

    /// A later bare mention of a place that is the last word of a person's
    /// name earlier in the text reads as a surname: ASCII, accented and
    /// long (unpacked) keys alike; the same place with no such name does not.
    #[test]
    fn later_bare_names_of_people_are_surnames() {
        let matcher = Matcher::new(Gazetteer::embedded(), MatchOptions::default());
        let surname = |text: &str, word: &str| {
            let tokens = crate::text::tokenize(text);
            let found = matcher.find(text, &tokens);
            let last = found.iter().rev().find(|m| &text[m.start..m.end] == word);
            last.map(|m| m.cues.surname)
        };
        for (text, word, expected) in [
            ("The novelist Jack London wrote it. London later said so.", "London", Some(true)),
            ("Rain fell in Paris. London later said so.", "London", Some(false)),
            ("The judge Ramón Córdoba ruled. Córdoba later said so.", "Córdoba", Some(true)),
            (
                "The poet Ravi Thiruvananthapuram wrote. Thiruvananthapuram later said so.",
                "Thiruvananthapuram",
                Some(true),
            ),
            ("Rain fell in Paris. Thiruvananthapuram later said so.", "Thiruvananthapuram", Some(false)),
        ] {
            assert_eq!(surname(text, word), expected, "{text}");
        }
    }

    /// A lowercase connector continues a name ("Bosnia and Herzegovina");
    /// a lowercase name particle joins a person's name, so that a place
    /// name inside it is no mention ("Ali al Basra").
    #[test]
    fn connectors_and_name_particles() {
        let matcher = Matcher::new(Gazetteer::embedded(), MatchOptions::default());
        let surfaces = |text: &str| -> Vec<String> {
            let tokens = crate::text::tokenize(text);
            matcher.find(text, &tokens).iter().map(|m| text[m.start..m.end].to_string()).collect()
        };
        assert_eq!(surfaces("Fighting spread across Bosnia and Herzegovina last year."), ["Bosnia and Herzegovina"]);
        assert_eq!(surfaces("The cleric spoke in Basra on Friday."), ["Basra"]);
        assert!(surfaces("The cleric Ali al Basra spoke on Friday.").is_empty());
    }

    /// [`run_right`] word by word, as it was before the bit sets.
    fn run_right_word_by_word(text: &str, tokens: &[Token], names: &Bits, b: usize) -> usize {
        let mut right = b;
        while right + 1 < tokens.len() {
            let (t, n) = (&tokens[right], &tokens[right + 1]);
            if !matches!(t.gap, Gap::Space | Gap::Hyphen) {
                break;
            }
            if names.get(right + 1) {
                right += 1;
            } else if n.case == Case::Lower
                && matches!(n.gap, Gap::Space | Gap::Hyphen)
                && names.get(right + 2)
                && (is_token(text, n, class::NAME_PARTICLE) || matches!(tok(text, n), "van" | "von" | "de" | "da"))
            {
                right += 2;
            } else {
                break;
            }
        }
        right
    }

    /// [`surnames`] over every capitalised word, as it was before runs of
    /// one word were passed over.
    fn surnames_word_by_word(text: &str, tokens: &[Token], caps: &Caps, spans: &[(usize, usize)]) -> Surnames {
        let mut out = Surnames::default();
        let mut after = 0;
        for &k in &caps.list {
            if k < after || tokens[k].line != LineStyle::Prose || !caps.names.get(k) {
                continue;
            }
            let right = run_right_word_by_word(text, tokens, &caps.names, k);
            if right > k && !spans.contains(&(k, right)) {
                out.add(text, &tokens[right]);
            }
            after = right + 1;
        }
        out.short.sort_unstable();
        out.long.sort_unstable();
        out
    }

    proptest::proptest! {
        /// Runs of capitalised words found through the bit sets end where
        /// a walk word by word ends them, from every token, and give the
        /// same surnames: over name words, function words, particles,
        /// hyphens, punctuation, line breaks and headlines, with runs
        /// across the 64-token words of the bit sets.
        #[test]
        fn runs_from_bit_sets_are_runs_word_by_word(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "Abu", "Bakr", "Mosul", "Haider", "Abadi", "The", "Of", "In", "al", "bin", "van", "de", "of",
                "and", "said", "the", "U.S.", "IRAQ", "Al-Qaim", "Ali", "Tal", "Afar",
            ]), 1..200),
            seps in proptest::collection::vec(proptest::sample::select(vec![
                " ", " ", " ", " ", "-", ", ", ". ", "\n", " (", "\n\n",
            ]), 200),
            mention_seed in proptest::collection::vec(proptest::num::usize::ANY, 0..8),
        ) {
            let text: String = words.iter().zip(&seps).flat_map(|(w, s)| [*w, *s]).collect();
            let tokens = crate::text::tokenize(&text);
            let mut caps = Caps::new(tokens.len());
            for (k, t) in tokens.iter().enumerate() {
                if matches!(t.case, Case::Title | Case::Upper) {
                    caps.push(k, t, !function_words().contains(tok(&text, t)));
                }
            }
            caps.link();
            for b in 0..tokens.len() {
                proptest::prop_assert_eq!(
                    run_right(&text, &tokens, &caps, b),
                    run_right_word_by_word(&text, &tokens, &caps.names, b),
                    "from token {} of {:?}", b, text
                );
            }
            // Mentions: some runs whole (which then give no surname), and
            // single words.
            let mut spans: Vec<(usize, usize)> = mention_seed
                .iter()
                .map(|&r| {
                    let k = r % tokens.len();
                    (k, if r % 2 == 0 { run_right_word_by_word(&text, &tokens, &caps.names, k) } else { k })
                })
                .collect();
            spans.sort_unstable();
            spans.dedup();
            let mentions: Vec<Mention> = spans
                .iter()
                .map(|&(a, b)| Mention {
                    start: tokens[a].start,
                    end: tokens[b].end,
                    first_token: a,
                    last_token: b,
                    key: String::new(),
                    candidates: Vec::new(),
                    cues: Cues::default(),
                })
                .collect();
            let (fast, slow) = (surnames(&text, &tokens, &caps, &mentions), surnames_word_by_word(&text, &tokens, &caps, &spans));
            proptest::prop_assert_eq!((&fast.short, &fast.long), (&slow.short, &slow.long), "{:?}", text);
        }
    }

    #[test]
    fn bit_runs_and_next_bits() {
        let mut b = Bits::new(200);
        for k in [3, 4, 5, 62, 63, 64, 65, 66, 130] {
            b.set_if(k, true);
        }
        assert_eq!([b.ones_from(3), b.ones_from(5), b.ones_from(6), b.ones_from(62), b.ones_from(64)], [3, 1, 0, 5, 3]);
        assert_eq!(b.ones_from(199), 0);
        assert_eq!(
            [b.next_set(0), b.next_set(6), b.next_set(67), b.next_set(131)],
            [Some(3), Some(62), Some(130), None]
        );
        let full = Bits(vec![u64::MAX; 2]);
        assert_eq!((full.ones_from(0), full.ones_from(100)), (128, 28));
    }
}
