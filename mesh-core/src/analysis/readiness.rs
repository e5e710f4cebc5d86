//! Whether a model is ready to print as it is, in words: what is wrong
//! with it and what preparation will do about each problem. A model of
//! loose pieces, an open scan or overlapping shells is not ready, even when
//! repair has nothing to fix.

use super::report::{Orientation, ValidationReport};

/// A rim longer than this (in edges) is an open side by design (a scan's
/// gum edge), not a hole to fill.
pub const OPEN_RIM_EDGES: usize = 500;

/// The verdict on a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// One per problem: what is wrong, and what Prepare does about it.
    pub problems: Vec<ReadinessProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessProblem {
    /// "14 separate pieces".
    pub found: String,
    /// "Prepare unites the overlapping ones and stands the rest on one plate".
    pub remedy: String,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What stands between the model `report` describes and a printer.
pub fn readiness(report: &ValidationReport) -> Readiness {
    let mut problems = Vec::new();
    let mut problem =
        |found: String, remedy: &str| problems.push(ReadinessProblem { found, remedy: remedy.to_owned() });
    let (rims, holes): (Vec<usize>, Vec<usize>) = report.boundary_loops.iter().partition(|&&e| e > OPEN_RIM_EDGES);
    if !rims.is_empty() {
        problem(
            format!("open along {} (a scan's gum edge)", plural(rims.len(), "rim", "rims")),
            "Prepare trims the rim clean and closes the model with a flat base",
        );
    }
    if !holes.is_empty() {
        problem(format!("{} in the surface", plural(holes.len(), "small hole", "small holes")), "Repair fills them");
    }
    if report.non_manifold_edges > 0 {
        problem(
            format!("{} shared by more than two faces", plural(report.non_manifold_edges, "edge", "edges")),
            "Prepare unites the pieces that meet there into one solid",
        );
    }
    if report.components > 1 {
        problem(
            format!("{} separate pieces", report.components),
            "Prepare unites the overlapping ones and stands the rest on one plate",
        );
    }
    match report.orientation {
        Orientation::Consistent { outward: true } => {}
        Orientation::Consistent { outward: false } => {
            problem("faces pointing inward".to_owned(), "Repair turns them outward")
        }
        Orientation::Inconsistent { misoriented_edges } => problem(
            format!("{} between faces wound against each other", plural(misoriented_edges, "edge", "edges")),
            "Repair turns the faces to agree",
        ),
    }
    let broken = report.degenerate_faces + report.duplicate_faces;
    if broken > 0 {
        problem(plural(broken, "broken or repeated face", "broken or repeated faces"), "Repair removes them");
    }
    Readiness { problems }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ValidationReport {
        ValidationReport {
            triangles: 12,
            vertices: 8,
            bounds: None,
            surface_area: 6.0,
            signed_volume: 1.0,
            watertight: true,
            boundary_loops: vec![],
            non_manifold_edges: 0,
            degenerate_faces: 0,
            duplicate_faces: 0,
            components: 1,
            orientation: Orientation::Consistent { outward: true },
        }
    }

    #[test]
    fn a_closed_outward_solid_is_ready_and_loose_crowns_are_not() {
        assert!(readiness(&report()).is_ready());
        let crowns = readiness(&ValidationReport { components: 14, ..report() });
        assert!(!crowns.is_ready());
        assert_eq!(crowns.problems[0].found, "14 separate pieces");
    }

    #[test]
    fn an_open_scan_has_its_rim_told_apart_from_its_small_holes() {
        let scan = readiness(&ValidationReport { watertight: false, boundary_loops: vec![1435, 12, 30], ..report() });
        let found: Vec<&str> = scan.problems.iter().map(|p| p.found.as_str()).collect();
        assert_eq!(found, ["open along 1 rim (a scan's gum edge)", "2 small holes in the surface"]);
        assert!(scan.problems[0].remedy.contains("flat base"));
    }
}
