//! Casualty counts: "six died, and 31 people ... were injured", "killed at
//! least 12", "about 50 others who were summarily executed". A count is only
//! reported when the text states it; vague words ("dozens") give none.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use super::shadow;

/// Fatalities and injuries stated in a sentence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Casualties {
    /// People killed, when stated.
    pub fatalities: Option<u32>,
    /// People injured, when stated.
    pub injured: Option<u32>,
}

const NUMBER_WORDS: [(&str, u32); 28] = [
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("hundred", 100),
];

fn number(s: &str) -> Option<u32> {
    let s = s.trim().to_ascii_lowercase().replace(',', "");
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    if s == "a dozen" || s == "dozen" {
        return Some(12);
    }
    NUMBER_WORDS.iter().find(|(w, _)| *w == s).map(|(_, n)| *n)
}

const NUM: &str = r"(?P<n>\d{1,3}(?:,\d{3})*|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a dozen)";
const QUAL: &str = r"(?:(?:at least|about|around|some|nearly|almost|more than|over|up to|an estimated|as many as)\s+)?";
/// Words between a number and its verb; `’` is left out of the ASCII form.
fn filler(unicode: bool) -> String {
    let apostrophes = if unicode { "'’" } else { "'" };
    format!(r"(?:[\w{apostrophes}-]+\s+){{0,8}}?")
}
const KILL: &str = r"(?:killed|killing|died|dead|slain|executed|summarily executed|shot dead|beheaded|tortured to death|lost their lives|perished)";
const HURT: &str = r"(?:injured|injuring|wounded|wounding|hurt)";

/// The casualty patterns with whether they count deaths, in the order they
/// are tried: "killed 12" before "12 ... killed", so a later verb does not
/// take an earlier number. `unicode: false` compiles them ASCII-only, to run
/// on [`shadow`]s: their DFAs are small enough to stay cached, where
/// the Unicode forms of `\w` and `\b` rebuilt states on every sentence.
fn patterns(unicode: bool) -> [(Regex, bool); 4] {
    let filler = filler(unicode);
    let build = |p: String| RegexBuilder::new(&p).unicode(unicode).build().expect("static regex");
    let after = |verb: &str| {
        build(format!(
            r"(?i)\b{QUAL}{NUM}\s+{filler}(?:who\s+)?(?:were\s+|was\s+|have been\s+|had been\s+)?(?:\w+\s+)?{verb}\b"
        ))
    };
    let before = |verb: &str| {
        build(format!(
            r"(?i)\b{verb}\s+{QUAL}{NUM}\b(?:\s+(?:people|civilians|soldiers|fighters|members|others|militants|police|policemen|troops|men|women|children|residents|of them))?"
        ))
    };
    [(before(KILL), true), (after(KILL), true), (before(HURT), false), (after(HURT), false)]
}

fn ascii_patterns() -> &'static [(Regex, bool); 4] {
    static R: OnceLock<[(Regex, bool); 4]> = OnceLock::new();
    R.get_or_init(|| patterns(false))
}

fn unicode_patterns() -> &'static [(Regex, bool); 4] {
    static R: OnceLock<[(Regex, bool); 4]> = OnceLock::new();
    R.get_or_init(|| patterns(true))
}

/// Quick scans that rule out most sentences before the patterns of [`patterns`]
/// run: each pattern needs a verb of its kind (one of these stems of each
/// KILL or HURT verb) and a number (a digit or a number word of [`NUM`]).
struct Prefilters {
    kill: Regex,
    hurt: Regex,
    number: Regex,
}

fn prefilters() -> &'static Prefilters {
    static R: OnceLock<Prefilters> = OnceLock::new();
    R.get_or_init(|| Prefilters {
        kill: Regex::new(r"(?i)kill|died|dead|slain|execut|behead|death|lives|perish").expect("static regex"),
        hurt: Regex::new(r"(?i)injur|wound|hurt").expect("static regex"),
        number: Regex::new(
            r"(?i)\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozen",
        )
        .expect("static regex"),
    })
}

/// The casualties a sentence states.
pub fn find_casualties(sentence: &str) -> Casualties {
    let pre = prefilters();
    let (kill, hurt) = (pre.kill.is_match(sentence), pre.hurt.is_match(sentence));
    if !(kill || hurt) || !pre.number.is_match(sentence) {
        return Casualties::default();
    }
    // The patterns capture a number, not an offset: one stand-in byte per
    // character will do.
    shadow::of(sentence, false, |shadow| match shadow {
        Some(shadow) => casualties_with(ascii_patterns(), shadow, kill, hurt),
        None => casualties_with(unicode_patterns(), sentence, kill, hurt),
    })
}

fn casualties_with(patterns: &[(Regex, bool); 4], sentence: &str, kill: bool, hurt: bool) -> Casualties {
    let mut c = Casualties::default();
    for (re, fatal) in patterns {
        if !(if *fatal { kill } else { hurt }) {
            continue;
        }
        let Some(n) = re.captures(sentence).and_then(|cap| cap.name("n").and_then(|n| number(n.as_str()))) else {
            continue;
        };
        let slot = if *fatal { &mut c.fatalities } else { &mut c.injured };
        if slot.is_none() {
            *slot = Some(n);
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> (Option<u32>, Option<u32>) {
        let c = find_casualties(s);
        (c.fatalities, c.injured)
    }

    #[test]
    fn stated_counts() {
        assert_eq!(
            f("Six died, and 31 people from the predominantly ethnic Turkmen unit were injured in the shooting."),
            (Some(6), Some(31))
        );
        assert_eq!(f("The blast killed at least 12 people and wounded 40."), (Some(12), Some(40)));
        assert_eq!(
            f(
                "more than 640 Sunni men and boys reportedly abducted by militiamen, and about 50 others who were summarily executed or tortured to death"
            ),
            (Some(50), None)
        );
        assert_eq!(f("Two soldiers were killed."), (Some(2), None));
        assert_eq!(f("a roadside bomb struck a truck, wounding two soldiers"), (None, Some(2)));
        assert_eq!(f("ambushed a convoy on Sunday, killing three fighters."), (Some(3), None));
        // Every number word passes the prefilter ("fifteen" and "thirteen"
        // contain no smaller number word).
        assert_eq!(f("Fifteen people were killed."), (Some(15), None));
        assert_eq!(f("Thirteen soldiers were wounded."), (None, Some(13)));
        assert_eq!(f("Militants beheaded 40 hostages, the group said."), (Some(40), None));
    }

    proptest::proptest! {
        /// The ASCII patterns on shadows find what the Unicode patterns find
        /// on the sentence itself.
        #[test]
        fn shadow_matches_unicode(words in proptest::collection::vec(proptest::sample::select(vec![
            "killed", "were", "wounded", "at least", "12", "1,200", "six", "a dozen", "people", "the", "who",
            "Kurdish", "Mosul’s", "café", "naïve", "\u{a0}", "—", "“", "”", "’", "ſix", "\u{212a}illed", "٣",
            "²", "-", "'", ",", ".", "Ådalen", "died", "injured", "soldiers", "more than", "\u{301}",
        ]), 0..14)) {
            let sentence = words.join(" ");
            let pre = prefilters();
            let (kill, hurt) = (pre.kill.is_match(&sentence), pre.hurt.is_match(&sentence));
            let expected = if !(kill || hurt) || !pre.number.is_match(&sentence) {
                Casualties::default()
            } else {
                casualties_with(unicode_patterns(), &sentence, kill, hurt)
            };
            proptest::prop_assert_eq!(find_casualties(&sentence), expected);
        }
    }

    #[test]
    fn no_invented_counts() {
        assert_eq!(f("Dozens were killed in the fighting."), (None, None));
        assert_eq!(
            f("The units took as many as 600 prisoners, many of whom have been tortured and killed."),
            (None, None)
        );
        assert_eq!(f("In 2014 the militias formed."), (None, None));
    }
}
