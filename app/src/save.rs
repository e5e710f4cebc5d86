//! Handing bytes made in the browser to the user as a downloaded file.

use wasm_bindgen::JsCast;

/// Offers `bytes` as a download named `name`; the browser saves it where the
/// user keeps downloads. Errors say what failed, for the page to show.
pub(crate) fn save_file(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let failed = |what: &str| format!("the browser refused to {what}; try again, or use another browser");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| failed("hold the file"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| failed("prepare the download"))?;
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or_else(|| failed("create a download link"))?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The click has started the download; the URL is no longer needed.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
