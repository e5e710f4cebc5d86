//! `cargo xtask bench mesh`: our readers against stl_io 0.11 (the anchor),
//! same inputs, same process, one line per case ending in `ratio=`.
//!
//! `ratio` is ours ÷ anchor in throughput (anchor time ÷ our time): above 1
//! means we are faster. Each figure is the median of several runs after a
//! warm-up. The inputs are passed as arguments: the 400k-triangle torus as
//! binary and ASCII STL (made by the corpus's `make_synthetic.py --large`)
//! and the real dental arch.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::hint::black_box;
use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use support::{medians, ms, timed};

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

/// Ours and stl_io's read + index of the same bytes; both must agree on the counts.
fn read_case(name: &str, path: &Path, runs: usize) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let ours = mesh_core::read(&bytes).expect("our reader reads the input");
    let anchor = stl_io::read_stl(&mut Cursor::new(&bytes)).expect("stl_io reads the input");
    assert_eq!(ours.mesh.triangle_count(), anchor.faces.len(), "{name}: triangle counts differ");
    assert_eq!(ours.mesh.vertex_count(), anchor.vertices.len(), "{name}: vertex counts differ");

    let (ours, anchor) = medians(
        runs,
        || timed(&mut || drop(black_box(mesh_core::read(black_box(&bytes)).ok()))),
        || timed(&mut || drop(black_box(stl_io::read_stl(&mut Cursor::new(black_box(&bytes))).ok()))),
    );
    println!(
        "{name}: {} MB, ours {:.1} ms ({:.0} MB/s), stl_io {:.1} ms ({:.0} MB/s) ratio={:.2}",
        bytes.len() / 1_000_000,
        ms(ours),
        mb_per_s(bytes.len(), ours),
        ms(anchor),
        mb_per_s(bytes.len(), anchor),
        anchor.as_secs_f64() / ours.as_secs_f64(),
    );
}

/// The validation report of the mesh in `path`, against stl_io's read of it as a scale.
fn validate_case(name: &str, path: &Path, runs: usize) {
    let bytes = std::fs::read(path).expect("the input is readable");
    let mesh = mesh_core::read(&bytes).expect("our reader reads the input").mesh;
    let (ours, anchor) = medians(
        runs,
        || timed(&mut || drop(black_box(mesh_core::validate(black_box(&mesh))))),
        || timed(&mut || drop(black_box(stl_io::read_stl(&mut Cursor::new(black_box(&bytes))).ok()))),
    );
    println!(
        "{name}: {} triangles, validation report {:.1} ms (target ≤ 40 ms), stl_io read {:.1} ms ratio={:.2}",
        mesh.triangle_count(),
        ms(ours),
        ms(anchor),
        anchor.as_secs_f64() / ours.as_secs_f64(),
    );
}

/// Our binary STL writer against stl_io's on the same mesh.
fn write_case(name: &str, path: &Path, runs: usize) {
    let bytes = std::fs::read(path).expect("the input is readable");
    let mesh = mesh_core::read(&bytes).expect("our reader reads the input").mesh;
    let triangles: Vec<stl_io::Triangle> = mesh
        .triangles
        .iter()
        .map(|t| {
            let [a, b, c] = t.map(|i| stl_io::Vertex::new(mesh.positions[i as usize]));
            stl_io::Triangle { normal: stl_io::Normal::new([0.0; 3]), vertices: [a, b, c] }
        })
        .collect();
    let (ours, anchor) = medians(
        runs,
        || timed(&mut || drop(black_box(mesh_core::write_binary_stl(black_box(&mesh))))),
        || {
            timed(&mut || {
                let mut out = Vec::with_capacity(bytes.len());
                stl_io::write_stl(&mut out, black_box(triangles.iter())).expect("writing to memory works");
                black_box(out);
            })
        },
    );
    println!(
        "{name}: ours {:.1} ms ({:.0} MB/s), stl_io {:.1} ms ({:.0} MB/s) ratio={:.2}",
        ms(ours),
        mb_per_s(bytes.len(), ours),
        ms(anchor),
        mb_per_s(bytes.len(), anchor),
        anchor.as_secs_f64() / ours.as_secs_f64(),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the inputs are the other arguments.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let [torus_binary, torus_ascii, arch] = args.as_slice() else {
        panic!("usage: mesh TORUS_BINARY.stl TORUS_ASCII.stl ARCH.stl (cargo xtask bench mesh passes them)");
    };
    let (torus_binary, torus_ascii, arch) = (Path::new(torus_binary), Path::new(torus_ascii), Path::new(arch));
    read_case("read binary torus-400k", torus_binary, 9);
    read_case("read binary dental-arch", arch, 15);
    read_case("read ascii torus-400k", torus_ascii, 5);
    validate_case("validate torus-400k", torus_binary, 9);
    write_case("write binary torus-400k", torus_binary, 9);
}
