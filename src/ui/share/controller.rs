//! The app's side of links: opens the page's link at startup, follows links pasted into the address bar, opens
//! what the gallery and the imports hand over (asking first when recorded actions would be replaced), and keeps
//! the bad-link banner. The app supplies one callback that swaps the session; everything else is here.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::browser;
use super::links::{
    Banner, HashChange, Opened, Startup, full_app_fragment, on_hash_change, on_startup, should_play, view_of,
};
use crate::share::link::{ViewOptions, preset_fragment, share_fragment};
use crate::ui::platform;

/// What the app needs from the share side each render.
#[derive(Clone, PartialEq)]
pub struct Share {
    pub banner: Option<Banner>,
    pub view: ViewOptions,
    /// The full app with the same scenario (for embed mode's "Open in kafkaviz").
    pub full_app_href: AttrValue,
    pub dismiss: Callback<()>,
    /// Open the default scenario (the banner's offer).
    pub open_default: Callback<()>,
    /// Open a scenario the person picked (gallery, imports): asks first if recorded actions would be lost, shows
    /// it in the address bar. False when the person declined.
    pub request_open: Callback<Opened, bool>,
}

/// What the page opens with, read before the first render so no frame of another scenario is drawn or run.
#[derive(Clone, PartialEq)]
pub struct Initial {
    pub startup: Startup,
    pub play: bool,
    pub full_app_href: AttrValue,
}

/// The page's link (in the browser); the default scenario when rendered natively (tests, SSR).
pub fn initial() -> Initial {
    #[cfg(target_arch = "wasm32")]
    {
        let fragment = browser::fragment();
        let startup = on_startup(&fragment, &browser::search());
        let play = should_play(&startup.view, startup.open.moment_ms, platform::prefers_reduced_motion());
        let full_app_href = format!("{}#{}", browser::app_address(), full_app_fragment(&fragment)).into();
        Initial { startup, play, full_app_href }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let startup = on_startup("", "");
        let play = should_play(&startup.view, startup.open.moment_ms, false);
        Initial { startup, play, full_app_href: AttrValue::default() }
    }
}

const REPLACE_QUESTION: &str =
    "Replace the current session? Its recorded actions will be lost (Copy link or Export JSON first to keep them).";

/// `initial` is what the page opened with (the app built its first session from it); `swap` replaces the session
/// with a scenario at a moment, and whether to play; `recorded` says whether the person has recorded actions in
/// the current session.
#[hook]
pub fn use_share(initial: &Initial, swap: Callback<(Opened, bool)>, recorded: Rc<RefCell<bool>>) -> Share {
    // Separate handles: the hashchange listener lives as long as the page and must set one without
    // overwriting the others with the values it saw when it was made.
    let banner = use_state(|| initial.startup.banner.clone());
    let view = use_state(|| initial.startup.view.clone());
    let full_app_href = use_state(|| initial.full_app_href.clone());

    {
        let (swap, recorded) = (swap.clone(), recorded.clone());
        let (banner, view, full_app_href) = (banner.clone(), view.clone(), full_app_href.clone());
        use_effect_with((), move |_| {
            let listener = browser::listen_hash_change(Callback::from(move |fragment: String| {
                let has_recorded = *recorded.borrow();
                let reduced = platform::prefers_reduced_motion();
                match on_hash_change(&fragment, has_recorded) {
                    HashChange::Open { open, ask } => {
                        if ask && !browser::confirm(REPLACE_QUESTION) {
                            return;
                        }
                        let options = view_of(&fragment, &browser::search());
                        let play = should_play(&options, open.moment_ms, reduced);
                        let href = format!("{}#{}", browser::app_address(), full_app_fragment(&fragment));
                        banner.set(None);
                        view.set(options);
                        full_app_href.set(href.into());
                        *recorded.borrow_mut() = false;
                        swap.emit((*open, play));
                    }
                    HashChange::Keep(problem) => banner.set(Some(problem)),
                    HashChange::OpenDefault(problem) => {
                        banner.set(Some(problem));
                        swap.emit((Opened::default_scenario(), true));
                    }
                    HashChange::Ignore => {}
                }
            }));
            move || drop(listener)
        });
    }

    let dismiss = {
        let banner = banner.clone();
        Callback::from(move |()| banner.set(None))
    };
    let request_open = {
        let (swap, banner, recorded) = (swap.clone(), banner.clone(), recorded.clone());
        Callback::from(move |opened: Opened| -> bool {
            if *recorded.borrow() && !browser::confirm(REPLACE_QUESTION) {
                return false;
            }
            let fragment = match opened.preset {
                Some(id) => preset_fragment(id, 0),
                None => share_fragment(opened.scenario.get(), 0),
            };
            browser::replace_fragment(&fragment);
            banner.set(None);
            *recorded.borrow_mut() = false;
            swap.emit((opened, true));
            true
        })
    };
    let open_default = {
        let request_open = request_open.clone();
        Callback::from(move |()| {
            request_open.emit(Opened::default_scenario());
        })
    };
    Share {
        banner: (*banner).clone(),
        view: (*view).clone(),
        full_app_href: (*full_app_href).clone(),
        dismiss,
        open_default,
        request_open,
    }
}
