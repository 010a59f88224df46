//! What the app does with the link it was opened with, or one pasted into the address bar later: which scenario to
//! open at which moment, which display options apply, and what to tell the person when the link is bad.
//! Pure decisions (the browser calls live in `browser.rs`), so every case is tested natively.

use crate::engine::Millis;
use crate::scenario::ValidScenario;
use crate::scenario::gallery::preset_by_id;
use crate::scenario::validate;
use crate::share::link::{ViewOptions, decode, view_options};
use crate::ui::default_valid_scenario;

/// A scenario to open (from a link, the gallery or an import) and the moment to open it at.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    pub scenario: ValidScenario,
    pub moment_ms: Millis,
    /// The gallery preset it is, untouched: its guided steps are shown.
    pub preset: Option<&'static str>,
}

impl Opened {
    /// The built-in default scenario at its start.
    pub fn default_scenario() -> Opened {
        Opened { scenario: default_valid_scenario(), moment_ms: 0, preset: None }
    }

    /// A gallery preset at its start; `None` for an unknown id.
    pub fn preset(id: &str) -> Option<Opened> {
        let preset = preset_by_id(id)?;
        let scenario = validate(preset.scenario).ok()?;
        Some(Opened { scenario, moment_ms: 0, preset: Some(preset.id) })
    }
}

/// The message shown above the diagram when a link cannot be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    /// What was wrong and where (the `LinkError` text).
    pub problem: String,
    /// True when the person's own session stayed open (they had recorded actions); the banner then offers the
    /// default scenario. False when the default scenario was opened instead.
    pub kept_session: bool,
}

impl Banner {
    pub fn text(&self) -> String {
        let then =
            if self.kept_session { "Your session is kept as it was." } else { "The default scenario is open instead." };
        format!("This link cannot be opened: {}. {then}", self.problem)
    }
}

/// What the app does at startup with its link.
#[derive(Clone, Debug, PartialEq)]
pub struct Startup {
    pub open: Opened,
    pub banner: Option<Banner>,
    pub view: ViewOptions,
}

/// The link the page was opened with (`fragment` without or with `#`; `search` is `location.search`).
/// A bad link opens the default scenario and says why; display options (`embed`) apply either way.
pub fn on_startup(fragment: &str, search: &str) -> Startup {
    let view = view_of(fragment, search);
    match decode(fragment) {
        Ok(Some(link)) => Startup {
            open: Opened { scenario: link.scenario, moment_ms: link.moment_ms, preset: link.preset },
            banner: None,
            view,
        },
        Ok(None) => Startup { open: Opened::default_scenario(), banner: None, view },
        Err(e) => Startup {
            open: Opened::default_scenario(),
            banner: Some(Banner { problem: e.to_string(), kept_session: false }),
            view,
        },
    }
}

/// What the app does when the address bar's fragment changes while it runs (a pasted link).
#[derive(Clone, Debug, PartialEq)]
pub enum HashChange {
    /// Open this; `ask` when the person has recorded actions that opening would replace.
    Open { open: Box<Opened>, ask: bool },
    /// A bad link while the person has recorded actions: keep their session, show the problem.
    Keep(Banner),
    /// A bad link and nothing of the person's to lose: the default scenario, with the problem.
    OpenDefault(Banner),
    /// The fragment names no scenario (e.g. it was cleared): leave everything as it is.
    Ignore,
}

pub fn on_hash_change(fragment: &str, has_recorded_actions: bool) -> HashChange {
    match decode(fragment) {
        Ok(Some(link)) => HashChange::Open {
            open: Box::new(Opened { scenario: link.scenario, moment_ms: link.moment_ms, preset: link.preset }),
            ask: has_recorded_actions,
        },
        Ok(None) => HashChange::Ignore,
        Err(e) if has_recorded_actions => HashChange::Keep(Banner { problem: e.to_string(), kept_session: true }),
        Err(e) => HashChange::OpenDefault(Banner { problem: e.to_string(), kept_session: false }),
    }
}

/// Display options from the fragment, plus `?embed` / `?embed=1` in the query (an embedding page may prefer the
/// query: some docs tools rewrite fragments).
pub fn view_of(fragment: &str, search: &str) -> ViewOptions {
    let mut view = view_options(fragment);
    let query = search.strip_prefix('?').unwrap_or(search);
    for (name, value) in query.split('&').map(|p| p.split_once('=').unwrap_or((p, ""))) {
        match (name, value) {
            ("embed", "" | "1" | "true") => view.embed = true,
            ("autoplay", "0" | "false") => view.autoplay = Some(false),
            ("autoplay", "" | "1" | "true") => view.autoplay = Some(true),
            _ => {}
        }
    }
    view
}

/// The same link for the full app: the fragment without `embed` and `autoplay` (the caption is kept: it is part
/// of what the author wanted to say).
pub fn full_app_fragment(fragment: &str) -> String {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !matches!(p.split_once('=').map_or(*p, |(k, _)| k), "embed" | "autoplay"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether to start playing. A link to a later moment opens paused there (the person sees what was shared);
/// an embed plays unless told `autoplay=0`; nothing autoplays in an embed for someone who asked for reduced
/// motion (they press Play).
pub fn should_play(view: &ViewOptions, moment_ms: Millis, reduced_motion: bool) -> bool {
    if view.embed {
        return view.autoplay.unwrap_or(true) && !reduced_motion;
    }
    view.autoplay.unwrap_or(moment_ms == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::link::share_fragment;

    #[test]
    fn a_preset_link_opens_the_preset_at_its_moment() {
        let s = on_startup("#preset=consumer-lag&t=4000", "");
        assert_eq!(s.open.preset, Some("consumer-lag"));
        assert_eq!(s.open.moment_ms, 4_000);
        assert_eq!(s.banner, None);
        assert!(!s.view.embed);
    }

    #[test]
    fn no_link_opens_the_default_without_a_banner() {
        let s = on_startup("", "");
        assert_eq!(s.open, Opened::default_scenario());
        assert_eq!(s.banner, None);
    }

    #[test]
    fn a_bad_link_opens_the_default_and_says_what_is_wrong() {
        let s = on_startup("#s=9.AAAA&embed=1", "");
        assert_eq!(s.open, Opened::default_scenario());
        let banner = s.banner.expect("a banner");
        assert!(banner.problem.contains("newer kafkaviz (link format 9"), "{}", banner.problem);
        assert!(banner.text().ends_with("The default scenario is open instead."));
        assert!(s.view.embed, "display options apply even to a bad link");
    }

    #[test]
    fn a_pasted_bad_link_keeps_a_session_with_recorded_actions() {
        let bad = "#preset=nope";
        match on_hash_change(bad, true) {
            HashChange::Keep(b) => {
                assert!(b.kept_session);
                assert!(b.text().contains("there is no built-in scenario \"nope\""));
                assert!(b.text().ends_with("Your session is kept as it was."));
            }
            other => panic!("expected Keep, got {other:?}"),
        }
        assert!(matches!(on_hash_change(bad, false), HashChange::OpenDefault(b) if !b.kept_session));
    }

    #[test]
    fn a_pasted_good_link_asks_only_when_actions_would_be_replaced() {
        let fragment = share_fragment(Opened::preset("hot-partition").unwrap().scenario.get(), 0);
        assert!(matches!(on_hash_change(&fragment, true), HashChange::Open { ask: true, .. }));
        assert!(matches!(on_hash_change(&fragment, false), HashChange::Open { ask: false, .. }));
        assert_eq!(on_hash_change("", true), HashChange::Ignore);
    }

    #[test]
    fn embed_comes_from_the_query_or_the_fragment() {
        assert!(view_of("", "?embed").embed);
        assert!(view_of("", "?embed=1&autoplay=0").embed);
        assert_eq!(view_of("", "?embed=1&autoplay=0").autoplay, Some(false));
        assert!(view_of("#preset=consumer-lag&embed=1", "").embed);
        assert!(!view_of("#preset=consumer-lag", "?embed=0").embed);
    }

    #[test]
    fn the_full_app_link_drops_only_embed_and_autoplay() {
        assert_eq!(
            full_app_fragment("#preset=consumer-lag&embed=1&autoplay=0&caption=Hi"),
            "preset=consumer-lag&caption=Hi"
        );
        assert_eq!(full_app_fragment("embed=1"), "");
    }

    #[test]
    fn playing_at_start() {
        let embed = ViewOptions { embed: true, ..Default::default() };
        assert!(should_play(&embed, 5_000, false), "embeds autoplay by default");
        assert!(!should_play(&embed, 0, true), "not for reduced motion");
        let still = ViewOptions { autoplay: Some(false), ..embed.clone() };
        assert!(!should_play(&still, 0, false));
        assert!(should_play(&ViewOptions::default(), 0, false));
        assert!(!should_play(&ViewOptions::default(), 3_000, false), "a shared moment opens paused");
    }
}
