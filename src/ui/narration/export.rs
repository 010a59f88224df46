//! The event log as plain text, and as a `data:` URL a download link can carry (no Blob APIs needed).

use crate::engine::trace::Narration;
use crate::ui::status::format_time;

/// One line per event: `m:ss.t  text`, oldest first.
pub fn export_text<'a>(lines: impl IntoIterator<Item = &'a Narration>) -> String {
    lines.into_iter().map(|n| format!("{}  {}\n", format_time(n.at), n.text)).collect()
}

/// A `data:text/plain` URL holding `text` (percent-encoded UTF-8).
pub fn data_url(text: &str) -> String {
    let mut url = String::from("data:text/plain;charset=utf-8,");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_has_one_timed_line_per_event() {
        let lines = [
            Narration { at: 1_500, text: "broker 2 crashed".into() },
            Narration { at: 61_000, text: "partition orders-1: leader 2 → 3".into() },
        ];
        assert_eq!(export_text(&lines), "0:01.5  broker 2 crashed\n1:01.0  partition orders-1: leader 2 → 3\n");
    }

    #[test]
    fn data_url_encodes_everything_but_plain_characters() {
        assert_eq!(data_url("a b\n→"), "data:text/plain;charset=utf-8,a%20b%0A%E2%86%92");
    }
}
