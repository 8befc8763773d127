//! Fuzzes the page's URL-hash parser (`permalink::parse`), which reads links from strangers.
//! It must never panic, must keep every notice bounded (quoted values are cut, so a notice
//! never grows with the input), and whatever it accepts must be written
//! back by `to_hash` as a link that parses to the same state with no new notices.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sgd_escape::permalink::{parse, to_hash};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut first = parse(&text);
    for notice in &first.notices {
        assert!(notice.message.chars().count() < 1200, "{}", notice.message);
    }
    let written = to_hash(&first);
    let mut again = parse(&written);
    assert!(again.notices.is_empty(), "{written}: {:?}", again.notices);
    assert!(again.warnings.is_empty(), "{written}: {:?}", again.warnings);
    first.notices.clear();
    first.warnings.clear();
    again.warnings.clear();
    assert_eq!(again, first, "{written}");
});
