//! The one recogniser of page-number lines, for every reader: the text reader drops such lines
//! where they were pasted between table rows, the PDF reader drops them from the page margins.
//! A line is a page number when it has either shape below.

/// True for a line that is only a page number: `2`, `- 3 -`, `— 3 —`, `－１－`, `第 3 页`,
/// `第3页 共10页`, `第3页/共9页`, `3/10`, `Page 3 of 10`, `• 3 •`. Bare numbers have at most three
/// digits, so that a year such as `2024` on a line of its own stays text.
///
/// The normaliser keeps its own, looser test (`jixiao_normalize::text::is_page_number`, up to
/// nine digits and slashes) for the paragraphs it reads for titles: a reader must not drop a year line
/// from the document, the normaliser may pass over it. Making them one would change the output.
pub(crate) fn is_page_number(line: &str) -> bool {
    spelled_out(line) || compact(line)
}

/// True for a line that is only a page number: `2`, `- 3 -`, `— 3 —`, `第 3 页`,
/// `第3页 共10页`, `3/10`, `Page 3 of 10`. Bare numbers have at most three digits, so that a
/// year such as `2024` on a line of its own stays text.
fn spelled_out(line: &str) -> bool {
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
struct Scanner<'a>(&'a str);

impl Scanner<'_> {
    fn skip_space(&mut self) {
        self.0 = self.0.trim_start();
    }

    /// Up to `most` ASCII or full-width digits, at least one.
    fn digits(&mut self, most: usize) -> bool {
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

    fn dash(&mut self) -> bool {
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

    fn literal(&mut self, literal: &str) -> bool {
        self.skip_space();
        match self.0.strip_prefix(literal) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    fn literal_ignore_case(&mut self, literal: &str) -> bool {
        self.skip_space();
        match self.0.get(..literal.len()) {
            Some(head) if head.eq_ignore_ascii_case(literal) => {
                self.0 = self.0.get(literal.len()..).unwrap_or_default();
                true
            }
            _ => false,
        }
    }

    fn end(&mut self) -> bool {
        self.skip_space();
        self.0.is_empty()
    }
}

/// The shapes of PDF page furniture: full-width digits, dots and dashes around the number,
/// `第3页/共9页`, white space anywhere.
fn compact(text: &str) -> bool {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            other => other,
        })
        .collect();
    // Three digits at most: a lone `2024` is a year, not a page.
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit());
    let trimmed = compact.trim_matches(|c| matches!(c, '-' | '－' | '—' | '–' | '·' | '•'));
    if digits(trimmed) {
        return true;
    }
    if let Some((a, b)) = trimmed.split_once('/')
        && digits(a)
        && digits(b)
    {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("page") {
        let rest = rest.replace("of", "/");
        return rest.split('/').all(digits);
    }
    // 第3页, 第3页共9页, 第3页/共9页.
    if let Some(rest) = trimmed.strip_prefix('第')
        && let Some((number, tail)) = rest.split_once('页')
        && digits(number)
    {
        let tail = tail.trim_start_matches([',', '，', '/']);
        return tail.is_empty()
            || tail
                .strip_prefix('共')
                .and_then(|t| t.strip_suffix('页'))
                .is_some_and(digits);
    }
    false
}
