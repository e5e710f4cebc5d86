//! A progress bar for uploads: files and megabytes sent of all.

use leptos::prelude::*;

use crate::import::plan::progress_line;

#[component]
pub(crate) fn UploadProgress(
    #[prop(into)] files_done: Signal<usize>,
    #[prop(into)] files: Signal<usize>,
    #[prop(into)] bytes_done: Signal<f64>,
    #[prop(into)] bytes: Signal<f64>,
) -> impl IntoView {
    let percent = move || {
        let total = bytes.get();
        if total > 0.0 { (bytes_done.get() / total * 100.0).clamp(0.0, 100.0).floor() } else { 100.0 }
    };
    view! {
        <div class="upload-progress" data-testid="upload-progress" data-percent=move || percent().to_string()>
            <progress max="100" value=percent aria-label="Upload progress"></progress>
            <p class="progress-line" role="status" data-testid="progress-line">
                {move || format!("{} % · {}", percent(), progress_line(files_done.get(), files.get(), bytes_done.get(), bytes.get()))}
            </p>
        </div>
    }
}
