//! Writers: what is written reads back as the same mesh.

use mesh_core::{SourceFormat, read, write_ascii_stl, write_binary_stl};

use crate::corpus::corpus_dir;

fn dental_arch() -> mesh_core::IndexedMesh {
    let bytes = std::fs::read(corpus_dir().join("public/dental/ref_lower_tag0.stl")).unwrap();
    read(&bytes).unwrap().mesh
}

#[test]
fn binary_round_trip_gives_the_same_mesh() {
    let mesh = dental_arch();
    let outcome = read(&write_binary_stl(&mesh)).unwrap();
    assert_eq!(outcome.format, SourceFormat::BinaryStl);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(outcome.mesh, mesh);
}

#[test]
fn ascii_round_trip_gives_the_same_mesh() {
    let mesh = dental_arch();
    let outcome = read(write_ascii_stl(&mesh, "K7Q-4M2 L07").as_bytes()).unwrap();
    assert_eq!(outcome.format, SourceFormat::AsciiStl);
    assert_eq!(outcome.mesh, mesh);
}

#[test]
fn the_source_header_is_never_copied() {
    let mut bytes = std::fs::read(corpus_dir().join("synthetic/cube_binary.stl")).unwrap();
    bytes[..20].copy_from_slice(b"Patient: Jane Doe 01");
    let written = write_binary_stl(&read(&bytes).unwrap().mesh);
    assert!(written.starts_with(b"Trayforge binary STL"));
    assert!(!written.windows(8).any(|w| w == b"Jane Doe"));
}
