//! The facts of a mesh that was read: triangles, size, format, warnings.

use std::sync::Arc;

use leptos::prelude::*;
use mesh_core::{ReadOutcome, SourceFormat};

#[component]
pub(crate) fn MeshFacts(name: String, size: usize, outcome: Arc<ReadOutcome>) -> impl IntoView {
    let mesh = &outcome.mesh;
    let triangles = mesh.triangle_count();
    let bounds = mesh.bounds().map(|b| {
        let [x, y, z] = b.size();
        format!("{x:.1} × {y:.1} × {z:.1} mm")
    });
    let format = match outcome.format {
        SourceFormat::BinaryStl => "binary STL",
        SourceFormat::AsciiStl => "ASCII STL",
    };
    let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
    view! {
        <div class="mesh-facts">
            <h2 class="file-name">{name}</h2>
            <dl>
                <dt>"Triangles"</dt>
                <dd data-testid="triangle-count" data-count=triangles.to_string()>{group_thousands(triangles)}</dd>
                <dt>"Vertices"</dt>
                <dd>{group_thousands(mesh.vertex_count())}</dd>
                <dt>"Size (x × y × z)"</dt>
                <dd data-testid="bounds">{bounds.unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>"File"</dt>
                <dd>{format!("{format}, {}", megabytes(size))}</dd>
            </dl>
            {(!warnings.is_empty()).then(|| view! {
                <ul class="warnings" data-testid="read-warnings">
                    {warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// `83262` → `83 262` (a thin space groups thousands, as in the SI style).
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{2009}');
        }
        grouped.push(digit);
    }
    grouped
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::group_thousands;

    #[test]
    fn thousands_are_grouped_by_thin_spaces() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(83_262), "83\u{2009}262");
        assert_eq!(group_thousands(1_234_567), "1\u{2009}234\u{2009}567");
    }
}
