//! HTML element names that more than one reader knows: the HTML page reader and the text
//! reader's cleaning of markup pasted into cells.

/// The heading elements: each ends a paragraph in cell text and closes an open `<p>`.
pub(crate) const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
