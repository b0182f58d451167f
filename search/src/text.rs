//! Vietnamese text folding: the one place that decides how text is compared.
//!
//! Three forms of a text are used:
//!
//! * [`normalize`]: Unicode NFC and lowercase — for display-insensitive equality;
//! * [`fold`]: every mark stripped and `đ`→`d` (`Nước mắm` → `nuoc mam`) — what accent-free
//!   queries match against. This is what Meilisearch's tokenizer (charabia, `vietnamese`
//!   feature) does to both documents and queries; a test holds the two in agreement;
//! * [`telex`]: a tone-preserving ASCII form, one token per syllable (`dừa` → `duwaf`,
//!   `đen` → `ddenz`), stored as a field of its own so that a query typed with the right tones
//!   can score exact-tone matches higher (`mè` before `me`, `dừa` before `dưa`).
//!
//! Tone-mark placement (`hoá`/`hóa`, `thuỷ`/`thủy`) needs no separate step: [`fold`] drops the
//! mark and [`telex`] writes the tone at the end of the syllable wherever it was placed.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// NFC and lowercase.
pub fn normalize(text: &str) -> String {
    text.nfc().collect::<String>().to_lowercase()
}

/// Lowercase with every mark stripped and `đ`→`d`: the accent-free form.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The folded words of a text: runs of letters and digits, in order.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Edit distance between two words, in characters, a swap of two neighbours counting as one
/// edit (as the engines count typos).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d: Vec<Vec<usize>> = (0..=a.len())
        .map(|i| (0..=b.len()).map(|j| if i == 0 { j } else { i }).collect())
        .collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// A URL slug: folded words joined by `-` (`Nước mắm Phú Quốc` → `nuoc-mam-phu-quoc`).
pub fn slugify(text: &str) -> String {
    words(text).join("-")
}

/// Whether a text carries any Vietnamese mark (tone, vowel modifier or `đ`).
pub fn has_marks(text: &str) -> bool {
    text.nfd()
        .any(|c| is_combining_mark(c) || matches!(c, 'đ' | 'Đ'))
}

/// The tone-preserving form of every word: one token per word, vowel modifiers written as Telex
/// letters (`ă`→`aw`, `â`→`aa`, `ê`→`ee`, `ô`→`oo`, `ơ`→`ow`, `ư`→`uw`, `đ`→`dd`) and the
/// tone as a final letter (`s` sắc, `f` huyền, `r` hỏi, `x` ngã, `j` nặng, `z` none).
///
/// The final `z` keeps a toneless syllable (`me`) apart from the folded form of a toned one.
pub fn telex(text: &str) -> Vec<String> {
    normalize(text)
        .split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c))
        .filter(|w| !w.is_empty())
        .map(telex_word)
        .collect()
}

/// The tone-preserving tokens of the words of `text` that carry marks: what a query adds to
/// rank exact-tone matches first. Words typed without any mark add nothing, since the user
/// may simply not have typed them.
pub fn telex_of_marked_words(text: &str) -> Vec<String> {
    normalize(text)
        .split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c))
        .filter(|w| !w.is_empty() && has_marks(w))
        .map(telex_word)
        .collect()
}

/// Generic words of Vietnamese addresses ("tỉnh Quảng Ninh", "phường Bãi Cháy"): they say
/// nothing about a place, and folded they would match names ("tinh" in "Hà Tĩnh").
const ADMIN_WORDS: &[&str] = &[
    "tỉnh",
    "thành phố",
    "tp",
    "phường",
    "xã",
    "huyện",
    "quận",
    "thị xã",
    "thị trấn",
    "đặc khu",
    "số",
];

/// An address without its generic administrative words, compared with their tones (so "Hà Tĩnh"
/// keeps its "Tĩnh" while "tỉnh Hà Tĩnh" loses its "tỉnh").
pub fn without_admin_words(address: &str) -> String {
    let normalized = normalize(address);
    let words: Vec<&str> = normalized
        .split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let skip = ADMIN_WORDS.iter().find_map(|admin| {
            let parts: Vec<&str> = admin.split(' ').collect();
            (words.len() >= i + parts.len() && words[i..i + parts.len()] == parts[..])
                .then_some(parts.len())
        });
        match skip {
            Some(n) => i += n,
            None => {
                out.push(words[i]);
                i += 1;
            }
        }
    }
    out.join(" ")
}

fn telex_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 3);
    let mut tone = 'z';
    let mut last_base = None;
    for c in word.nfd() {
        match c {
            '\u{0301}' => tone = 's',
            '\u{0300}' => tone = 'f',
            '\u{0309}' => tone = 'r',
            '\u{0303}' => tone = 'x',
            '\u{0323}' => tone = 'j',
            '\u{0306}' | '\u{031B}' => out.push('w'),
            '\u{0302}' => {
                if let Some(base) = last_base {
                    out.push(base);
                }
            }
            'đ' | 'Đ' => {
                out.push_str("dd");
                last_base = Some('d');
            }
            c if is_combining_mark(c) => {}
            c => {
                for lower in c.to_lowercase() {
                    out.push(lower);
                    last_base = Some(lower);
                }
            }
        }
    }
    out.push(tone);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_a_swap_once() {
        assert_eq!(edit_distance("nguyen", "nguyeen"), 1);
        assert_eq!(edit_distance("mat", "mta"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("nuoc", "nuoc"), 0);
    }

    #[test]
    fn folding_strips_every_mark_and_maps_d_with_stroke() {
        let cases = [
            ("Nước mắm Phú Quốc", "nuoc mam phu quoc"),
            ("ĐƯỜNG", "duong"),
            ("Thanh Hóa", "thanh hoa"),
            ("Thanh Hoá", "thanh hoa"),
            ("thuỷ", "thuy"),
            ("thủy", "thuy"),
            ("Bắc Kạn", "bac kan"),
            ("Đắk Lắk", "dak lak"),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), expected, "fold({input:?})");
        }
    }

    #[test]
    fn folding_treats_decomposed_and_composed_text_alike() {
        let composed = "Bình Dương";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(fold(composed), fold(&decomposed));
        assert_eq!(normalize(composed), normalize(&decomposed));
    }

    #[test]
    fn words_split_on_punctuation_and_keep_digits() {
        assert_eq!(
            words("Gạo ST25 (5kg) – Sóc Trăng"),
            ["gao", "st25", "5kg", "soc", "trang"]
        );
        assert_eq!(words("Ea H'leo"), ["ea", "h", "leo"]);
        assert!(words("  ,.; ").is_empty());
    }

    #[test]
    fn slugs_are_folded_words_joined_by_hyphens() {
        assert_eq!(
            slugify("Nước mắm Phú Quốc Khải Hoàn 40 độ đạm"),
            "nuoc-mam-phu-quoc-khai-hoan-40-do-dam"
        );
        assert_eq!(
            slugify("Đèn lồng treo mây tre đan!"),
            "den-long-treo-may-tre-dan"
        );
    }

    #[test]
    fn telex_keeps_tones_and_vowel_modifiers() {
        let cases = [
            ("dừa", "duwaf"),
            ("dưa", "duwaz"),
            ("đèn", "ddenf"),
            ("mè", "mef"),
            ("me", "mez"),
            ("nước", "nuwowcs"),
            ("mắm", "mawms"),
            ("chè", "chef"),
            ("trà", "traf"),
            ("kẹo", "keoj"),
            ("lẫn", "laanx"),
            ("tổ", "toor"),
            ("Ê", "eez"),
        ];
        for (input, expected) in cases {
            assert_eq!(telex(input), [expected], "telex({input:?})");
        }
    }

    #[test]
    fn telex_does_not_depend_on_tone_placement() {
        assert_eq!(telex("hoá"), telex("hóa"));
        assert_eq!(telex("thuỷ"), telex("thủy"));
        assert_eq!(telex("Thanh Hoá"), ["thanhz", "hoas"]);
    }

    #[test]
    fn generic_address_words_are_dropped_but_names_kept() {
        assert_eq!(
            without_admin_words("Khu Đồn Điền, phường Hà Khẩu, TP Hạ Long, tỉnh Quảng Ninh"),
            "khu đồn điền hà khẩu hạ long quảng ninh"
        );
        assert_eq!(
            without_admin_words("Số 1 Phan Đình Phùng, Thành phố Hà Tĩnh, tỉnh Hà Tĩnh"),
            "1 phan đình phùng hà tĩnh hà tĩnh"
        );
        assert_eq!(without_admin_words("Xã Xá Lượng"), "xá lượng");
    }

    #[test]
    fn only_marked_query_words_add_tone_tokens() {
        assert_eq!(telex_of_marked_words("mè den"), ["mef"]);
        assert_eq!(telex_of_marked_words("mè đen"), ["mef", "ddenz"]);
        assert!(telex_of_marked_words("nuoc mam").is_empty());
        assert!(has_marks("đ"));
        assert!(!has_marks("duong"));
    }
}
