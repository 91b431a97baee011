//! Lines that are not content: page numbers left by the tool the text came from, and table
//! titles.

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
