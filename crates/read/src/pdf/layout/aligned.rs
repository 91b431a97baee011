//! Tables drawn without rules: runs of text lines whose chunks start at the same x positions
//! become a grid, columns from the chunk starts and rows from the baselines (step 5 of the
//! layout).

use super::*;

/// Finds tables drawn without rules among text lines: runs of lines that split into two or
/// more chunks whose starts line up. Returns the tables and the lines left over.
pub(super) fn alignment_tables(
    page: u32,
    page_height: f64,
    lines: Vec<TextLine>,
) -> (Vec<Fragment>, Vec<TextLine>) {
    let chunked: Vec<Vec<Chunk>> = lines.iter().map(|line| line.chunks.clone()).collect();
    let mut tables = Vec::new();
    let mut used = vec![false; lines.len()];
    let mut start = 0;
    while start < lines.len() {
        if chunked[start].len() < 2 {
            start += 1;
            continue;
        }
        // A run of multi-chunk lines with ordinary line spacing.
        let mut end = start + 1;
        while end < lines.len()
            && chunked[end].len() >= 2
            && lines[end - 1].baseline - lines[end].baseline <= lines[end].size * 3.0
        {
            end += 1;
        }
        if end - start >= 2
            && let Some(fragment) =
                aligned_fragment(page, page_height, &lines[start..end], &chunked[start..end])
        {
            tables.push(fragment);
            used[start..end].iter_mut().for_each(|u| *u = true);
        }
        start = end;
    }
    let rest = lines
        .into_iter()
        .zip(used)
        .filter_map(|(line, used)| (!used).then_some(line))
        .collect();
    (tables, rest)
}

pub(super) fn aligned_fragment(
    page: u32,
    page_height: f64,
    lines: &[TextLine],
    chunks: &[Vec<Chunk>],
) -> Option<Fragment> {
    let size = lines.iter().map(|l| l.size).fold(0.0, f64::max).max(1.0);
    let starts: Vec<f64> = chunks.iter().flatten().map(|c| c.x0).collect();
    // Column starts: chunk starts that recur in at least two lines.
    let columns: Vec<f64> = cluster(starts.clone(), size)
        .into_iter()
        .filter(|&x| starts.iter().filter(|&&s| (s - x).abs() <= size).count() >= 2)
        .collect();
    if columns.len() < 2 {
        return None;
    }
    let left = lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let right = lines.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    let mut xs = vec![left.min(columns[0])];
    xs.extend(columns.iter().skip(1).map(|&x| x - size * 0.25));
    xs.push(right);
    // Each line's text by column, and whether each column's text runs up to what follows it
    // on the line (the next chunk, or the table's right edge): a wrapped line.
    let mut rows: Vec<(Vec<String>, Vec<bool>)> = Vec::new();
    for line_chunks in chunks {
        let mut texts: Vec<String> = vec![String::new(); xs.len() - 1];
        let mut full = vec![false; xs.len() - 1];
        for (index, chunk) in line_chunks.iter().enumerate() {
            let col = xs
                .partition_point(|&edge| edge <= chunk.x0 + size * 0.5)
                .saturating_sub(1)
                .min(texts.len() - 1);
            if !texts[col].is_empty() {
                texts[col].push(' ');
            }
            texts[col].push_str(&chunk.text);
            let next = line_chunks.get(index + 1).map_or(right, |next| next.x0);
            full[col] = chunk.x1 >= next - size * WRAP_REACH && chunk.text.chars().count() >= 6;
        }
        // Side-by-side paragraphs: a line whose every text continues a wrapped text of the
        // line above, in the same columns, belongs to the row above.
        if let Some((above, above_full)) = rows.last_mut() {
            let same_columns = texts
                .iter()
                .zip(above.iter())
                .all(|(text, above)| text.is_empty() == above.is_empty());
            let continues = same_columns
                && texts.iter().any(|text| !text.is_empty())
                && texts
                    .iter()
                    .zip(above_full.iter())
                    .all(|(text, &full)| text.is_empty() || full);
            if continues {
                for (above, text) in above.iter_mut().zip(&texts) {
                    join_wrapped(above, text);
                }
                *above_full = full;
                continue;
            }
        }
        rows.push((texts, full));
    }
    let row_count = rows.len();
    let mut cells = Vec::new();
    for (row, (texts, _)) in rows.into_iter().enumerate() {
        for (col, text) in texts.into_iter().enumerate() {
            cells.push(FragmentCell {
                row,
                row_span: 1,
                x0: xs[col],
                x1: xs[col + 1],
                text,
                top_ruled: true,
                ends_full: false,
                lines: 1,
                page,
            });
        }
    }
    let top = lines[0].baseline + lines[0].size;
    let bottom = lines[lines.len() - 1].baseline - size * DESCENT;
    Some(Fragment {
        page,
        top,
        bottom,
        left: xs[0],
        right,
        rows: row_count,
        xs,
        cells,
        ruled: false,
        page_height,
    })
}
