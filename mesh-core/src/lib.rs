//! Pure geometry for Trayforge.
//!
//! Bytes in, values out: this crate does no I/O, keeps no global state, logs
//! nothing and never panics on input. It compiles for the host (server,
//! tests, benchmarks) and for `wasm32-unknown-unknown` (the browser), and
//! both builds run the same code.
//!
//! Invariant: every public function that takes outside data returns a
//! `Result` whose error says what is wrong and what the user can do.

pub mod analysis;
pub mod io;
pub mod label;
mod mesh;
pub mod ops;
pub mod prepare;
pub mod repair;
mod vector;

pub use analysis::{
    HeightCheck, OPEN_RIM_EDGES, Orientation, ProblemEdges, Readiness, ReadinessProblem, ValidationReport,
    problem_edges, readiness, validate,
};
pub use io::{
    Body, ReadError, ReadOutcome, ReadWarning, Rgb, SourceFormat, ThreeMfObject, ThreeMfWriteError, detect_format,
    read, read_as, write_3mf, write_ascii_stl, write_binary_stl,
};
pub use label::{CodePlacement, LabelError, LabelOptions, LabelShape, Labelled, Relief, label, label_shape};
pub use mesh::{Bounds, IndexedMesh};
pub use ops::{
    Arch, ArchFrame, BaseError, BaseOptions, BasePlacement, CutOutline, DiffError, FlatBase, FrameClue, FrameError,
    HollowError, HollowOptions, Hollowed, KeepClear, Plane, PlaneCut, PlaneCutError, PlaneCutOptions, PlateOptions,
    SurfaceDistances, TrimError, TrimLineOptions, TrimOptions, TrimProposal, Trimmed, UniteError, United,
    find_arch_frame, flat_base, hollow, plane_cut, plate_base, propose_trim, propose_trim_line, smooth_trim_line,
    surface_distances, trim, unite,
};
pub use repair::{RepairOptions, RepairReport, repair};
