//! Values that are words, not figures: yes/no answers (`是`), grades (`较高`, `合规`), and the
//! choice templates some tables print instead of a target (`是、否`, `好、较好、差、较差`).

use super::lexicon::{BOOLEAN_TEMPLATES, BOOLEANS, CHOICE_SEPARATORS, GRADE_MODIFIERS, GRADES};
use super::{Parsed, ValueKind};

/// The answer a yes/no word gives.
pub(super) fn boolean(word: &str) -> Option<bool> {
    BOOLEANS
        .iter()
        .find(|(known, _)| *known == word)
        .map(|(_, value)| *value)
}

/// Whether `word` is a grade: a grade word, or one with a degree word before it (较好, 非常满意,
/// 不合格). Only one degree word is taken, so that an accidental run of them is not a grade.
pub(super) fn is_grade(word: &str) -> bool {
    // No grade is longer than a degree word of two characters and a grade of two, twelve bytes:
    // longer cells, most of them, are turned away without a comparison.
    if word.len() > 12 {
        return false;
    }
    if GRADES.contains(&word) {
        return true;
    }
    GRADE_MODIFIERS.iter().any(|modifier| {
        word.strip_prefix(modifier)
            .is_some_and(|base| GRADES.contains(&base))
    })
}

/// Reads a cell that is a single word or a choice of words; `None` for anything else.
pub(super) fn read(body: &str) -> Option<Parsed> {
    if let Some(answer) = boolean(body) {
        let mut parsed = Parsed::empty(ValueKind::Boolean);
        parsed.boolean = Some(answer);
        return Some(parsed);
    }
    if let Some((_, choices)) = BOOLEAN_TEMPLATES.iter().find(|(word, _)| *word == body) {
        let mut parsed = Parsed::empty(ValueKind::Boolean);
        parsed.choices = choices.iter().map(|choice| (*choice).to_string()).collect();
        return Some(parsed);
    }
    if is_grade(body) {
        let mut parsed = Parsed::empty(ValueKind::Grade);
        parsed.grade = Some(body.to_string());
        return Some(parsed);
    }
    choice(body)
}

/// A template listing the possible answers: every alternative a yes/no word, or every one a
/// grade. Nothing is chosen in a template, so `boolean` and `grade` stay empty and the
/// alternatives go to `choices`.
fn choice(body: &str) -> Option<Parsed> {
    // An alternative is at most four characters long, so a template has a separator among its
    // first five: sentences are turned away without a search through them.
    if !body
        .chars()
        .take(5)
        .any(|ch| CHOICE_SEPARATORS.contains(&ch))
    {
        return None;
    }
    let mut parts = body.split(CHOICE_SEPARATORS);
    let kind = if parts.clone().all(|part| boolean(part).is_some()) {
        ValueKind::Boolean
    } else if parts.all(is_grade) {
        ValueKind::Grade
    } else {
        return None;
    };
    let mut parsed = Parsed::empty(kind);
    parsed.choices = body.split(CHOICE_SEPARATORS).map(str::to_string).collect();
    Some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_take_one_degree_word() {
        assert!(is_grade("较高"));
        assert!(is_grade("非常满意"));
        assert!(is_grade("不合格"));
        assert!(is_grade("合规"));
        assert!(!is_grade("较较高"));
        assert!(!is_grade("较大提高"));
        assert!(!is_grade(""));
    }

    #[test]
    fn a_choice_needs_every_alternative_to_be_of_one_kind() {
        let parsed = read("优秀/良好/合格");
        assert_eq!(parsed.as_ref().map(|p| p.kind), Some(ValueKind::Grade));
        assert_eq!(
            parsed.map(|p| p.choices),
            Some(vec![
                "优秀".to_string(),
                "良好".to_string(),
                "合格".to_string()
            ])
        );
        assert_eq!(read("是、好"), None);
        assert_eq!(read("是、"), None);
        assert_eq!(read("人数、金额"), None);
    }
}
