//! What an exported model file is, from its name: upper or lower arch,
//! which stage, and whether it is the model itself or an attachment
//! template.
//!
//! Planning software names exports in many ways (`Upper_Step_01.stl`,
//! `Maxillary Subsetup 5.stl`, `UJ03.stl`, `K7Q-4M2_L07.stl`,
//! `upper/step_10.stl`). The name is cut into words (at punctuation, spaces,
//! between letters and digits, and at lower-to-upper case changes); the
//! arch is the first arch word; the stage is, in this order, the number
//! after a stage word (`step`, `stage`, `subsetup`, `aligner`, `tray`), the
//! number right after the arch word, or the last number of the file's own
//! name. Numbers after `v`/`version` and in parentheses (`(1)`, a browser's
//! copy counter) are never stages. A guess is only a proposal: the user
//! confirms or corrects it before anything is saved.

/// An arch of the mouth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Arch {
    Upper,
    Lower,
}

impl Arch {
    pub(crate) const ALL: [Arch; 2] = [Arch::Upper, Arch::Lower];

    /// The name the API uses: `upper`, `lower`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Arch::Upper => "upper",
            Arch::Lower => "lower",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Arch> {
        Arch::ALL.into_iter().find(|arch| arch.as_str() == name)
    }
}

/// What the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// The arch model of a stage.
    Model,
    /// The attachment template (the model with attachment bumps).
    AttachmentTemplate,
}

impl std::fmt::Display for FileGuess {
    /// In a technician's words: `upper arch, stage 7`, `lower arch, stage 3,
    /// attachment template`, or `nothing recognised`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        match self.arch {
            Some(Arch::Upper) => parts.push("upper arch".to_owned()),
            Some(Arch::Lower) => parts.push("lower arch".to_owned()),
            None => {}
        }
        match self.stage {
            Some(0) => parts.push("initial (stage 0)".to_owned()),
            Some(stage) => parts.push(format!("stage {stage}")),
            None => {}
        }
        if self.kind == FileKind::AttachmentTemplate {
            parts.push("attachment template".to_owned());
        }
        if parts.is_empty() { f.write_str("nothing recognised") } else { f.write_str(&parts.join(", ")) }
    }
}

/// What a file name says, as far as it says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileGuess {
    pub(crate) arch: Option<Arch>,
    pub(crate) stage: Option<u32>,
    pub(crate) kind: FileKind,
}

/// No plan has this many aligners; a larger number is a date, a case
/// number or a scanner id, not a stage.
const MAX_STAGE: u32 = 150;

const UPPER_WORDS: &[&str] = &["upper", "maxillary", "maxilla", "max", "uj", "u", "oberkiefer", "top"];
const LOWER_WORDS: &[&str] = &["lower", "mandibular", "mandible", "mand", "lj", "l", "unterkiefer", "bottom"];
const STAGE_WORDS: &[&str] = &["step", "stage", "subsetup", "setup", "aligner", "tray", "st"];
const TEMPLATE_WORDS: &[&str] = &["attachment", "attachments", "template", "att", "attach"];
const INITIAL_WORDS: &[&str] = &["initial", "pretreatment", "pre"];
const VERSION_WORDS: &[&str] = &["v", "ver", "version", "rev"];

/// Guesses arch, stage and kind from a file's path (folders count: an
/// `Upper/` folder names the arch of the files in it).
pub(crate) fn guess(path: &str) -> FileGuess {
    let (folders, file) = path.rsplit_once(['/', '\\']).unwrap_or(("", path));
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let file_words = words(stem);
    let folder_words = words(folders);

    let arch = arch_of(&file_words).or_else(|| arch_of(&folder_words));
    let kind = if file_words.iter().chain(&folder_words).any(|w| TEMPLATE_WORDS.contains(&w.text.as_str())) {
        FileKind::AttachmentTemplate
    } else {
        FileKind::Model
    };
    let stage = stage_of(&file_words).or_else(|| stage_of(&folder_words));
    FileGuess { arch, stage, kind }
}

#[derive(Debug)]
struct Word {
    text: String,
    /// Inside parentheses, as in `(1)`.
    bracketed: bool,
    /// Between separators, not cut from letters beside it: `_12_` is
    /// alone, the 4 of a scan id `I3PL4JRE` is not.
    alone: bool,
}

impl Word {
    fn number(&self) -> Option<u32> {
        if self.bracketed || !self.text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.text.parse().ok().filter(|n| *n <= MAX_STAGE)
    }
}

/// Lower-case words, cut at anything not a letter or digit, between letters
/// and digits, and where a lower-case letter is followed by an upper-case one.
fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut previous: Option<char> = None;
    // Where the token (the run between separators) began in `words`.
    let mut token_start = 0;
    let flush = |current: &mut String, depth: usize, words: &mut Vec<Word>| {
        if !current.is_empty() {
            words.push(Word { text: std::mem::take(current).to_lowercase(), bracketed: depth > 0, alone: true });
        }
    };
    let end_token = |words: &mut Vec<Word>, start: usize| {
        if words.len() - start > 1 {
            for word in &mut words[start..] {
                word.alone = false;
            }
        }
    };
    for c in text.chars() {
        if !c.is_alphanumeric() {
            flush(&mut current, depth, &mut words);
            end_token(&mut words, token_start);
            token_start = words.len();
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            previous = None;
            continue;
        }
        if let Some(p) = previous {
            let kind_changes = p.is_ascii_digit() != c.is_ascii_digit();
            let camel = p.is_lowercase() && c.is_uppercase();
            if kind_changes || camel {
                flush(&mut current, depth, &mut words);
            }
        }
        current.push(c);
        previous = Some(c);
    }
    flush(&mut current, depth, &mut words);
    end_token(&mut words, token_start);
    words
}

fn arch_of(words: &[Word]) -> Option<Arch> {
    words.iter().find_map(|w| {
        if UPPER_WORDS.contains(&w.text.as_str()) {
            Some(Arch::Upper)
        } else if LOWER_WORDS.contains(&w.text.as_str()) {
            Some(Arch::Lower)
        } else {
            None
        }
    })
}

fn stage_of(words: &[Word]) -> Option<u32> {
    let is = |list: &[&str], w: &Word| list.contains(&w.text.as_str());
    // A number right after a stage word, allowing a `#` or `no` between.
    for (i, w) in words.iter().enumerate() {
        if is(STAGE_WORDS, w) {
            let next = words[i + 1..].iter().find(|n| n.text != "no" && n.text != "nr");
            if let Some(n) = next.and_then(Word::number) {
                return Some(n);
            }
        }
    }
    if words.iter().any(|w| is(INITIAL_WORDS, w)) {
        return Some(0);
    }
    // A number right after the arch word: `U07`, `Lower_14`.
    for (i, w) in words.iter().enumerate() {
        if (is(UPPER_WORDS, w) || is(LOWER_WORDS, w))
            && let Some(n) = words.get(i + 1).and_then(Word::number)
        {
            return Some(n);
        }
    }
    // The last number standing alone that is not a version: `01_Upper`,
    // `Upper Arch 3`. Digits inside a scan id (`I3PL4JRE`) are not a
    // stage, nor is a number padded to three digits or more (`003_U`):
    // plans say "Step" before those.
    words.iter().enumerate().rev().find_map(|(i, w)| {
        let after_version = i > 0 && is(VERSION_WORDS, &words[i - 1]);
        let padded_id = w.text.len() >= 3 && w.text.starts_with('0');
        w.number().filter(|_| w.alone && !after_version && !padded_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: Option<Arch> = Some(Arch::Upper);
    const L: Option<Arch> = Some(Arch::Lower);
    const MODEL: FileKind = FileKind::Model;
    const TEMPLATE: FileKind = FileKind::AttachmentTemplate;

    #[test]
    fn real_world_export_names_are_recognised() {
        let table: &[(&str, Option<Arch>, Option<u32>, FileKind)] = &[
            ("Upper_Step_01.stl", U, Some(1), MODEL),
            ("Lower_Step_01.stl", L, Some(1), MODEL),
            ("Lower_Step_001.stl", L, Some(1), MODEL),
            ("Maxillary_Stage_5.stl", U, Some(5), MODEL),
            ("Mandibular Stage 12.stl", L, Some(12), MODEL),
            ("UJ03.stl", U, Some(3), MODEL),
            ("LJ03.stl", L, Some(3), MODEL),
            ("U07.stl", U, Some(7), MODEL),
            ("L07.stl", L, Some(7), MODEL),
            ("K7Q-4M2_U07.stl", U, Some(7), MODEL),
            ("K7Q-4M2_L12.stl", L, Some(12), MODEL),
            ("Subsetup12_Maxillary.stl", U, Some(12), MODEL),
            ("Subsetup 3 - Mandibular.stl", L, Some(3), MODEL),
            ("Maxilla - Subsetup 7.stl", U, Some(7), MODEL),
            ("01_Upper.stl", U, Some(1), MODEL),
            ("Upper_01.stl", U, Some(1), MODEL),
            ("Case123_Lower_14.stl", L, Some(14), MODEL),
            ("2024-03-01_Upper_Step_04.stl", U, Some(4), MODEL),
            ("Patient Smith_Upper_Aligner 10.stl", U, Some(10), MODEL),
            ("Upper Aligner #9.stl", U, Some(9), MODEL),
            ("LowerAligner09.stl", L, Some(9), MODEL),
            ("UpperStep10.STL", U, Some(10), MODEL),
            ("Step 15 - Upper Arch.stl", U, Some(15), MODEL),
            ("Step0_Upper.stl", U, Some(0), MODEL),
            ("Upper_Initial.stl", U, Some(0), MODEL),
            ("Mand_Step_6.stl", L, Some(6), MODEL),
            ("Max_Step_6.stl", U, Some(6), MODEL),
            ("ortho_U_12.stl", U, Some(12), MODEL),
            ("ortho_L_12.stl", L, Some(12), MODEL),
            ("U-Stage-3.stl", U, Some(3), MODEL),
            ("L_Stage_03_Passive.stl", L, Some(3), MODEL),
            ("lower_step_12 (1).stl", L, Some(12), MODEL),
            ("Lower_Step_12_v2.stl", L, Some(12), MODEL),
            ("Upper_12_v3.stl", U, Some(12), MODEL),
            ("ClinCheck_Upper_Stage_18.stl", U, Some(18), MODEL),
            ("Oberkiefer_05.stl", U, Some(5), MODEL),
            ("Unterkiefer_05.stl", L, Some(5), MODEL),
            ("maxillary_aligner_10_attachments.stl", U, Some(10), TEMPLATE),
            ("Lower Template 1.stl", L, Some(1), TEMPLATE),
            ("upper-attachments-template.stl", U, None, TEMPLATE),
            ("Upper_Step_02_Attachment_Template.stl", U, Some(2), TEMPLATE),
            ("lower/step_10.stl", L, Some(10), MODEL),
            ("Upper/10.stl", U, Some(10), MODEL),
            ("Plan A/Maxillary/Subsetup 21.ply", U, Some(21), MODEL),
            ("Treatment_Lower_Final.stl", L, None, MODEL),
            ("Maxillary.stl", U, None, MODEL),
            ("scan.stl", None, None, MODEL),
            ("Stage 4.obj", None, Some(4), MODEL),
            ("export 2024.stl", None, None, MODEL),
            // Scan ids are not stages: only a number the name calls a stage, or standing alone.
            ("I3PL4JRE_upper_gt.ply", U, None, MODEL),
            ("003_U.ply", U, None, MODEL),
            ("A7B2_lower.stl", L, None, MODEL),
        ];
        let mut wrong = Vec::new();
        for &(name, arch, stage, kind) in table {
            let got = guess(name);
            let want = FileGuess { arch, stage, kind };
            if got != want {
                wrong.push(format!("{name}: got {got:?}, want {want:?}"));
            }
        }
        assert!(table.len() >= 40);
        assert!(wrong.is_empty(), "{} of {} names misread:\n{}", wrong.len(), table.len(), wrong.join("\n"));
    }

    #[test]
    fn a_guess_reads_as_words() {
        assert_eq!(guess("K7Q-4M2_U07.stl").to_string(), "upper arch, stage 7");
        assert_eq!(guess("Lower Template 1.stl").to_string(), "lower arch, stage 1, attachment template");
        assert_eq!(guess("Upper_Initial.stl").to_string(), "upper arch, initial (stage 0)");
        assert_eq!(guess("scan.stl").to_string(), "nothing recognised");
    }

    #[test]
    fn words_are_cut_at_case_changes_digits_and_punctuation() {
        let texts: Vec<String> = words("LowerAligner09 (1)-v2").into_iter().map(|w| w.text).collect();
        assert_eq!(texts, ["lower", "aligner", "09", "1", "v", "2"]);
    }
}
