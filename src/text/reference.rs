//! The tokenizer as it was before its fast path (session 5), kept as the
//! oracle of a property test: the fast path must split and classify every
//! text exactly as this byte-at-a-time loop does.

use super::*;

/// Split `text` into tokens (reference version).
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 5);
    // Token indices that start a line, and byte offsets of list punctuation,
    // collected on the way for mark_lines.
    let mut line_starts: Vec<usize> = vec![0];
    let mut list_punct: Vec<usize> = Vec::new();
    let mut newline = false;
    let mut i = 0;
    let mut sentence_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        let class = CLASS[b as usize];
        // Fast skip of ASCII non-word bytes.
        if b < 0x80 && class & WORD == 0 {
            // A line break starts a new sentence when the line is a headline
            // or the break is a blank line; prose wrapped over lines rarely
            // appears in news dumps, so every line start is a sentence start.
            if class & STOP != 0 {
                sentence_start = true;
                newline |= b == b'\n';
            } else if class & LIST != 0 {
                list_punct.push(i);
            }
            i += 1;
            continue;
        }
        let start = i;
        // Fast path: a plain ASCII word followed by a space, comma or other
        // ASCII punctuation that cannot extend it (most words of news text).
        let fast = if b < 0x80 {
            let (j, seen) = alnum_run(bytes, i);
            let plain_end = match bytes.get(j) {
                None => true,
                Some(&n) => n < 0x80 && !matches!(n, b'.' | b'\'' | b'`'),
            };
            plain_end.then(|| {
                let case = if class & (UPPER | LOWER) == 0 {
                    // Starts with a digit ("3rd"): the first letter decides.
                    ascii_case(&bytes[start..j])
                } else if seen & LOWER == 0 {
                    Case::Upper
                } else if class & UPPER != 0 {
                    Case::Title
                } else {
                    Case::Lower
                };
                (j, case)
            })
        } else {
            None
        };
        let (end, dotted, case) = match fast {
            Some((end, case)) => (end, false, case),
            None => {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !is_word_char(c) {
                    i += c.len_utf8();
                    continue;
                }
                let (end, dotted) = scan_word(text, i);
                (end, dotted, case_of(&text[start..end]))
            }
        };
        let word = &text[start..end];
        if newline {
            line_starts.push(tokens.len());
            newline = false;
        }
        tokens.push(Token {
            start,
            end,
            case,
            gap: Gap::Break,
            sentence_start,
            line: LineStyle::Prose,
            dotted,
            list_item: false,
        });
        sentence_start = false;
        i = end;
        // Possessive: skip "'s" or a bare trailing apostrophe.
        if bytes.get(i).is_some_and(|&n| n == b'\'' || n == b'`' || n >= 0x80)
            && let Some(c) = text[i..].chars().next()
            && is_apostrophe(c)
        {
            let after = i + c.len_utf8();
            let rest = &text[after..];
            if rest.starts_with('s') && !rest[1..].chars().next().is_some_and(is_word_char) {
                i = after + 1;
            } else if !rest.chars().next().is_some_and(is_word_char) {
                i = after;
            }
        }
        // Classify the gap to the next token.
        let gap = classify_gap(text, i, word, dotted);
        if let Some(t) = tokens.last_mut() {
            t.gap = gap;
        }
        // "U.S." does not end a sentence (the rare sentence-final "U.S." is
        // missed, which only matters for sentence-initial filtering).
        // A period right after a non-final abbreviation does not end the sentence.
        if bytes.get(i) == Some(&b'.')
            && case != Case::Lower
            && word.len() <= 6
            && NON_FINAL_ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
        {
            i += 1;
        }
    }
    mark_lines_asking(text, &mut tokens, &line_starts, &list_punct, true);
    tokens
}
