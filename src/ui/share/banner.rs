//! The bad-link banner: what was wrong with the link and where, what the app did instead, and a way on.

use yew::prelude::*;

use super::links::Banner;

#[derive(Properties, PartialEq)]
pub struct LinkBannerProps {
    pub banner: Banner,
    pub on_dismiss: Callback<()>,
    /// Offered when the person's session was kept (they may still want the default scenario).
    pub on_open_default: Callback<()>,
}

#[function_component(LinkBanner)]
pub fn link_banner(props: &LinkBannerProps) -> Html {
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    let open_default = props.on_open_default.reform(|_: MouseEvent| ());
    html! {
        <div class="link-banner" role="alert" data-link-error="">
            <p>{ props.banner.text() }</p>
            if props.banner.kept_session {
                <button type="button" onclick={open_default}>{ "Open the default scenario" }</button>
            }
            <button type="button" onclick={dismiss} aria-label="Dismiss">{ "Dismiss" }</button>
        </div>
    }
}
