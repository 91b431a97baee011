//! Glyphs into text: lines by baseline and reading direction, chunks at wide gaps, lines
//! wrapped inside a cell joined, paragraphs cut at shared gutters (step 4 of the layout).

use super::*;

/// Text assembled from glyphs.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Block {
    pub(super) text: String,
    /// True when the last line reaches the right edge of the box given, or ends in
    /// punctuation that cannot end a text.
    pub(super) ends_full: bool,
    pub(super) lines: usize,
}

/// One line of glyphs in a reading frame.
#[derive(Debug, Clone)]
pub(super) struct Line {
    pub(super) text: String,
    /// The line cut at wide gaps (two em or more), for tables found by alignment.
    pub(super) chunks: Vec<Chunk>,
    pub(super) u0: f64,
    pub(super) u1: f64,
    pub(super) v: f64,
    pub(super) size: f64,
}

/// The dominant reading direction of some glyphs.
pub(super) fn dominant_direction(glyphs: &[&Glyph]) -> Direction {
    let mut counts = [0usize; 4];
    for glyph in glyphs {
        let index = match glyph.direction {
            Direction::Right => 0,
            Direction::Up => 1,
            Direction::Left => 2,
            Direction::Down => 3,
        };
        counts[index] += 1;
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    [
        Direction::Right,
        Direction::Up,
        Direction::Left,
        Direction::Down,
    ][best]
}

/// Groups glyphs into lines in their reading frame, top line first.
pub(super) fn lines_of(glyphs: &[&Glyph], direction: Direction) -> Vec<Line> {
    // Glyphs in another direction than the dominant one are projected into its frame.
    let mut placed: Vec<(f64, f64, f64, &Glyph)> = glyphs
        .iter()
        .map(|glyph| {
            if glyph.direction == direction {
                (glyph.u0, glyph.u1, glyph.v, *glyph)
            } else {
                let (u, v) = direction.frame(glyph.cx, glyph.cy);
                let half = glyph.size / 2.0;
                (
                    u - half,
                    u + half,
                    v - glyph.size * GLYPH_CENTRE_HEIGHT,
                    *glyph,
                )
            }
        })
        .collect();
    placed.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.total_cmp(&b.0)));

    let mut groups: Vec<Vec<(f64, f64, f64, &Glyph)>> = Vec::new();
    let mut reference = f64::NAN;
    let mut reference_size: f64 = 0.0;
    for entry in placed {
        let size = entry.3.size.max(reference_size);
        // Glyphs come top line first, so a glyph whose baseline is within SAME_LINE em of the
        // line's first baseline is on that line (subscripts and mixed fonts included).
        let same_line = !groups.is_empty() && (reference - entry.2).abs() <= size * SAME_LINE;
        if same_line {
            if let Some(group) = groups.last_mut() {
                group.push(entry);
            }
            if !entry.3.space && !entry.3.hole {
                reference_size = reference_size.max(entry.3.size);
            }
        } else {
            reference = entry.2;
            reference_size = entry.3.size;
            groups.push(vec![entry]);
        }
    }

    groups
        .into_iter()
        .filter_map(|mut group| {
            group.sort_by(|a, b| a.0.total_cmp(&b.0));
            line_from(&group)
        })
        .collect()
}

/// Builds one line's text from its glyphs, ordered along the line.
pub(super) fn line_from(group: &[(f64, f64, f64, &Glyph)]) -> Option<Line> {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut kept: Vec<(f64, f64, f64, &Glyph)> = Vec::new();
    let mut pending_space = false;
    let mut size_sum = 0.0;
    let mut baseline_sum = 0.0;
    for &entry in group {
        let (u0, u1, v, glyph) = entry;
        if glyph.hole {
            // An unmapped glyph: no text, but the line runs on through it.
            if let Some(last) = kept.last_mut() {
                last.1 = last.1.max(u1);
            }
            continue;
        }
        if glyph.space {
            pending_space = !kept.is_empty();
            continue;
        }
        // The same glyph printed again at (almost) the same spot is fake bold.
        let duplicate = kept.iter().rev().take(4).any(|&(k0, _, kv, k)| {
            k.text == glyph.text
                && (k0 - u0).abs() < glyph.size * 0.3
                && (kv - v).abs() < glyph.size * 0.3
        });
        if duplicate {
            continue;
        }
        let mut new_chunk = chunks.is_empty();
        if let Some(&(_, p1, _, previous)) = kept.last() {
            let gap = u0 - p1;
            let size = glyph.size.max(previous.size);
            if gap >= size * CHUNK_GAP {
                new_chunk = true;
            } else {
                let wide_pair = ends_wide(&previous.text) && starts_wide(&glyph.text);
                let wide_either = ends_wide(&previous.text) || starts_wide(&glyph.text);
                let space = if wide_pair {
                    false
                } else if wide_either {
                    pending_space || gap > size * 0.8
                } else {
                    pending_space || gap > size * 0.2
                };
                if space && let Some(chunk) = chunks.last_mut() {
                    chunk.text.push(' ');
                }
                if gap >= size * SOFT_GAP
                    && let Some(chunk) = chunks.last_mut()
                {
                    chunk.gaps.push((chunk.text.len(), p1, u0));
                }
            }
        }
        if new_chunk {
            chunks.push(Chunk {
                x0: u0,
                x1: u1,
                text: String::new(),
                gaps: Vec::new(),
            });
        }
        if let Some(chunk) = chunks.last_mut() {
            glyph.text.push_to(&mut chunk.text);
            chunk.x1 = chunk.x1.max(u1);
        }
        size_sum += glyph.size;
        baseline_sum += v;
        kept.push(entry);
        pending_space = false;
    }
    let first = kept.first()?;
    let count = kept.len() as f64;
    let mut text = String::new();
    for chunk in &chunks {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&chunk.text);
    }
    Some(Line {
        text,
        u0: first.0,
        u1: chunks.iter().map(|c| c.x1).fold(first.1, f64::max),
        v: baseline_sum / count,
        size: size_sum / count,
        chunks,
    })
}

pub(super) fn starts_wide(text: &Mapped) -> bool {
    match text {
        Mapped::Char(c) => is_wide(*c),
        Mapped::Text(text) => text.chars().next().is_some_and(is_wide),
    }
}

pub(super) fn ends_wide(text: &Mapped) -> bool {
    match text {
        Mapped::Char(c) => is_wide(*c),
        Mapped::Text(text) => text.chars().last().is_some_and(is_wide),
    }
}

/// True when `text` starts with an item marker: `2、`, `2.`, `2)`, `（二）`, `(2)`, `二、`,
/// `①`.
pub(crate) fn starts_with_item_marker(text: &str) -> bool {
    let chars: Vec<char> = text.trim_start().chars().take(8).collect();
    let Some(&first) = chars.first() else {
        return false;
    };
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let is_numeral = |c: char| "一二三四五六七八九十".contains(c);
    if ('\u{2460}'..='\u{249B}').contains(&first) {
        return true;
    }
    if first == '(' || first == '（' {
        let inner: Vec<char> = chars[1..]
            .iter()
            .copied()
            .take_while(|&c| is_digit(c) || is_numeral(c))
            .collect();
        return !inner.is_empty()
            && inner.len() <= 3
            && matches!(chars.get(1 + inner.len()), Some(')' | '）'));
    }
    let digits = chars.iter().take_while(|&&c| is_digit(c)).count();
    if (1..=3).contains(&digits) {
        return match chars.get(digits) {
            Some('、' | ')' | '）' | '．') => true,
            // `2.` is a marker, `2019.12` a number.
            Some('.') => !chars.get(digits + 1).copied().is_some_and(is_digit),
            _ => false,
        };
    }
    let numerals = chars.iter().take_while(|&&c| is_numeral(c)).count();
    (1..=3).contains(&numerals) && matches!(chars.get(numerals), Some('、' | '．'))
}

/// Joins a line to text that came before it in the same block: no space between CJK
/// characters, a space between Latin words.
pub(crate) fn join_wrapped(text: &mut String, next: &str) {
    let last = text.chars().last();
    let first = next.chars().next();
    if let (Some(last), Some(first)) = (last, first)
        && !is_wide(last)
        && !is_wide(first)
        && (last.is_alphanumeric() || matches!(last, ',' | ';' | ':' | '!' | '?'))
        && first.is_alphanumeric()
        && !(last.is_ascii_digit() && first.is_ascii_digit())
    {
        text.push(' ');
    }
    text.push_str(next);
}

/// Assembles glyphs into text. `bounds` (`[x0, y0, x1, y1]`) is the box the text sits in,
/// which decides which lines end short of its right edge.
pub(super) fn assemble(glyphs: &[&Glyph], bounds: Option<[f64; 4]>) -> Block {
    if glyphs.iter().all(|glyph| glyph.space || glyph.hole) {
        return Block::default();
    }
    let direction = dominant_direction(glyphs);
    let lines = lines_of(glyphs, direction);
    let right = match bounds {
        Some([x0, y0, x1, y1]) => [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
            .iter()
            .map(|&(x, y)| direction.frame(x, y).0)
            .fold(f64::NEG_INFINITY, f64::max),
        None => lines
            .iter()
            .map(|line| line.u1)
            .fold(f64::NEG_INFINITY, f64::max),
    };
    let pitches: Vec<f64> = lines.windows(2).map(|pair| pair[0].v - pair[1].v).collect();
    let typical_pitch = pitches
        .iter()
        .copied()
        .filter(|p| *p > 0.0)
        .fold(f64::INFINITY, f64::min);
    let mut text = String::new();
    for (index, line) in lines.iter().enumerate() {
        if index == 0 {
            text.push_str(&line.text);
            continue;
        }
        let previous = &lines[index - 1];
        let size = line.size.max(previous.size);
        let short = previous.u1 < right - size * SHORT_LINE_EM - SHORT_LINE_PADDING;
        let pitch = previous.v - line.v;
        let extra_gap = if pitches.len() >= 2 {
            pitch > typical_pitch * PITCH_JUMP + PITCH_SLACK && pitch > size * PITCH_JUMP
        } else {
            pitch > size * LONE_PITCH
        };
        if (short && starts_with_item_marker(&line.text)) || extra_gap {
            text.push('\n');
            text.push_str(&line.text);
        } else {
            join_wrapped(&mut text, &line.text);
        }
    }
    // The last line is full when the next glyph did not fit after it: it ends within about
    // two glyphs of the right edge (CJK line breaking moves a character together with the
    // punctuation after it, leaving lines up to two glyphs short).
    let left = match bounds {
        Some([x0, y0, x1, y1]) => [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
            .iter()
            .map(|&(x, y)| direction.frame(x, y).0)
            .fold(f64::INFINITY, f64::min),
        None => lines
            .iter()
            .map(|line| line.u0)
            .fold(f64::INFINITY, f64::min),
    };
    let ends_full = lines.last().is_some_and(|line| {
        let inner = (right - left - CELL_PADDING).max(line.size);
        let open = line
            .text
            .trim_end()
            .ends_with(['、', '，', ',', '（', '(', '【', '《', '“', '-', '/', '：']);
        open || line.u1 >= right - line.size.min(inner) * 2.0 - 3.0
    });
    Block {
        text: text.trim().to_string(),
        ends_full,
        lines: lines.len(),
    }
}

/// Text lines of glyphs outside tables, top first. Pages are upright (the page matrix turned
/// them), so free text is read left to right; turned text inside tables is read in its own
/// direction by [`assemble`].
pub(super) fn text_lines(glyphs: &[&Glyph]) -> Vec<TextLine> {
    if glyphs.is_empty() {
        return Vec::new();
    }
    lines_of(glyphs, Direction::Right)
        .into_iter()
        .filter(|line| !line.text.trim().is_empty())
        .map(|line| {
            let text = line.text.trim().to_string();
            TextLine {
                starts_item: starts_with_item_marker(&text),
                text,
                x0: line.u0,
                x1: line.u1,
                baseline: line.v,
                size: line.size,
                chunks: line.chunks,
            }
        })
        .collect()
}

/// A horizontal chunk of a line: text separated from its neighbours by a wide gap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chunk {
    pub x0: f64,
    pub x1: f64,
    pub text: String,
    /// Narrower gaps inside the chunk (at least [`SOFT_GAP`] em): where a gutter between two
    /// paragraphs set side by side may run. Each is the byte offset in `text` where the text
    /// after the gap starts, the end of the text before it and the start of the text after.
    pub gaps: Vec<(usize, f64, f64)>,
}

/// Cuts side-by-side paragraphs apart. Two paragraphs set side by side with no rule between
/// them (项目总目标 beside 年度总体目标 in a borderless form) come line by line, each line holding a
/// piece of both, often with no more than a cell's padding between the pieces, too narrow for
/// a chunk. Where consecutive lines all break at the same x (a remembered narrow gap, or a
/// chunk starting there) and none runs across it, that x is a gutter, and the lines are cut
/// there into chunks: the alignment tables then see two columns, not one interleaved text.
pub(super) fn split_at_gutters(lines: &mut [TextLine]) {
    let mut start = 0;
    while start < lines.len() {
        let mut end = start + 1;
        while end < lines.len()
            && lines[end - 1].baseline - lines[end].baseline <= lines[end].size * 1.8
        {
            end += 1;
        }
        if end - start >= 2 {
            split_run(&mut lines[start..end]);
        }
        start = end;
    }
}

/// How one line meets a candidate gutter.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum AtGutter {
    /// A narrow gap of the line ends there.
    Gap,
    /// A chunk of the line starts there.
    ChunkStart,
    /// No text of the line reaches across it.
    Clear,
    /// Text runs across it.
    Crosses,
}

pub(super) fn at_gutter(line: &TextLine, x: f64) -> AtGutter {
    let near = |value: f64| (value - x).abs() <= GUTTER_TOLERANCE;
    for (index, chunk) in line.chunks.iter().enumerate() {
        if index > 0 && near(chunk.x0) {
            return AtGutter::ChunkStart;
        }
        if chunk.gaps.iter().any(|&(_, _, after)| near(after)) {
            return AtGutter::Gap;
        }
        if chunk.x0 < x - GUTTER_TOLERANCE && chunk.x1 > x + GUTTER_TOLERANCE {
            return AtGutter::Crosses;
        }
    }
    AtGutter::Clear
}

pub(super) fn split_run(lines: &mut [TextLine]) {
    let candidates: Vec<f64> = lines
        .iter()
        .flat_map(|line| line.chunks.iter())
        .flat_map(|chunk| chunk.gaps.iter().map(|&(_, _, after)| after))
        .collect();
    if candidates.is_empty() {
        return;
    }
    for x in cluster(candidates, GUTTER_TOLERANCE) {
        let states: Vec<AtGutter> = lines.iter().map(|line| at_gutter(line, x)).collect();
        let mut start = 0;
        while start < states.len() {
            if states[start] == AtGutter::Crosses {
                start += 1;
                continue;
            }
            let mut end = start;
            while end < states.len() && states[end] != AtGutter::Crosses {
                end += 1;
            }
            let gaps = states[start..end]
                .iter()
                .filter(|&&state| state == AtGutter::Gap)
                .count();
            let chunk_starts = states[start..end]
                .iter()
                .filter(|&&state| state == AtGutter::ChunkStart)
                .count();
            // Two paragraphs of two lines or more: lines broken by narrow gaps, and a short
            // last line (a chunk) or a third line, so that words that happen to line up in
            // running text make no gutter.
            if gaps >= 1 && gaps + chunk_starts >= 2 && (chunk_starts >= 1 || gaps >= 3) {
                for line in &mut lines[start..end] {
                    cut_at(line, x);
                }
            }
            start = end;
        }
    }
}

/// Cuts the chunk of `line` that has a narrow gap ending at `x` into two chunks there.
pub(super) fn cut_at(line: &mut TextLine, x: f64) {
    let Some((index, gap)) = line.chunks.iter().enumerate().find_map(|(index, chunk)| {
        chunk
            .gaps
            .iter()
            .position(|&(_, _, after)| (after - x).abs() <= GUTTER_TOLERANCE)
            .map(|gap| (index, gap))
    }) else {
        return;
    };
    let chunk = &mut line.chunks[index];
    let (offset, before_end, after_start) = chunk.gaps[gap];
    let rest_gaps: Vec<(usize, f64, f64)> = chunk.gaps[gap + 1..]
        .iter()
        .map(|&(at, end, start)| (at - offset, end, start))
        .collect();
    chunk.gaps.truncate(gap);
    let tail = chunk.text.split_off(offset);
    let head_len = chunk.text.trim_end().len();
    chunk.text.truncate(head_len);
    let right = Chunk {
        x0: after_start,
        x1: chunk.x1,
        text: tail,
        gaps: rest_gaps,
    };
    chunk.x1 = before_end;
    line.chunks.insert(index + 1, right);
}
