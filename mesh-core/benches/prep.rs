//! `cargo xtask bench prep`: model preparation, timed.
//!
//! - The plane cut with cap of a closed 1M-triangle torus (made here) by a
//!   tilted plane across its ring (the cap is a loop with a hole), against
//!   trimesh's `slice_plane(…, cap=True)` on the same mesh and plane, run
//!   by `prep_trimesh.py` in a child Python that takes turns with us;
//!   `ratio` is trimesh's time ÷ ours (above 1: we are faster).
//! - The flat base (3 mm into the crowns, 3 mm high) of the corpus's upper
//!   arch split into 256k triangles
//!   (each face into three at its centroid), the size of a real arch.
//!
//! - The same base and then a label ("U07", 1.5 mm letters, embossed 0.6
//!   mm) on its bottom, from the app's DejaVu Sans Bold
//!   (`public/fonts/`): the label alone and base + label. The base under
//!   separate teeth is one small face per tooth, so the label goes where
//!   it first fits, near the centre of the largest.
//!
//! - Hollowing (2 mm wall, 3 mm drains, 0.3 mm voxels) of the upper arch
//!   on a base cut 5 mm into the crowns (so that every tooth's neck
//!   reaches the base and its hollow can drain), at the corpus's own size
//!   and split into 256k triangles.
//!
//! - The trim along the proposed line (1 mm above the lowest tooth
//!   points) of the corpus's upper arch as it is (85k triangles) and split
//!   (256k): the proposal, the smoothing + cut + cap, and both.
//! - The whole recipe through `prepare` on the corpus arch: repair, trim,
//!   flat base (3 mm into the trimmed crowns) and a label ("U07", 1.5 mm
//!   letters, embossed, where it first fits near the centre of the largest
//!   tooth's base).
//!
//! - The union of a plan exported as gum plus separate teeth
//!   (`realistic/upper_plan_shells.stl`, 15 overlapping bodies) against
//!   Manifold's C++ (`union_manifold.py`, PyPI `manifold3d`), taking turns.
//! - The default recipe on the realistic arches with gums: open scans, a
//!   plan of gum and teeth, a closed arch.
//!
//! The torus and the split arch are left in the folder for the browser's
//! half of `cargo xtask bench prep` (`end2end/bench/prepare.mjs`).
//!
//! Each figure is the median of several runs after a warm-up. Arguments
//! (given by `cargo xtask bench prep`): the Python with trimesh and
//! manifold3d, the two anchor scripts, the arch, the realistic corpus
//! folder, and a folder for the torus file.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/it/solids.rs"]
#[allow(dead_code, unreachable_pub)]
mod solids;
mod support;

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use mesh_core::prepare::{BaseRecipe, LabelRecipe, Part, Recipe, TrimRecipe, prepare};
use mesh_core::{
    Arch, BaseOptions, HollowOptions, IndexedMesh, LabelOptions, Orientation, Plane, PlaneCutOptions, Relief,
    TrimOptions, flat_base, hollow, label, plane_cut, propose_trim_line, trim, validate,
};
use support::{medians, ms, timed};

/// A one-line account of a mesh: closed and outward or not, and its volume.
fn describe(mesh: &IndexedMesh) -> String {
    let report = validate(mesh);
    let outward = report.orientation == Orientation::Consistent { outward: true };
    format!(
        "{} triangles, watertight={} outward={} volume={:.3} mm³",
        report.triangles, report.watertight, outward, report.signed_volume
    )
}

fn cut_case(python: &Path, script: &Path, folder: &Path) {
    let torus = solids::torus(20.0, 8.0, 1000, 500);
    let file = folder.join("torus_1m_binary.stl");
    std::fs::write(&file, mesh_core::write_binary_stl(&torus)).expect("the torus file can be written");
    let plane = Plane::new([0.3, -0.2, 0.1], [0.1, 0.2, 1.0]);
    let options = PlaneCutOptions::new(plane);
    let ours = plane_cut(&torus, &options).expect("the plane crosses the torus");
    println!(
        "cut torus-1M: ours keeps {} ({} loops, {} with a hole)",
        describe(&ours.mesh),
        ours.outline.loops,
        ours.outline.holes
    );

    let reversed = plane.normal.map(|c| -c);
    let mut args: Vec<String> = vec![file.display().to_string()];
    args.extend(plane.origin.iter().chain(&reversed).map(|c| c.to_string()));
    let mut anchor = Anchor::start(python, script, &args);
    println!("cut torus-1M: trimesh keeps {}", anchor.said);
    let mut anchor_run = || anchor.run();
    let (ours, trimesh) = medians(7, || timed(&mut || drop(black_box(plane_cut(&torus, &options)))), &mut anchor_run);
    println!(
        "plane cut + cap torus-1M: {} triangles, ours {:.1} ms (target ≤ 50 ms), trimesh {:.1} ms ratio={:.1}",
        torus.triangle_count(),
        ms(ours),
        ms(trimesh),
        trimesh.as_secs_f64() / ours.as_secs_f64(),
    );
}

/// A Python anchor that takes turns with us: started with its arguments,
/// it describes its result in one line, then runs once per `run` line and
/// answers the seconds it took.
struct Anchor {
    child: std::process::Child,
    to: std::process::ChildStdin,
    from: BufReader<std::process::ChildStdout>,
    said: String,
}

impl Anchor {
    fn start(python: &Path, script: &Path, args: &[String]) -> Anchor {
        let mut child = Command::new(python)
            .arg(script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
        let to = child.stdin.take().expect("piped stdin");
        let mut from = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut said = String::new();
        from.read_line(&mut said).expect("the anchor describes its result");
        Anchor { child, to, from, said: said.trim().to_owned() }
    }

    fn run(&mut self) -> Duration {
        writeln!(self.to, "run").expect("the anchor is listening");
        let mut line = String::new();
        self.from.read_line(&mut line).expect("the anchor answers");
        Duration::from_secs_f64(line.trim().parse().expect("the anchor prints seconds"))
    }
}

impl Drop for Anchor {
    fn drop(&mut self) {
        let _ = self.to.flush();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The union of a plan exported as a gum shell and a mesh per tooth (15
/// overlapping closed bodies) against Manifold's own C++ through its
/// Python binding (`union_manifold.py`), taking turns; `ratio` is
/// Manifold's time ÷ ours.
fn union_case(python: &Path, script: &Path, file: &Path) {
    let mesh = mesh_core::read(&std::fs::read(file).expect("the plan is readable")).expect("the plan reads").mesh;
    let united = mesh_core::unite(&mesh).expect("the pieces unite");
    println!(
        "union plan-{}k: ours {} pieces → {}, {}",
        mesh.triangle_count() / 1000,
        united.pieces_before,
        united.pieces_after,
        describe(&united.mesh)
    );
    let mut anchor = Anchor::start(python, script, &[file.display().to_string()]);
    println!("union plan-{}k: Manifold {}", mesh.triangle_count() / 1000, anchor.said);
    let (ours, manifold) = medians(5, || timed(&mut || drop(black_box(mesh_core::unite(&mesh)))), || anchor.run());
    println!(
        "union plan-{}k: {} triangles, ours {:.1} ms, Manifold (C++) {:.1} ms ratio={:.2}",
        mesh.triangle_count() / 1000,
        mesh.triangle_count(),
        ms(ours),
        ms(manifold),
        manifold.as_secs_f64() / ours.as_secs_f64(),
    );
}

/// The default recipe (repair, union, plate, engraved label with its code)
/// on arches with gums as clinics send them, each file of `realistic/`
/// named here, as the worker and the browser run it.
fn gum_recipe_case(folder: &Path, font: &[u8]) {
    for name in ["lower_scan_open", "upper_scan_open", "lower_plan_shells", "lower_gum_closed"] {
        let file = folder.join(format!("{name}.stl"));
        let arch = mesh_core::read(&std::fs::read(&file).expect("the arch is readable")).expect("the arch reads").mesh;
        let part = Part::aligner("K7Q-4M2", if name.starts_with("upper") { Arch::Upper } else { Arch::Lower }, 7);
        let recipe = Recipe::default();
        let prepared = prepare(&arch, &recipe, &part, font).expect("the default recipe prepares every realistic arch");
        let steps: Vec<String> = prepared.steps.iter().map(|(step, _)| step.to_string()).collect();
        let (whole, _) =
            medians(5, || timed(&mut || drop(black_box(prepare(&arch, &recipe, &part, font)))), || Duration::ZERO);
        println!(
            "recipe {name} ({} triangles): {} {:.1} ms; gives {}",
            arch.triangle_count(),
            steps.join(" + "),
            ms(whole),
            describe(&prepared.mesh)
        );
    }
}

/// Every face split into three at its centroid: the same surface with three times the faces.
fn split_at_centroids(mesh: &IndexedMesh) -> IndexedMesh {
    let mut split = IndexedMesh { positions: mesh.positions.clone(), triangles: Vec::new() };
    for &[a, b, c] in &mesh.triangles {
        let corners = [a, b, c].map(|v| mesh.positions[v as usize].map(f64::from));
        let centroid = [0, 1, 2].map(|i| ((corners[0][i] + corners[1][i] + corners[2][i]) / 3.0) as f32);
        let m = split.positions.len() as u32;
        split.positions.push(centroid);
        split.triangles.extend([[a, b, m], [b, c, m], [c, a, m]]);
    }
    split
}

fn base_case(arch: &IndexedMesh) {
    // Cut 3 mm into the crowns from the gum side, so the base runs under most teeth.
    let options = BaseOptions { cut_height_mm: 3.0, ..BaseOptions::for_arch(Arch::Upper) };
    let based = flat_base(arch, &options).expect("the arch takes a base");
    println!("flat base arch: gives {}", describe(&based.mesh));
    let (ours, _) = medians(9, || timed(&mut || drop(black_box(flat_base(arch, &options)))), || Duration::ZERO);
    println!(
        "flat base arch-{}k: {} triangles, 3 mm cut + 3 mm base, {:.1} ms",
        arch.triangle_count() / 1000,
        arch.triangle_count(),
        ms(ours)
    );
}

fn label_case(arch: &IndexedMesh) {
    let font_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/fonts/DejaVuSans-Bold.ttf");
    let font = std::fs::read(font_file).expect("the label font is in public/fonts");
    let base_options = BaseOptions { cut_height_mm: 3.0, ..BaseOptions::for_arch(Arch::Upper) };
    let based = flat_base(arch, &base_options).expect("the arch takes a base");
    let text = LabelOptions { letter_height_mm: 1.5, margin_mm: 0.3, ..LabelOptions::new(&font, "U07", based.bottom) };
    // Places round the centre of the largest tooth's face, nearest first, 0.25 mm apart.
    let mut offsets: Vec<[f32; 2]> =
        (-8..=8).flat_map(|i| (-8..=8).map(move |j| [0.25 * i as f32, 0.25 * j as f32])).collect();
    offsets.sort_by(|a, b| (a[0].hypot(a[1])).total_cmp(&b[0].hypot(b[1])));
    let options = offsets
        .into_iter()
        .map(|offset_mm| LabelOptions { offset_mm, ..text.clone() })
        .find(|options| label(&based.mesh, options).is_ok())
        .expect("the label fits somewhere near the largest tooth's centre");
    let labelled = label(&based.mesh, &options).expect("the label fits there");
    println!("label arch: {:?} mm offset gives {}", options.offset_mm, describe(&labelled.mesh));
    let (alone, _) = medians(9, || timed(&mut || drop(black_box(label(&based.mesh, &options)))), || Duration::ZERO);
    let (both, _) = medians(
        9,
        || {
            timed(&mut || {
                let based = flat_base(arch, &base_options).expect("the arch takes a base");
                drop(black_box(label(&based.mesh, &options)))
            })
        },
        || Duration::ZERO,
    );
    println!(
        "label arch-{}k: {} triangles, label {:.1} ms, flat base + label {:.1} ms",
        arch.triangle_count() / 1000,
        arch.triangle_count(),
        ms(alone),
        ms(both)
    );
}

fn hollow_case(arch: &IndexedMesh) {
    let base = BaseOptions { cut_height_mm: 5.0, ..BaseOptions::for_arch(Arch::Upper) };
    let based = flat_base(arch, &base).expect("the arch takes a base");
    let options = HollowOptions::new(based.bottom);
    let hollowed = hollow(&based.mesh, &options).expect("the arch can be hollowed");
    println!(
        "hollow arch: gives {}; {} drains, {} hollows left solid, {:.1}% less volume",
        describe(&hollowed.mesh),
        hollowed.drains.len(),
        hollowed.left_solid,
        hollowed.saved_percent()
    );
    let (ours, _) = medians(5, || timed(&mut || drop(black_box(hollow(&based.mesh, &options)))), || Duration::ZERO);
    println!(
        "hollow arch-{}k: {} triangles on its base, 2 mm wall, 3 mm drains, {} mm voxels, {:.1} ms",
        based.mesh.triangle_count() / 1000,
        based.mesh.triangle_count(),
        hollowed.voxel_mm,
        ms(ours)
    );
}

/// The proposal and the trim along it of `arch` (a lower arch's teeth point
/// +Y, an upper's −Y: the bench's arch is the upper one).
fn trim_case(arch: &IndexedMesh) {
    let up = Arch::Upper.occlusal_direction();
    let proposal = propose_trim_line(arch, up, 1.0).expect("the arch has a proposal");
    let trimmed = trim(arch, &TrimOptions::new(up, proposal.clone())).expect("the arch trims along its proposal");
    println!(
        "trim arch-{}k: {} proposed points, a line of {} samples, {} loops closed; gives {}",
        arch.triangle_count() / 1000,
        proposal.len(),
        trimmed.line.len(),
        trimmed.loops,
        describe(&trimmed.mesh)
    );
    let (propose, cut) = medians(
        7,
        || timed(&mut || drop(black_box(propose_trim_line(arch, up, 1.0)))),
        || timed(&mut || drop(black_box(trim(arch, &TrimOptions::new(up, proposal.clone()))))),
    );
    let (both, _) = medians(
        7,
        || {
            timed(&mut || {
                let line = propose_trim_line(arch, up, 1.0).expect("the arch has a proposal");
                drop(black_box(trim(arch, &TrimOptions::new(up, line))))
            })
        },
        || Duration::ZERO,
    );
    println!(
        "trim arch-{}k: {} triangles, proposal {:.1} ms, smoothing + cut + cap {:.1} ms, proposal + trim {:.1} ms",
        arch.triangle_count() / 1000,
        arch.triangle_count(),
        ms(propose),
        ms(cut),
        ms(both)
    );
}

/// The whole recipe — repair, trim along the proposal, flat base, label —
/// on `arch` through `prepare`, as the worker and the browser run it. The
/// label ("U07", 1.5 mm letters, embossed, no code) goes where it first fits
/// on the base under the trimmed crowns, found once beforehand.
fn recipe_case(arch: &IndexedMesh, font: &[u8]) {
    let part = Part { label_text: "U07".to_owned(), code: String::new(), ..Part::aligner("K7Q-4M2", Arch::Upper, 7) };
    let label_recipe = LabelRecipe {
        relief: Relief::Emboss,
        letter_height_mm: 1.5,
        depth_mm: 0.6,
        code: false,
        ..LabelRecipe::default()
    };
    // Cut 3 mm into the trimmed crowns, so the base runs under most teeth.
    let base = BaseRecipe { cut_height_mm: 3.0, ..BaseRecipe::default() };
    let trimmed =
        Recipe { trim: Some(TrimRecipe { offset_mm: 1.0 }), base: Some(base), label: None, ..Recipe::default() };
    // Places round the centre of the largest tooth's face, nearest first, 0.25 mm apart.
    let mut offsets: Vec<[f32; 2]> =
        (-8..=8).flat_map(|i| (-8..=8).map(move |j| [0.25 * i as f32, 0.25 * j as f32])).collect();
    offsets.sort_by(|a, b| (a[0].hypot(a[1])).total_cmp(&b[0].hypot(b[1])));
    let recipe = offsets
        .into_iter()
        .map(|offset_mm| Recipe { label: Some(LabelRecipe { offset_mm, ..label_recipe }), ..trimmed.clone() })
        .find(|recipe| prepare(arch, recipe, &part, font).is_ok())
        .unwrap_or_else(|| {
            let centred = Recipe { label: Some(label_recipe), ..trimmed.clone() };
            panic!("the label fits nowhere near the largest tooth's centre: {:?}", prepare(arch, &centred, &part, font))
        });
    let prepared = prepare(arch, &recipe, &part, font).expect("the recipe applies");
    println!(
        "recipe arch-{}k: label at {:?} mm; gives {}",
        arch.triangle_count() / 1000,
        recipe.label.map(|l| l.offset_mm),
        describe(&prepared.mesh)
    );
    let (whole, _) =
        medians(5, || timed(&mut || drop(black_box(prepare(arch, &recipe, &part, font)))), || Duration::ZERO);
    println!(
        "recipe arch-{}k: {} triangles, repair + trim + flat base + label {:.1} ms",
        arch.triangle_count() / 1000,
        arch.triangle_count(),
        ms(whole)
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the inputs are the other arguments.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let [python, script, union_script, arch, realistic, folder] = args.as_slice() else {
        panic!(
            "usage: prep PYTHON prep_trimesh.py union_manifold.py ARCH.stl REALISTIC_FOLDER FOLDER \
             (cargo xtask bench prep passes them)"
        );
    };
    cut_case(Path::new(python), Path::new(script), Path::new(folder));
    let realistic = Path::new(realistic);
    union_case(Path::new(python), Path::new(union_script), &realistic.join("upper_plan_shells.stl"));
    let arch = mesh_core::read(&std::fs::read(arch).expect("the arch is readable")).expect("the arch reads").mesh;
    hollow_case(&arch);
    trim_case(&arch);
    let font_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/fonts/DejaVuSans-Bold.ttf");
    let font = std::fs::read(font_file).expect("the label font is in public/fonts");
    recipe_case(&arch, &font);
    gum_recipe_case(realistic, &font);
    let arch = split_at_centroids(&arch);
    // The browser's half of the benchmark (`end2end/bench/prepare.mjs`) reads the same arch.
    let file = Path::new(folder).join("arch_256k_binary.stl");
    std::fs::write(&file, mesh_core::write_binary_stl(&arch)).expect("the arch file can be written");
    base_case(&arch);
    label_case(&arch);
    hollow_case(&arch);
    trim_case(&arch);
}
