//! Lines that are not content: page numbers left by the tool the text came from, and table
//! titles.

/// True for a line that is only a page number: `2`, `- 3 -`, `— 3 —`, `第 3 页`,
/// `第3页 共10页`, `3/10`, `Page 3 of 10`. Bare numbers have at most three digits, so that a
/// year such as `2024` on a line of its own stays text.
pub(crate) fn is_page_debris(line: &str) -> bool {
    let text = line.trim();
    if text.is_empty() {
        return false;
    }
    let mut scanner = Scanner(text);
    // Bare: `12`.
    let mut bare = scanner.clone();
    if bare.digits(3) && bare.end() {
        return true;
    }
    // Dashed: `- 3 -`.
    let mut dashed = scanner.clone();
    if dashed.dash() && dashed.digits(4) && dashed.dash() && dashed.end() {
        return true;
    }
    // Fraction: `3/10`, `3 / 10`.
    let mut fraction = scanner.clone();
    if fraction.digits(4) && fraction.literal("/") && fraction.digits(4) && fraction.end() {
        return true;
    }
    // Chinese: `第 3 页`, optionally `共 10 页` after it, or before it.
    let mut chinese = scanner.clone();
    if chinese.literal("共") && chinese.digits(4) && chinese.literal("页") {
        chinese.literal("，");
        chinese.literal(",");
    } else {
        chinese = scanner.clone();
    }
    if chinese.literal("第") && chinese.digits(4) && chinese.literal("页") {
        if chinese.clone().end() {
            return true;
        }
        chinese.literal("，");
        chinese.literal(",");
        if chinese.literal("共") && chinese.digits(4) && chinese.literal("页") && chinese.end() {
            return true;
        }
    }
    // English: `Page 3`, `Page 3 of 10`.
    if scanner.literal_ignore_case("page") && scanner.digits(4) {
        if scanner.clone().end() {
            return true;
        }
        return scanner.literal_ignore_case("of") && scanner.digits(4) && scanner.end();
    }
    false
}

/// A tiny matcher over the page-number shapes; each step skips leading whitespace.
#[derive(Debug, Clone)]
pub(super) struct Scanner<'a>(&'a str);

impl Scanner<'_> {
    pub(super) fn skip_space(&mut self) {
        self.0 = self.0.trim_start();
    }

    /// Up to `most` ASCII or full-width digits, at least one.
    pub(super) fn digits(&mut self, most: usize) -> bool {
        self.skip_space();
        let mut count = 0;
        let mut end = 0;
        for (index, c) in self.0.char_indices() {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                count += 1;
                end = index + c.len_utf8();
            } else {
                break;
            }
        }
        if count == 0 || count > most {
            return false;
        }
        self.0 = self.0.get(end..).unwrap_or_default();
        true
    }

    pub(super) fn dash(&mut self) -> bool {
        self.skip_space();
        let mut chars = self.0.chars();
        match chars.next() {
            Some('-' | '—' | '–' | '－' | '―') => {
                self.0 = chars
                    .as_str()
                    .trim_start_matches(['-', '—', '–', '－', '―']);
                true
            }
            _ => false,
        }
    }

    pub(super) fn literal(&mut self, literal: &str) -> bool {
        self.skip_space();
        match self.0.strip_prefix(literal) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    pub(super) fn literal_ignore_case(&mut self, literal: &str) -> bool {
        self.skip_space();
        match self.0.get(..literal.len()) {
            Some(head) if head.eq_ignore_ascii_case(literal) => {
                self.0 = self.0.get(literal.len()..).unwrap_or_default();
                true
            }
            _ => false,
        }
    }

    pub(super) fn end(&mut self) -> bool {
        self.skip_space();
        self.0.is_empty()
    }
}

/// True for a line that reads as the title of a table: short, and ending in `…目标表` or
/// `…批复表`, or naming 绩效 and ending in `表`. Used where a line would otherwise continue the
/// last cell of a table (a title pasted with no blank line before it).
pub(crate) fn looks_like_title(text: &str) -> bool {
    let text = text.trim();
    if text.chars().count() > 80 {
        return false;
    }
    text.ends_with("目标表")
        || text.ends_with("批复表")
        || (text.ends_with('表') && text.contains("绩效"))
}
