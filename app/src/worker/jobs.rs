//! What the mesh worker does with a job: pure functions from a [`Job`] and
//! its parts to an [`Answer`] and its parts, with no JavaScript, so they
//! are tested natively (`cargo test -p trayforge-app`).

use std::io::Read;

use mesh_core::IndexedMesh;
use mesh_core::prepare::{Part, Recipe, Step};
use sha2::{Digest, Sha256};

use crate::protocol::{Answer, Job, ModelFacts, PartSpec, PreparedFacts, StepSaid, f32_bytes, f32s, u32s};

/// Does `job` on `parts`; a failure is an [`Answer::Failed`] saying why.
/// `now` is a clock in milliseconds (the worker's `Date.now`), for the
/// time a recipe takes.
pub(crate) fn run(job: &Job, parts: &[Vec<u8>], now: &dyn Fn() -> f64) -> (Answer, Vec<Vec<u8>>) {
    let result = match job {
        Job::ReadModel { name } => {
            one_part(parts, name).and_then(read_model).map(|facts| (Answer::Model(facts), vec![]))
        }
        Job::Unzip { name } => one_part(parts, name).and_then(|bytes| unzip(name, bytes)).map(|entries| {
            let (names, bytes) = entries.into_iter().unzip();
            (Answer::Unzipped { entries: names }, bytes)
        }),
        Job::SurfaceDistances => distances(parts),
        Job::Prepare { recipe, part } => prepare(recipe, part, parts, now),
    };
    result.unwrap_or_else(|message| (Answer::Failed { message }, vec![]))
}

fn one_part<'a>(parts: &'a [Vec<u8>], name: &str) -> Result<&'a [u8], String> {
    match parts {
        [bytes] => Ok(bytes),
        _ => Err(format!("the page sent {} parts for {name}, not one; reload the page", parts.len())),
    }
}

/// Reads and validates a model, and hashes its bytes.
fn read_model(bytes: &[u8]) -> Result<ModelFacts, String> {
    let outcome = mesh_core::read(bytes).map_err(|error| error.to_string())?;
    let report = mesh_core::validate(&outcome.mesh);
    Ok(ModelFacts {
        triangles: outcome.mesh.triangle_count(),
        vertices: outcome.mesh.vertex_count(),
        holes: report.boundary_loops.clone(),
        watertight: report.watertight,
        sha256: hex(&Sha256::digest(bytes)),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The files of a zip (folders left out), with their paths inside it.
fn unzip(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let unreadable =
        |e: zip::result::ZipError| format!("{name} is not a zip archive that can be read ({e}); export it again");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(unreadable)?;
        if entry.is_dir() {
            continue;
        }
        let path = entry.name().map_err(unreadable)?.into_owned();
        let mut content = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
        entry
            .read_to_end(&mut content)
            .map_err(|e| format!("{path} in {name} cannot be extracted ({e}); export the archive again"))?;
        entries.push((path, content));
    }
    Ok(entries)
}

/// Applies the recipe to the model in `parts[0]` with the font in `parts[1]`.
fn prepare(
    recipe: &Recipe,
    spec: &PartSpec,
    parts: &[Vec<u8>],
    now: &dyn Fn() -> f64,
) -> Result<(Answer, Vec<Vec<u8>>), String> {
    let started = now();
    let [model, font] = parts else {
        return Err(format!("the page sent {} parts for a recipe, not two; reload the page", parts.len()));
    };
    let arch = match spec.arch.as_str() {
        "upper" => mesh_core::Arch::Upper,
        "lower" => mesh_core::Arch::Lower,
        other => return Err(format!("{other:?} is not an arch (upper or lower); reload the page")),
    };
    let part =
        Part { trim_line: spec.trim_line.clone(), up: spec.up, ..Part::aligner(&spec.case_code, arch, spec.stage) };
    let read = mesh_core::read(model).map_err(|error| format!("the model cannot be read: {error}"))?;
    let prepared = match mesh_core::prepare::prepare(&read.mesh, recipe, &part, font) {
        Ok(prepared) => prepared,
        Err(error) => {
            let step = error.step().map(|step| step_key(step).to_owned());
            return Ok((Answer::NotPrepared { step, message: error.to_string() }, vec![]));
        }
    };
    let report = mesh_core::validate(&prepared.mesh);
    let stl = mesh_core::write_binary_stl(&prepared.mesh);
    let placed_trim_line = prepared.placed_trim_line();
    let facts = PreparedFacts {
        steps: prepared
            .steps
            .into_iter()
            .map(|(step, sentence)| StepSaid { step: step_key(step).to_owned(), sentence })
            .collect(),
        trim_line: prepared.trim_line,
        placed_trim_line,
        watertight: report.watertight,
        triangles: prepared.mesh.triangle_count(),
        sha256: hex(&Sha256::digest(&stl)),
        elapsed_ms: now() - started,
        up: prepared.frame.up,
        front: prepared.frame.front,
    };
    Ok((Answer::Prepared(facts), vec![stl]))
}

/// The key the page files a step's sentence and error under, beside its settings.
fn step_key(step: Step) -> &'static str {
    match step {
        Step::Frame => "frame",
        Step::Repair => "repair",
        Step::Unite => "unite",
        Step::Trim => "trim",
        Step::Base => "base",
        Step::Hollow => "hollow",
        Step::Label => "label",
        Step::Check => "check",
    }
}

fn distances(parts: &[Vec<u8>]) -> Result<(Answer, Vec<Vec<u8>>), String> {
    let [from_positions, from_triangles, to_positions, to_triangles] = parts else {
        return Err(format!("the page sent {} parts for a difference map, not four; reload the page", parts.len()));
    };
    let from = mesh(from_positions, from_triangles)?;
    let to = mesh(to_positions, to_triangles)?;
    let result = mesh_core::surface_distances(&from, &to).map_err(|error| error.to_string())?;
    Ok((Answer::Distances { max: result.max }, vec![f32_bytes(result.distances)]))
}

/// A mesh from the flat arrays the viewer keeps; indices must be in range.
fn mesh(positions: &[u8], triangles: &[u8]) -> Result<IndexedMesh, String> {
    let flat = f32s(positions).map_err(|e| e.to_string())?;
    let indices = u32s(triangles).map_err(|e| e.to_string())?;
    if !flat.len().is_multiple_of(3) || !indices.len().is_multiple_of(3) {
        return Err("a mesh sent for a difference map is not whole points and triangles; reload the page".into());
    }
    let positions: Vec<[f32; 3]> = flat.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
    if positions.iter().flatten().any(|c| !c.is_finite()) || indices.iter().any(|&i| i as usize >= positions.len()) {
        return Err(
            "a mesh sent for a difference map has a point that is not finite or an index past its points".into()
        );
    }
    let triangles = indices.chunks_exact(3).map(|t| [t[0], t[1], t[2]]).collect();
    Ok(IndexedMesh { positions, triangles })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Head, decode_head, encode_head, u32_bytes};

    fn corpus(relative: &str) -> Vec<u8> {
        let dir = std::env::var_os("TRAYFORGE_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            std::path::PathBuf::from,
        );
        let path = dir.join(relative);
        std::fs::read(&path).unwrap_or_else(|e| panic!("corpus file {}: {e}", path.display()))
    }

    /// The page's side and the worker's side of one exchange, through the
    /// same encoding the `postMessage` carries.
    fn exchange(job: Job, parts: Vec<Vec<u8>>) -> (Answer, Vec<Vec<u8>>) {
        let sent = encode_head(&Head { id: 7, body: job }).expect("a job encodes");
        let received: Head<Job> = decode_head(&sent).expect("the worker reads the job");
        assert_eq!(received.id, 7);
        let (answer, parts) = run(&received.body, &parts, &|| 0.0);
        let back = encode_head(&Head { id: received.id, body: answer }).expect("an answer encodes");
        let answer: Head<Answer> = decode_head(&back).expect("the page reads the answer");
        assert_eq!(answer.id, 7, "the answer names its request");
        (answer.body, parts)
    }

    fn cube() -> IndexedMesh {
        mesh_core::read(&corpus("synthetic/cube_binary.stl")).expect("the corpus cube reads").mesh
    }

    #[test]
    fn a_model_is_read_validated_and_hashed() {
        let bytes = corpus("synthetic/open_cube_missing_face.stl");
        let (answer, parts) = exchange(Job::ReadModel { name: "open.stl".into() }, vec![bytes.clone()]);
        let Answer::Model(facts) = answer else { panic!("not a model: {answer:?}") };
        assert_eq!(facts.triangles, 10);
        assert!(!facts.watertight);
        assert_eq!(facts.holes, vec![4], "one square hole");
        assert_eq!(facts.sha256, hex(&Sha256::digest(&bytes)));
        assert_eq!(facts.sha256.len(), 64);
        assert!(parts.is_empty());
    }

    #[test]
    fn an_unreadable_model_fails_with_the_readers_words() {
        let (answer, _) =
            exchange(Job::ReadModel { name: "t.stl".into() }, vec![corpus("synthetic/binary_truncated.stl")]);
        let Answer::Failed { message } = answer else { panic!("read a truncated file: {answer:?}") };
        assert!(message.contains("truncated"), "{message}");
    }

    #[test]
    fn a_zip_gives_its_files_with_their_paths_and_bytes() {
        let cube = corpus("synthetic/cube_binary.stl");
        let mut zipped = std::io::Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut zipped);
            let options = zip::write::SimpleFileOptions::default();
            writer.add_directory("plan/", options).expect("a folder");
            writer.start_file("plan/Upper_Step_01.stl", options).expect("an entry");
            std::io::Write::write_all(&mut writer, &cube).expect("written");
            writer.start_file("notes.txt", options).expect("an entry");
            std::io::Write::write_all(&mut writer, b"hello").expect("written");
            writer.finish().expect("finished");
        }
        let (answer, parts) = exchange(Job::Unzip { name: "plan.zip".into() }, vec![zipped.into_inner()]);
        assert_eq!(answer, Answer::Unzipped { entries: vec!["plan/Upper_Step_01.stl".into(), "notes.txt".into()] });
        assert_eq!(parts, vec![cube, b"hello".to_vec()]);
    }

    #[test]
    fn a_file_that_is_not_a_zip_says_so() {
        let (answer, parts) = exchange(Job::Unzip { name: "plan.zip".into() }, vec![b"not a zip".to_vec()]);
        let Answer::Failed { message } = answer else { panic!("unzipped garbage: {answer:?}") };
        assert!(message.starts_with("plan.zip is not a zip archive"), "{message}");
        assert!(parts.is_empty());
    }

    #[test]
    fn surface_distances_round_trip_through_the_protocol() {
        let to = cube();
        // The same cube moved 2 mm along x: every vertex is 2 mm from the
        // original surface or less, and those on the far face exactly 2.
        let from = IndexedMesh {
            positions: to.positions.iter().map(|&[x, y, z]| [x + 2.0, y, z]).collect(),
            triangles: to.triangles.clone(),
        };
        let flat = |m: &IndexedMesh| {
            (f32_bytes(m.positions.iter().flatten().copied()), u32_bytes(m.triangles.iter().flatten().copied()))
        };
        let (from_p, from_t) = flat(&from);
        let (to_p, to_t) = flat(&to);
        let (answer, parts) = exchange(Job::SurfaceDistances, vec![from_p, from_t, to_p, to_t]);
        let expected = mesh_core::surface_distances(&from, &to).expect("a cube has triangles");
        assert_eq!(answer, Answer::Distances { max: expected.max });
        assert_eq!(parts.len(), 1);
        let distances = f32s(&parts[0]).expect("whole f32s");
        assert_eq!(distances, expected.distances);
        assert_eq!(distances.len(), from.vertex_count());
        assert!(expected.max > 1.99 && expected.max < 2.01, "{}", expected.max);
    }

    #[test]
    fn a_difference_map_with_an_index_past_the_points_is_refused() {
        let parts = vec![f32_bytes([0.0; 9]), u32_bytes([0, 1, 5]), f32_bytes([0.0; 9]), u32_bytes([0, 1, 2])];
        let (answer, _) = exchange(Job::SurfaceDistances, parts);
        assert!(matches!(answer, Answer::Failed { ref message } if message.contains("index past")), "{answer:?}");
    }

    fn font() -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/fonts/DejaVuSans-Bold.ttf");
        std::fs::read(&path).unwrap_or_else(|e| panic!("the label font {}: {e}", path.display()))
    }

    fn lower_arch_part() -> PartSpec {
        PartSpec { case_code: "K7Q-4M2".into(), arch: "lower".into(), stage: 7, trim_line: None, up: None }
    }

    #[test]
    fn a_recipe_gives_the_prepared_model_as_stl_with_what_each_step_did() {
        let recipe = Recipe { label: None, ..Recipe::default() };
        let model = corpus("public/dental/ref_lower_tag0.stl");
        let ticks = std::cell::Cell::new(0.0);
        let clock = || {
            ticks.set(ticks.get() + 40.0);
            ticks.get()
        };
        let sent =
            encode_head(&Head { id: 3, body: Job::Prepare { recipe, part: lower_arch_part() } }).expect("encodes");
        let received: Head<Job> = decode_head(&sent).expect("the worker reads the recipe");
        let (answer, parts) = run(&received.body, &[model, Vec::new()], &clock);
        let Answer::Prepared(facts) = answer else { panic!("not prepared: {answer:?}") };
        let steps: Vec<&str> = facts.steps.iter().map(|said| said.step.as_str()).collect();
        assert_eq!(steps, ["frame", "repair", "unite", "base", "check"]);
        assert!(facts.steps[3].sentence.contains("3 mm plate"), "{:?}", facts.steps);
        assert!(facts.up[1] > 0.95, "a lower arch's teeth point along +Y: {:?}", facts.up);
        assert_eq!(facts.elapsed_ms, 40.0, "one tick between the start and the end");
        let [stl] = parts.as_slice() else { panic!("{} parts", parts.len()) };
        let back = mesh_core::read(stl).expect("the prepared STL reads back");
        assert_eq!(back.mesh.triangle_count(), facts.triangles);
        assert_eq!(facts.sha256, hex(&Sha256::digest(stl)));
        assert!(facts.watertight);
        assert!(mesh_core::validate(&back.mesh).watertight, "watertight as written");
    }

    #[test]
    fn letters_too_large_are_refused_by_the_label_step_with_no_model() {
        let huge = Recipe {
            label: Some(mesh_core::prepare::LabelRecipe {
                letter_height_mm: 40.0,
                ..mesh_core::prepare::LabelRecipe::default()
            }),
            ..Recipe::default()
        };
        let (answer, parts) = exchange(
            Job::Prepare { recipe: huge, part: lower_arch_part() },
            vec![corpus("public/dental/ref_lower_tag0.stl"), font()],
        );
        let Answer::NotPrepared { step, message } = answer else { panic!("prepared anyway: {answer:?}") };
        assert_eq!(step.as_deref(), Some("label"));
        assert!(message.starts_with("label: "), "{message}");
        assert!(parts.is_empty());
    }

    #[test]
    fn a_model_that_cannot_be_read_fails_before_any_step() {
        let (answer, _) = exchange(
            Job::Prepare { recipe: Recipe::default(), part: lower_arch_part() },
            vec![corpus("synthetic/binary_truncated.stl"), font()],
        );
        let Answer::Failed { message } = answer else { panic!("{answer:?}") };
        assert!(message.starts_with("the model cannot be read: ") && message.contains("truncated"), "{message}");
    }
}
