//! Event dates: explicit ("June 1", "Oct. 17", "January 3, 2020") and
//! relative to the article's publication date ("on Sunday", "Saturday
//! night", "over the weekend", "last month"). Without a reference date,
//! relative expressions give no date: there is no silent fallback.

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Regex, RegexBuilder};

use super::shadow;

/// How precise a date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    /// The day is known.
    Day,
    /// The week is known.
    Week,
    /// The month is known.
    Month,
}

impl Precision {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
        }
    }
}

/// A date found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundDate {
    /// The date (for week and month precision, the first day of the span).
    pub date: NaiveDate,
    /// Its precision.
    pub precision: Precision,
    /// Byte offset of the expression in the searched text.
    pub start: usize,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    if w == "sept" {
        return Some(9);
    }
    MONTHS.iter().position(|m| m.starts_with(&w) && (w.len() == 3 || *m == w)).map(|i| i as u32 + 1)
}

fn weekday_of(word: &str) -> Option<Weekday> {
    Some(match word.to_ascii_lowercase().as_str() {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// The date patterns: explicit dates, "in March" and the like, and
/// weekdays and relative expressions.
struct Patterns {
    explicit: Regex,
    month_only: Regex,
    relative: Regex,
}

impl Patterns {
    /// Compiled with Unicode classes, or ASCII-only to run on shadows
    /// (see [`super::shadow`]).
    fn new(unicode: bool) -> Patterns {
        let build = |p: &str| RegexBuilder::new(p).unicode(unicode).build().expect("static regex");
        let m = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
        Patterns {
            explicit: build(&format!(
                r"\b(?:(?P<m1>{m})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{m})(?:,?\s+(?P<y2>\d{{4}}))?)\b"
            )),
            month_only: build(
                r"\b(?:in|since|during|early|late|mid-?)\s+(?P<m>January|February|March|April|May|June|July|August|September|October|November|December)(?:\s+(?P<y>\d{4}))?\b",
            ),
            relative: build(
                r"(?i)\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(?P<rel>yesterday|today|last night|this morning|tonight|(?:over|during|at) the weekend|last weekend|this weekend|last week|this week|earlier this week|last month|this month|earlier this month)\b",
            ),
        }
    }
}

fn unicode_patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns::new(true))
}

fn ascii_patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns::new(false))
}

/// `f` with the patterns and a haystack of the same byte offsets as `text`:
/// the ASCII patterns on its offset-keeping shadow (`text` itself when it is
/// ASCII), or the Unicode patterns on `text` when a character has no
/// stand-in.
fn on_ascii<R>(text: &str, f: impl FnOnce(&Patterns, &str) -> R) -> R {
    shadow::of(text, true, |shadow| match shadow {
        Some(shadow) => f(ascii_patterns(), shadow),
        None => f(unicode_patterns(), text),
    })
}

/// The year of a month/day without a year: the latest such date on or
/// before the reference (news reports past events).
fn infer_year(reference: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(reference.year(), month, day)?;
    if this <= reference + Duration::days(1) {
        Some(this)
    } else {
        NaiveDate::from_ymd_opt(reference.year() - 1, month, day)
    }
}

fn last_weekday(reference: NaiveDate, wd: Weekday) -> NaiveDate {
    let back = (reference.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64).rem_euclid(7);
    reference - Duration::days(back)
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The first date expression in `text`, resolved against `reference` (the
/// publication date) when it needs one.
pub fn find_date(text: &str, reference: Option<NaiveDate>) -> Option<FoundDate> {
    // Every match is of ASCII characters only, the same in the shadow as in
    // the text, and at the same offsets.
    on_ascii(text, |patterns, haystack| find_date_with(patterns, haystack, reference))
}

fn find_date_with(patterns: &Patterns, text: &str, reference: Option<NaiveDate>) -> Option<FoundDate> {
    let mut found: Vec<FoundDate> = Vec::new();
    for c in patterns.explicit.captures_iter(text) {
        let (Some(m), Some(d)) = (c.name("m1").or(c.name("m2")), c.name("d1").or(c.name("d2"))) else { continue };
        let (Some(month), Ok(day)) = (month_of(m.as_str()), d.as_str().parse::<u32>()) else { continue };
        // "May 5" is a date; "may" alone is a verb and never reaches here.
        let year = c.name("y1").or(c.name("y2")).and_then(|y| y.as_str().parse::<i32>().ok());
        let date = match (year, reference) {
            (Some(y), _) => NaiveDate::from_ymd_opt(y, month, day),
            (None, Some(r)) => infer_year(r, month, day),
            (None, None) => None,
        };
        if let (Some(date), Some(whole)) = (date, c.get(0)) {
            found.push(FoundDate { date, precision: Precision::Day, start: whole.start() });
        }
    }
    for c in patterns.month_only.captures_iter(text) {
        let (Some(m), Some(whole)) = (c.name("m"), c.get(0)) else { continue };
        let Some(month) = month_of(m.as_str()) else { continue };
        if found.iter().any(|f| f.start >= whole.start() && f.start < whole.end()) {
            continue;
        }
        let year = c.name("y").and_then(|y| y.as_str().parse::<i32>().ok());
        let date = match (year, reference) {
            (Some(y), _) => NaiveDate::from_ymd_opt(y, month, 1),
            (None, Some(r)) => infer_year(r, month, 1),
            (None, None) => None,
        };
        if let Some(date) = date {
            found.push(FoundDate { date, precision: Precision::Month, start: whole.start() });
        }
    }
    if let Some(r) = reference {
        for c in patterns.relative.captures_iter(text) {
            let Some(whole) = c.get(0) else { continue };
            if let Some(wd) = c.name("wd").and_then(|w| weekday_of(w.as_str())) {
                // A weekday right before a month date is part of it.
                if found.iter().any(|f| f.start > whole.end() && f.start <= whole.end() + 3) {
                    continue;
                }
                found.push(FoundDate { date: last_weekday(r, wd), precision: Precision::Day, start: whole.start() });
                continue;
            }
            let rel = c.name("rel").map(|m| m.as_str().to_ascii_lowercase()).unwrap_or_default();
            let (date, precision) = match rel.as_str() {
                "yesterday" | "last night" => (r - Duration::days(1), Precision::Day),
                "today" | "this morning" | "tonight" => (r, Precision::Day),
                s if s.ends_with("weekend") => {
                    let sat = last_weekday(r, Weekday::Sat);
                    (
                        if s == "last weekend" && r - sat < Duration::days(2) { sat - Duration::days(7) } else { sat },
                        Precision::Week,
                    )
                }
                "last week" => (r - Duration::days(7), Precision::Week),
                "this week" | "earlier this week" => (r, Precision::Week),
                "last month" => (first_of_month(first_of_month(r) - Duration::days(1)), Precision::Month),
                _ => (first_of_month(r), Precision::Month),
            };
            found.push(FoundDate { date, precision, start: whole.start() });
        }
    }
    found.into_iter().min_by_key(|f| f.start)
}

/// A reference date from the start of an article ("January 3, 2020 »
/// Today News"): the first full date with a year in its first 300 bytes.
pub fn dateline(text: &str) -> Option<NaiveDate> {
    let mut end = text.len().min(300);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    // A dateline has a year: skip the regex when there are no four digits.
    let mut run = 0;
    if !head.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run == 4
    }) {
        return None;
    }
    on_ascii(head, |patterns, head| {
        patterns.explicit.captures_iter(head).find_map(|c| {
            let m = month_of(c.name("m1").or(c.name("m2"))?.as_str())?;
            let d: u32 = c.name("d1").or(c.name("d2"))?.as_str().parse().ok()?;
            let y: i32 = c.name("y1").or(c.name("y2"))?.as_str().parse().ok()?;
            NaiveDate::from_ymd_opt(y, m, d)
        })
    })
}

/// Parse an ISO date, or the date part of an ISO timestamp.
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn find(text: &str, r: Option<NaiveDate>) -> Option<(NaiveDate, Precision)> {
        find_date(text, r).map(|f| (f.date, f.precision))
    }

    #[test]
    fn explicit_dates() {
        let r = Some(d(2016, 11, 2));
        assert_eq!(find("ordered a halt June 1 out of concern", r), Some((d(2016, 6, 1), Precision::Day)));
        assert_eq!(find("the campaign that started on Oct 17 with", r), Some((d(2016, 10, 17), Precision::Day)));
        assert_eq!(find("on Oct. 30, officials", r), Some((d(2016, 10, 30), Precision::Day)));
        assert_eq!(find("January 3, 2020 » Today", None), Some((d(2020, 1, 3), Precision::Day)));
        assert_eq!(find("on 5 March 2019", None), Some((d(2019, 3, 5), Precision::Day)));
        // December in a November article is last year's.
        assert_eq!(find("since December 12", r), Some((d(2015, 12, 12), Precision::Day)));
        assert_eq!(find("The U.N in July said", r), Some((d(2016, 7, 1), Precision::Month)));
        assert_eq!(find("June 1", None), None);
    }

    #[test]
    fn relative_dates_need_a_reference() {
        let r = Some(d(2020, 1, 3)); // a Friday
        assert_eq!(find("militants attacked on Sunday", r), Some((d(2019, 12, 29), Precision::Day)));
        assert_eq!(find("retaken on Saturday night", r), Some((d(2019, 12, 28), Precision::Day)));
        assert_eq!(find("conducted over the weekend", r), Some((d(2019, 12, 28), Precision::Week)));
        assert_eq!(find("reported last month", r), Some((d(2019, 12, 1), Precision::Month)));
        assert_eq!(find("a raid yesterday", r), Some((d(2020, 1, 2), Precision::Day)));
        assert_eq!(find("militants attacked on Sunday", None), None);
        assert_eq!(find("no date here", r), None);
    }

    proptest::proptest! {
        /// The ASCII patterns on offset-keeping shadows find what the
        /// Unicode patterns find on the text itself, at the same offsets.
        #[test]
        fn shadow_matches_unicode(words in proptest::collection::vec(proptest::sample::select(vec![
            "on", "in", "since", "mid-", "June", "Oct.", "Oct", "17", "3rd", "2019", "1", ",", "May", "Sunday",
            "SUNDAY", "last", "week", "weekend", "over", "the", "yesterday", "night", "this", "month", "café",
            "naïve", "\u{a0}", "—", "“", "”", "’", "ſunday", "\u{212a}", "٣", "²", "Mosul’s", "Ådalen", "\u{301}",
            "mid", "-", ".", "Tuesday\u{a0}", "June\u{2009}1",
        ]), 0..14), day in 1u32..=28) {
            let text = words.join(" ");
            for reference in [None, Some(d(2020, 1, day))] {
                proptest::prop_assert_eq!(
                    find_date(&text, reference),
                    find_date_with(unicode_patterns(), &text, reference)
                );
            }
        }
    }

    #[test]
    fn datelines() {
        assert_eq!(dateline("Skip to Content\n\nJanuary 3, 2020 » Today News"), Some(d(2020, 1, 3)));
        assert_eq!(parse_published("2020-01-03T10:00:00Z"), Some(d(2020, 1, 3)));
    }
}
