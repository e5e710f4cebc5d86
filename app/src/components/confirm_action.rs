//! A button for something hard to undo (disable a person, revoke a token,
//! delete a webhook) that first asks: the question replaces the button,
//! focus moves to the confirming button, and Escape or Cancel goes back.

use leptos::prelude::*;

#[component]
pub(crate) fn ConfirmAction(
    /// The button's words: "Disable".
    label: String,
    /// The question: "Disable Ana Ruiz? They are signed out at once."
    question: String,
    /// The confirming button's words: "Yes, disable".
    confirm: String,
    /// The change is on its way: the buttons wait.
    #[prop(into)]
    busy: Signal<bool>,
    on_confirm: Callback<()>,
    /// `data-testid` of the first button; the confirming one is `{testid}-confirm`.
    testid: String,
    /// Styled as a warning (deleting, disabling).
    #[prop(optional)]
    danger: bool,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let start = NodeRef::<leptos::html::Button>::new();
    let yes = NodeRef::<leptos::html::Button>::new();
    // Focus follows the question: onto "Yes" when it appears, back to the button when it goes.
    Effect::new(move |was_asking: Option<bool>| {
        let now = asking.get();
        if was_asking.is_some_and(|before| before != now) {
            request_animation_frame(move || {
                let target =
                    if now { yes.get_untracked().map(Into::into) } else { start.get_untracked().map(Into::into) };
                if let Some(element) = target {
                    let element: web_sys::HtmlElement = element;
                    let _ = element.focus();
                }
            });
        }
        now
    });
    let confirm_testid = format!("{testid}-confirm");
    view! {
        <span class="confirm-action">
            <Show
                when=move || asking.get()
                fallback={
                    let (label, testid) = (label.clone(), testid.clone());
                    move || view! {
                        <button
                            type="button"
                            node_ref=start
                            class="quiet"
                            class:danger=danger
                            data-testid=testid.clone()
                            disabled=move || busy.get()
                            on:click=move |_| asking.set(true)
                        >
                            {label.clone()}
                        </button>
                    }
                }
            >
                <span
                    class="confirm-question"
                    role="group"
                    aria-label=question.clone()
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            ev.stop_propagation();
                            asking.set(false);
                        }
                    }
                >
                    <span>{question.clone()}</span>
                    <button
                        type="button"
                        node_ref=yes
                        class="primary"
                        class:danger=danger
                        data-testid=confirm_testid.clone()
                        disabled=move || busy.get()
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm.clone()}
                    </button>
                    <button type="button" class="quiet" on:click=move |_| asking.set(false)>"Cancel"</button>
                </span>
            </Show>
        </span>
    }
}
