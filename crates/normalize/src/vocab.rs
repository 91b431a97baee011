//! The indicator vocabulary of SPEC.md: canonical 一级 and 二级 names, their variants, and
//! which 一级 may hold which 二级.

/// A canonical 一级指标 name with the variants that mean it.
struct Level1 {
    name: &'static str,
    variants: &'static [&'static str],
}

/// A canonical 二级指标 name, its variants, and the 一级 names that may hold it (preferred
/// parent first).
struct Level2 {
    name: &'static str,
    variants: &'static [&'static str],
    parents: &'static [&'static str],
}

const LEVEL1: &[Level1] = &[
    Level1 {
        name: "产出指标",
        variants: &["产出"],
    },
    Level1 {
        name: "效益指标",
        variants: &["效益"],
    },
    Level1 {
        name: "满意度指标",
        variants: &["满意度"],
    },
    Level1 {
        name: "成本指标",
        variants: &["成本"],
    },
    Level1 {
        name: "完成指标",
        variants: &[],
    },
    Level1 {
        name: "决策",
        variants: &["决策指标"],
    },
    Level1 {
        name: "过程",
        variants: &["过程指标"],
    },
];

const OUTPUT_LIKE: &[&str] = &["产出指标", "完成指标"];
const COST_PARENTS: &[&str] = &["产出指标", "成本指标", "完成指标"];
const BENEFIT: &[&str] = &["效益指标"];
/// The old template (before 满意度指标 became a 一级 of its own) put
/// 社会公众或服务对象满意度指标 under 效益指标; both parents are right.
const SATISFACTION: &[&str] = &["满意度指标", "效益指标"];
const COST: &[&str] = &["成本指标"];

const LEVEL2: &[Level2] = &[
    Level2 {
        name: "数量指标",
        variants: &[],
        parents: OUTPUT_LIKE,
    },
    Level2 {
        name: "质量指标",
        variants: &[],
        parents: OUTPUT_LIKE,
    },
    Level2 {
        name: "时效指标",
        variants: &["进度指标"],
        parents: OUTPUT_LIKE,
    },
    Level2 {
        name: "成本指标",
        variants: &[],
        parents: COST_PARENTS,
    },
    Level2 {
        name: "经济效益指标",
        variants: &["经济效益"],
        parents: BENEFIT,
    },
    Level2 {
        name: "社会效益指标",
        variants: &["社会效益"],
        parents: BENEFIT,
    },
    Level2 {
        name: "生态效益指标",
        variants: &["生态效益", "环境效益指标", "环境效益"],
        parents: BENEFIT,
    },
    Level2 {
        name: "可持续影响指标",
        variants: &["可持续影响"],
        parents: BENEFIT,
    },
    Level2 {
        name: "服务对象满意度指标",
        variants: &[
            "服务对象满意度",
            "社会公众或服务对象满意度指标",
            "社会公众或服务对象满意度",
        ],
        parents: SATISFACTION,
    },
    Level2 {
        name: "经济成本指标",
        variants: &["经济成本"],
        parents: COST,
    },
    Level2 {
        name: "社会成本指标",
        variants: &["社会成本"],
        parents: COST,
    },
    Level2 {
        name: "生态环境成本指标",
        variants: &["生态环境成本"],
        parents: COST,
    },
    Level2 {
        name: "项目立项",
        variants: &[],
        parents: &["决策"],
    },
    Level2 {
        name: "绩效目标",
        variants: &[],
        parents: &["决策"],
    },
    Level2 {
        name: "资金投入",
        variants: &[],
        parents: &["决策"],
    },
    Level2 {
        name: "资金管理",
        variants: &[],
        parents: &["过程"],
    },
    Level2 {
        name: "组织实施",
        variants: &[],
        parents: &["过程"],
    },
];

/// The form names are compared in: NFKC, whitespace removed, a trailing weight such as
/// `(50分)` dropped.
pub fn name_key(text: &str) -> String {
    let mut key = crate::text::key(text);
    // Drop a trailing weight: (50分), (20%), （10）.
    if key.ends_with(')')
        && let Some(open) = key.rfind('(')
    {
        let inner = &key[open + 1..key.len() - 1];
        let digits = inner.trim_end_matches(['分', '%']);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
            key.truncate(open);
        }
    }
    // Or a bare one: 产出指标50分, 满意度指标10 (self-evaluation forms).
    let name_end = key
        .trim_end_matches(['分', '%'])
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let weight = &key[name_end.len()..];
    if name_end.len() < key.len()
        && weight.starts_with(|c: char| c.is_ascii_digit())
        && weight.chars().filter(char::is_ascii_digit).count() <= 3
        && name_end.ends_with('标')
    {
        key.truncate(name_end.len());
    }
    key
}

/// Longest text, in bytes, that can name an indicator level: the longest name of the
/// vocabulary with a weight such as `(50分)` and some spaces. Longer cells (三级 texts, values,
/// descriptions) are answered at once, without normalising them.
const MAX_NAME_BYTES: usize = 56;

/// The canonical 一级指标 for `text`, if it is one.
pub fn level1(text: &str) -> Option<&'static str> {
    lookup(text, &LEVEL1_NAMES, false)
}

/// The canonical 二级指标 for `text`, if it is one.
pub fn level2(text: &str) -> Option<&'static str> {
    lookup(text, &LEVEL2_NAMES, false)
}

/// The 一级 names that may hold the canonical 二级 `level2`, preferred first; empty for a name
/// outside the vocabulary.
pub fn parents(level2: &str) -> &'static [&'static str] {
    LEVEL2
        .iter()
        .find(|entry| entry.name == level2)
        .map(|entry| entry.parents)
        .unwrap_or(&[])
}

/// Shortest prefix accepted as a cut-off name (`服务对象`, `可持续`).
const MIN_TRUNCATED_CHARS: usize = 3;

/// Like [`level1`], and also accepts a name cut short by a lossy converter when the cut form
/// is the start of exactly one canonical name.
pub fn level1_loose(text: &str) -> Option<&'static str> {
    lookup(text, &LEVEL1_NAMES, true)
}

/// Like [`level2`], and also accepts a name cut short by a lossy converter (`服务对象满` →
/// 服务对象满意度指标) when the cut form is the start of exactly one canonical name.
pub fn level2_loose(text: &str) -> Option<&'static str> {
    lookup(text, &LEVEL2_NAMES, true)
}

/// Every spelling of every 一级 name, with the canonical name it means.
static LEVEL1_NAMES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
    std::sync::LazyLock::new(|| spellings(LEVEL1.iter().map(|entry| (entry.name, entry.variants))));

/// Every spelling of every 二级 name, with the canonical name it means.
static LEVEL2_NAMES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
    std::sync::LazyLock::new(|| spellings(LEVEL2.iter().map(|entry| (entry.name, entry.variants))));

/// Flattens (canonical name, variants) into (spelling, canonical name) pairs.
fn spellings(
    entries: impl Iterator<Item = (&'static str, &'static [&'static str])>,
) -> Vec<(&'static str, &'static str)> {
    entries
        .flat_map(|(name, variants)| {
            std::iter::once(name)
                .chain(variants.iter().copied())
                .map(move |spelling| (spelling, name))
        })
        .collect()
}

/// Looks `text` up among `names`: an exact spelling first, then (when `loose`) a spelling it
/// is the unambiguous start of. The key is computed once, and long texts are answered at once.
fn lookup(text: &str, names: &[(&'static str, &'static str)], loose: bool) -> Option<&'static str> {
    if text.len() > MAX_NAME_BYTES {
        return None;
    }
    let key = name_key(text);
    if let Some((_, canonical)) = names.iter().find(|(name, _)| *name == key) {
        return Some(canonical);
    }
    if !loose || key.chars().count() < MIN_TRUNCATED_CHARS {
        return None;
    }
    let mut found: Option<&'static str> = None;
    for (name, canonical) in names {
        if name.starts_with(&key) {
            match found {
                Some(previous) if previous != *canonical => return None,
                _ => found = Some(canonical),
            }
        }
    }
    found
}

/// Splits a cell that holds 一级, 二级 and 三级 run together (`产出指标数量指标城镇新增就业`) by the
/// vocabulary: the longest 一级 spelling it starts with, then the longest 二级 spelling, then
/// the rest. A prefix may be absent (`数量指标城镇新增就业`) or printed twice. Returns the names
/// as written and the 三级 text.
pub fn split_fused(text: &str) -> (Option<String>, Option<String>, String) {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = compact.as_str();
    let mut level1 = None;
    let mut level2 = None;
    while let Some(spelling) = longest_prefix(rest, &LEVEL1_NAMES) {
        // 成本指标 is a 一级 of the 2021 framework and a 二级 of the older one: it is the 一级
        // only when a 二级 name follows it.
        let after = &rest[spelling.len()..];
        if level1.is_some() && longest_prefix(after, &LEVEL2_NAMES).is_none() {
            break;
        }
        if level2_spelling_only(rest, spelling) {
            break;
        }
        level1.get_or_insert_with(|| spelling.to_string());
        rest = after;
    }
    while let Some(spelling) = longest_prefix(rest, &LEVEL2_NAMES) {
        if rest.len() == spelling.len() {
            break;
        }
        level2.get_or_insert_with(|| spelling.to_string());
        rest = &rest[spelling.len()..];
    }
    (level1, level2, rest.to_string())
}

/// True when `rest` starts with a longer 二级 spelling than the 一级 `spelling` it also starts
/// with (`满意度` in front of … is 一级, but `成本指标` in front of a 三级 text is the 二级 of
/// an older form only when no 二级 follows).
fn level2_spelling_only(rest: &str, spelling: &str) -> bool {
    longest_prefix(rest, &LEVEL2_NAMES).is_some_and(|level2| level2.len() > spelling.len())
}

/// The longest spelling among `names` that `text` starts with.
fn longest_prefix(text: &str, names: &[(&'static str, &'static str)]) -> Option<&'static str> {
    names
        .iter()
        .map(|(spelling, _)| *spelling)
        .filter(|spelling| text.starts_with(spelling))
        .max_by_key(|spelling| spelling.len())
}

/// True when `text` names any 一级 or 二级 indicator of the vocabulary.
pub fn is_vocabulary_name(text: &str) -> bool {
    level1(text).is_some() || level2(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_map_to_canonical_names() {
        assert_eq!(level2("进度指标"), Some("时效指标"));
        assert_eq!(level2("经济效益"), Some("经济效益指标"));
        assert_eq!(level2("环境效益指标"), Some("生态效益指标"));
        assert_eq!(
            level2("社会公众或服务对象满意度指标"),
            Some("服务对象满意度指标")
        );
        assert_eq!(level2(" 服务对象 满意度 "), Some("服务对象满意度指标"));
        assert_eq!(level1("产出指标（50分）"), Some("产出指标"));
        assert_eq!(level1("产出指标(50分)"), Some("产出指标"));
        assert_eq!(level1("效益指标（30分）"), Some("效益指标"));
        assert_eq!(level1("产出指标50分"), Some("产出指标"));
        assert_eq!(level1("满意度指标10"), Some("满意度指标"));
        assert_eq!(level1("效益指标 30 分"), Some("效益指标"));
        assert_eq!(level1("产出指标2026"), None);
        assert_eq!(level2("数量指标15"), Some("数量指标"));
        assert_eq!(level1("满意度"), Some("满意度指标"));
        assert_eq!(level2("办公用房租金"), None);
    }

    #[test]
    fn weights_are_dropped_but_other_brackets_kept() {
        assert_eq!(name_key("产出指标(50分)"), "产出指标");
        assert_eq!(name_key("效益指标 （20%）"), "效益指标");
        assert_eq!(name_key("满意度(服务对象)"), "满意度(服务对象)");
    }

    #[test]
    fn truncated_names_are_accepted_only_when_unambiguous() {
        assert_eq!(level2_loose("服务对象 满"), Some("服务对象满意度指标"));
        assert_eq!(level2_loose("服务对象"), Some("服务对象满意度指标"));
        assert_eq!(level2_loose("可持续"), Some("可持续影响指标"));
        assert_eq!(level1_loose("满意度"), Some("满意度指标"));
        // 社会 starts both 社会效益指标 and 社会成本指标; two characters are too few anyway.
        assert_eq!(level2_loose("社会"), None);
        assert_eq!(level2_loose("生态"), None);
        assert_eq!(level2_loose("食品突发事件应急"), None);
    }

    #[test]
    fn fused_level_cells_are_split_by_the_vocabulary() {
        let split = |text: &str| {
            let (level1, level2, level3) = split_fused(text);
            (
                level1.unwrap_or_default(),
                level2.unwrap_or_default(),
                level3,
            )
        };
        assert_eq!(
            split("产出指标数量指标城镇新增就业"),
            ("产出指标".into(), "数量指标".into(), "城镇新增就业".into())
        );
        assert_eq!(
            split("满意度指标服务对象满意度指标群众满意度"),
            (
                "满意度指标".into(),
                "服务对象满意度指标".into(),
                "群众满意度".into()
            )
        );
        assert_eq!(
            split("成本指标经济成本指标项目总成本"),
            (
                "成本指标".into(),
                "经济成本指标".into(),
                "项目总成本".into()
            )
        );
        assert_eq!(
            split("数量指标城镇新增就业"),
            (String::new(), "数量指标".into(), "城镇新增就业".into())
        );
        assert_eq!(
            split("产出指标产出指标质量指标验收\n合格率"),
            ("产出指标".into(), "质量指标".into(), "验收合格率".into())
        );
    }

    #[test]
    fn cost_may_sit_under_output_or_the_2021_cost_level() {
        assert_eq!(parents("成本指标"), ["产出指标", "成本指标", "完成指标"]);
        assert_eq!(parents("社会效益指标"), ["效益指标"]);
        // The old template: satisfaction is a 二级 of 效益指标.
        assert_eq!(parents("服务对象满意度指标"), ["满意度指标", "效益指标"]);
        assert!(parents("未知").is_empty());
    }
}
