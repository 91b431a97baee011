//! The words of the value grammar, all in NFKC form (full-width `＞` is already `>` when the
//! grammar sees it). Tables are matched longest word first, so their order does not matter.

use std::sync::LazyLock;

use super::Op;

/// Comparisons written before a figure.
pub(super) const OP_PREFIXES: &[(&str, Op)] = &[
    ("≥", Op::Ge),
    (">=", Op::Ge),
    ("≧", Op::Ge),
    ("⩾", Op::Ge),
    ("不低于", Op::Ge),
    ("不少于", Op::Ge),
    ("不小于", Op::Ge),
    ("不得低于", Op::Ge),
    ("不得少于", Op::Ge),
    ("大于等于", Op::Ge),
    ("大于或等于", Op::Ge),
    ("≤", Op::Le),
    ("<=", Op::Le),
    ("≦", Op::Le),
    ("⩽", Op::Le),
    ("不高于", Op::Le),
    ("不超过", Op::Le),
    ("不多于", Op::Le),
    ("不大于", Op::Le),
    ("不得高于", Op::Le),
    ("不得超过", Op::Le),
    ("小于等于", Op::Le),
    ("小于或等于", Op::Le),
    (">", Op::Gt),
    ("大于", Op::Gt),
    ("高于", Op::Gt),
    ("超过", Op::Gt),
    ("多于", Op::Gt),
    ("<", Op::Lt),
    ("小于", Op::Lt),
    ("低于", Op::Lt),
    ("少于", Op::Lt),
    ("=", Op::Eq),
    ("等于", Op::Eq),
    ("≠", Op::Ne),
    ("!=", Op::Ne),
    ("不等于", Op::Ne),
];

/// Comparisons written after a figure: `100件以上`, `3天以内`.
pub(super) const OP_SUFFIXES: &[(&str, Op)] = &[
    ("以上", Op::Ge),
    ("及以上", Op::Ge),
    ("以下", Op::Le),
    ("及以下", Op::Le),
    ("以内", Op::Le),
];

/// Marks after a comparison that say its bound is included (`≥95%(含)`, `以上(含本数)`):
/// `>=` and `<=` already say so, and `以上` means "or more" in budget documents.
pub(super) const INCLUSIVE_MARKS: &[&str] = &["(含)", "(含本数)", "(含本级)"];

/// Words before a figure that make it approximate: `约20台`, `预计1-2批次`.
pub(super) const APPROX_PREFIXES: &[&str] = &[
    "约", "大约", "约为", "预计", "预期", "大概", "近", "将近", "接近",
];

/// Characters between a figure and its unit that make it approximate: `20余台`, `100多人`.
pub(super) const APPROX_INFIXES: &[&str] = &["余", "多"];

/// Words after a figure that make it approximate: `20台左右`.
pub(super) const APPROX_SUFFIXES: &[&str] = &["左右"];

/// Verbs that may stand before a target figure without changing it: `实现100%`, `达到95%`.
pub(super) const TARGET_VERBS: &[&str] = &["达到", "达", "实现"];

/// What separates the two ends of a range: `1-2`, `1~2`, `1至2`, `1—2`. `～` and `－` are
/// already `~` and `-` in NFKC form.
pub(super) const RANGE_SEPARATORS: &[&str] = &["-", "~", "〜", "—", "–", "―", "‐", "−", "至", "到"];

/// Magnitudes written before a unit: `万元`, `亿元`. They stay part of the unit; the grammar
/// never scales a figure, because a user compares it with the unit the document used.
pub(super) const MAGNITUDES: &[&str] = &["万", "亿", "千", "百"];

/// Units and measure words that may follow a figure. A unit not listed here is still read
/// when it is one ideograph that ends the figure (`3盏`), or a run of Latin letters (`6T`).
pub(super) const UNITS: &[&str] = &[
    "%",
    "‰",
    "°C",
    "个百分点",
    "百分点",
    "个工作日",
    "工作日",
    "个月",
    "个",
    "人次",
    "台次",
    "批次",
    "户次",
    "车次",
    "架次",
    "场次",
    "家次",
    "班次",
    "项次",
    "次",
    "批",
    "件",
    "家",
    "人",
    "名",
    "位",
    "台",
    "套",
    "辆",
    "只",
    "篇",
    "份",
    "项",
    "条",
    "户",
    "场",
    "期",
    "天",
    "年",
    "周",
    "季度",
    "小时",
    "分钟",
    "秒",
    "元",
    "公里",
    "千米",
    "米",
    "平方米",
    "平米",
    "立方米",
    "亩",
    "公顷",
    "吨",
    "公斤",
    "千克",
    "克",
    "升",
    "册",
    "本",
    "张",
    "部",
    "间",
    "座",
    "处",
    "类",
    "种",
    "支",
    "节",
    "课时",
    "学时",
    "分",
    "倍",
    "岁",
    "床",
    "株",
    "棵",
    "头",
    "箱",
    "袋",
    "瓶",
    "盒",
    "块",
    "根",
    "站",
    "栋",
    "层",
    "组",
    "队",
    "村",
    "所",
    "宗",
    "起",
    "例",
    "轮",
    "门",
    "笔",
    "页",
    "卷",
];

/// [`UNITS`] by first character: the grammar looks a unit up several times per figure, and a
/// scan of the whole list each time was the largest cost of a cell.
pub(super) static UNIT_INDEX: LazyLock<FirstCharIndex> =
    LazyLock::new(|| FirstCharIndex::new(UNITS));

/// Words sorted by their first character, so that the words a text may start with are found by
/// a binary search.
#[derive(Debug)]
pub(super) struct FirstCharIndex {
    entries: Vec<(char, &'static str)>,
}

impl FirstCharIndex {
    fn new(words: &[&'static str]) -> Self {
        let mut entries: Vec<(char, &'static str)> = words
            .iter()
            .filter_map(|word| Some((word.chars().next()?, *word)))
            .collect();
        entries.sort_unstable();
        FirstCharIndex { entries }
    }

    /// The words that start with `first`.
    pub(super) fn starting_with(&self, first: char) -> impl Iterator<Item = &'static str> + '_ {
        let low = self.entries.partition_point(|(ch, _)| *ch < first);
        let high = self.entries.partition_point(|(ch, _)| *ch <= first);
        self.entries
            .get(low..high)
            .unwrap_or_default()
            .iter()
            .map(|(_, word)| *word)
    }
}

/// Units that only follow a rate's `/`: alone after a figure, `6月` is June and `30日` a day,
/// but `次/月` is times a month and `元/日` yuan a day.
pub(super) const RATE_ONLY_UNITS: &[&str] = &["月", "日", "季"];

/// Ideographs that never serve as a one-character unit, because after a figure they name a date
/// (`6月`, `30日`), a deadline (`底`, `前`) or join two figures (`至`, `或`).
pub(super) const NOT_UNITS: &[char] = &[
    '月', '日', '号', '前', '后', '内', '底', '末', '至', '到', '或', '等', '及', '的', '为', '以',
    '左', '余', '多',
];

/// Punctuation that ends a clause: after a figure it means that words, not the unit, follow.
pub(super) const CLAUSE_PUNCTUATION: &[char] = &[',', ';', ':', '。', '、'];

/// Punctuation that may end a cell without changing its value: `62万。`, `满意。`.
pub(super) const TRAILING_PUNCTUATION: &[char] = &['。', '.', ',', ';', ':', '!', '?', '、', '…'];

/// Yes/no answers.
pub(super) const BOOLEANS: &[(&str, bool)] =
    &[("是", true), ("否", false), ("有", true), ("无", false)];

/// Yes/no templates written without a separator: `是否`, `有无`.
pub(super) const BOOLEAN_TEMPLATES: &[(&str, [&str; 2])] =
    &[("是否", ["是", "否"]), ("有无", ["有", "无"])];

/// What separates the alternatives of a choice: `是、否`, `优秀/良好/合格`. `，` is already `,`.
pub(super) const CHOICE_SEPARATORS: &[char] = &['、', '/', '|', ',', '或'];

/// Grade words. Besides the levels of a scale (优 良 中 差, 高 低, 满意…), the qualitative words
/// that 决策 and 过程 rows use as their target (立项依据充分性 → 充分, 资金使用合规性 → 合规) are
/// grades too: each names the level a quality must reach, exactly as 较高 does. Trend phrases
/// (`不断提高`, `明显提高`) are not grades: they describe a change, not a level.
pub(super) const GRADES: &[&str] = &[
    "优", "良", "中", "差", "好", "高", "低", "大", "小", "优秀", "优良", "良好", "中等", "一般",
    "合格", "达标", "满意", "显著", "明显", "充分", "规范", "合理", "明确", "科学", "合规", "健全",
    "有效", "及时", "流畅", "完善", "完整", "准确", "到位", "稳定", "安全", "可靠", "畅通", "积极",
];

/// Degree words that may stand before a grade: 较好, 非常满意, 基本满意, 不合格.
pub(super) const GRADE_MODIFIERS: &[&str] = &[
    "较", "很", "非常", "比较", "基本", "十分", "更", "更加", "最", "极", "不", "不太", "较为",
];

/// Words before a time that make it a deadline: `截止2022年12月31日`.
/// `每年12月底前` and `当年6月底前` name a recurring or an unnamed year: deadlines too.
pub(super) const DEADLINE_LEADS: &[&str] = &[
    "截止",
    "截至",
    "截止到",
    "截至到",
    "至",
    "到",
    "于",
    "在",
    "力争",
    "力争于",
    "力争在",
    "每年",
    "当年",
    "本年",
    "本年度",
];

/// Words after a time that make it a deadline: `6月底前`, `2022年12月31日之前`.
pub(super) const DEADLINE_MARKERS: &[&str] = &["前", "之前", "以前", "止", "为止"];

/// What may follow a deadline without adding anything to it: `6月底前完成`.
pub(super) const COMPLETION_WORDS: &[&str] = &[
    "完成",
    "全部完成",
    "完工",
    "办结",
    "到位",
    "实施",
    "实施完成",
    "支付",
    "完成支付",
];
