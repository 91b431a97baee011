//! Text as a browser lays it out: runs of HTML whitespace collapse to one space, line breaks
//! come from `<br>` and block boundaries, `&nbsp;` stays a space.
//!
//! Office suites wrap long lines of their HTML inside Chinese text (`根据国务院\r\n“三定方案”`).
//! A browser following CSS Text 3 drops such a line break between two East Asian wide
//! characters instead of showing a space; so does this builder, so that `一级\n指标` in the
//! markup reads `一级指标`.

/// Collects the text of one paragraph or one table cell.
#[derive(Debug, Default)]
pub(super) struct TextBuilder {
    out: String,
    /// Collapsible whitespace seen since the last character.
    pending_space: bool,
    /// That whitespace held a line break of the markup.
    pending_segment_break: bool,
    /// A block boundary asked for a new line before the next character.
    pending_line: bool,
}

impl TextBuilder {
    pub fn new() -> Self {
        TextBuilder::default()
    }

    /// Adds the text of a text node. In `pre` mode whitespace is kept as written.
    pub fn push_text(&mut self, text: &str, pre: bool) {
        for c in text.chars() {
            if pre {
                match c {
                    '\r' => {}
                    '\n' => self.line_break(),
                    c => self.push_visible(c),
                }
                continue;
            }
            match c {
                ' ' | '\t' | '\x0C' => self.pending_space = true,
                '\n' | '\r' => {
                    self.pending_space = true;
                    self.pending_segment_break = true;
                }
                c => self.push_visible(c),
            }
        }
    }

    /// Adds a character that is not whitespace (a checkbox, say).
    pub fn push_visible(&mut self, c: char) {
        if self.pending_line {
            if !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push('\n');
            }
        } else if self.pending_space && !self.out.is_empty() && !self.out.ends_with('\n') {
            let joined = self.pending_segment_break
                && self.out.chars().next_back().is_some_and(is_wide)
                && is_wide(c);
            if !joined {
                self.out.push(' ');
            }
        }
        self.pending_line = false;
        self.pending_space = false;
        self.pending_segment_break = false;
        self.out.push(if c == '\u{A0}' { ' ' } else { c });
    }

    /// Collapsible whitespace, as between the cells of a nested table.
    pub fn space(&mut self) {
        self.pending_space = true;
    }

    /// A hard line break (`<br>`).
    pub fn line_break(&mut self) {
        self.out.push('\n');
        self.pending_line = false;
        self.pending_space = false;
        self.pending_segment_break = false;
    }

    /// The edge of a block element: the next text starts on a new line.
    pub fn block_boundary(&mut self) {
        self.pending_line = true;
    }

    /// The text, each line trimmed of spaces, blank lines left out.
    pub fn finish(&mut self) -> String {
        let text = std::mem::take(&mut self.out);
        self.pending_line = false;
        self.pending_space = false;
        self.pending_segment_break = false;
        let mut out = String::with_capacity(text.len());
        for line in text.split('\n') {
            let line = line.trim_matches([' ', '\t']);
            if line.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        out
    }
}

/// East Asian wide and full-width characters other than Hangul (CSS Text 3, segment break
/// transformation): a line break of the markup between two of them is removed.
fn is_wide(c: char) -> bool {
    // U+FF00 and U+2FFFE–U+2FFFF are unassigned; CSS leaves them out.
    jixiao_grid::is_wide(c)
        && !jixiao_grid::is_hangul(c)
        && !matches!(c as u32, 0xFF00 | 0x2FFFE | 0x2FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collapse(parts: &[&str]) -> String {
        let mut builder = TextBuilder::new();
        for part in parts {
            builder.push_text(part, false);
        }
        builder.finish()
    }

    #[test]
    fn whitespace_collapses_and_nbsp_stays() {
        assert_eq!(collapse(&["  a \t\n b  "]), "a b");
        assert_eq!(collapse(&["a", " ", " ", "b"]), "a b");
        assert_eq!(collapse(&["a\u{A0}\u{A0}b"]), "a  b");
        assert_eq!(collapse(&["\u{A0}"]), "");
    }

    #[test]
    fn markup_line_breaks_inside_chinese_text_vanish() {
        assert_eq!(collapse(&["一级\r\n指标"]), "一级指标");
        assert_eq!(collapse(&["一级 指标"]), "一级 指标");
        assert_eq!(collapse(&["100\n万元"]), "100 万元");
    }

    #[test]
    fn breaks_and_blocks_make_lines_without_blank_ones() {
        let mut builder = TextBuilder::new();
        builder.push_text("1、一", false);
        builder.line_break();
        builder.line_break();
        builder.push_text(" 2、二 ", false);
        builder.block_boundary();
        builder.block_boundary();
        builder.push_text("三", false);
        builder.block_boundary();
        assert_eq!(builder.finish(), "1、一\n2、二\n三");
        let mut pre = TextBuilder::new();
        pre.push_text("a  b\r\nc", true);
        assert_eq!(pre.finish(), "a  b\nc");
    }
}
