//! PLY reading: the corpus's dental arch converted to every PLY encoding,
//! hand-written files for what exporters vary, exact error messages, and
//! every prefix of small files.

use expect_test::{Expect, expect};
use mesh_core::{IndexedMesh, ReadWarning, SourceFormat, read};

use crate::corpus::corpus_dir;

#[derive(Debug, Clone, Copy)]
enum Encoding {
    Ascii,
    LittleEndian,
    BigEndian,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Ascii => "ascii",
            Encoding::LittleEndian => "binary_little_endian",
            Encoding::BigEndian => "binary_big_endian",
        }
    }
}

/// A value of a binary PLY body, by its PLY type.
#[derive(Debug, Clone, Copy)]
enum V {
    Uchar(u8),
    Short(i16),
    Int(i32),
    Uint(u32),
    Float(f32),
    Double(f64),
}

/// The bytes of `values` in the byte order of `encoding` (binary only).
fn body(encoding: Encoding, values: &[V]) -> Vec<u8> {
    let big = matches!(encoding, Encoding::BigEndian);
    let mut bytes = Vec::new();
    for value in values {
        match *value {
            V::Uchar(v) => bytes.push(v),
            V::Short(v) => bytes.extend(if big { v.to_be_bytes() } else { v.to_le_bytes() }),
            V::Int(v) => bytes.extend(if big { v.to_be_bytes() } else { v.to_le_bytes() }),
            V::Uint(v) => bytes.extend(if big { v.to_be_bytes() } else { v.to_le_bytes() }),
            V::Float(v) => bytes.extend(if big { v.to_be_bytes() } else { v.to_le_bytes() }),
            V::Double(v) => bytes.extend(if big { v.to_be_bytes() } else { v.to_le_bytes() }),
        }
    }
    bytes
}

/// A binary PLY: `format` line added after `ply`, then the header lines and the values.
fn binary_ply(encoding: Encoding, header: &str, values: &[V]) -> Vec<u8> {
    let mut bytes = format!("ply\nformat {} 1.0\n{header}end_header\n", encoding.name()).into_bytes();
    bytes.extend(body(encoding, values));
    bytes
}

/// The mesh as PLY with float coordinates and `uchar int` index lists.
fn ply_of(mesh: &IndexedMesh, encoding: Encoding) -> Vec<u8> {
    let header = format!(
        "ply\nformat {} 1.0\ncomment converted from STL\nelement vertex {}\nproperty float x\nproperty float y\nproperty float z\n\
         element face {}\nproperty list uchar int vertex_indices\nend_header\n",
        encoding.name(),
        mesh.positions.len(),
        mesh.triangles.len()
    );
    let mut bytes = header.into_bytes();
    match encoding {
        Encoding::Ascii => {
            use std::fmt::Write;
            let mut text = String::new();
            for [x, y, z] in &mesh.positions {
                writeln!(text, "{x} {y} {z}").unwrap();
            }
            for [a, b, c] in &mesh.triangles {
                writeln!(text, "3 {a} {b} {c}").unwrap();
            }
            bytes.extend(text.into_bytes());
        }
        _ => {
            let vertices = mesh.positions.iter().flatten().map(|&c| V::Float(c));
            let faces = mesh
                .triangles
                .iter()
                .flat_map(|t| [V::Uchar(3)].into_iter().chain(t.iter().map(|&i| V::Int(i32::try_from(i).unwrap()))));
            bytes.extend(body(encoding, &vertices.chain(faces).collect::<Vec<_>>()));
        }
    }
    bytes
}

fn arch() -> IndexedMesh {
    let bytes = std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap();
    read(&bytes).unwrap().mesh
}

fn check_error(bytes: &[u8], expected: Expect) {
    expected.assert_eq(&read(bytes).expect_err("the input is malformed").to_string());
}

#[test]
fn the_dental_arch_reads_the_same_from_ascii_and_both_binary_byte_orders() {
    let stl = arch();
    assert!(stl.triangle_count() > 50_000, "the arch has {} triangles", stl.triangle_count());
    for encoding in [Encoding::Ascii, Encoding::LittleEndian, Encoding::BigEndian] {
        let outcome = read(&ply_of(&stl, encoding)).unwrap();
        assert_eq!(outcome.format, SourceFormat::Ply, "{encoding:?}");
        assert_eq!(outcome.mesh, stl, "{encoding:?}: same vertices in the same order, same triangles");
        assert_eq!(outcome.colors, None);
        assert_eq!(outcome.warnings, vec![], "{encoding:?}");
        assert_eq!(outcome.bodies.len(), 1);
    }
}

#[test]
fn a_triangle_soup_ply_is_welded_into_the_stl_mesh() {
    let stl = arch();
    // Every triangle with its own three vertices, as some exporters split at normal seams.
    let soup = IndexedMesh {
        positions: stl.triangles.iter().flat_map(|t| t.map(|i| stl.positions[i as usize])).collect(),
        triangles: (0..stl.triangle_count() as u32).map(|t| [3 * t, 3 * t + 1, 3 * t + 2]).collect(),
    };
    let outcome = read(&ply_of(&soup, Encoding::LittleEndian)).unwrap();
    assert_eq!(outcome.mesh, stl);
}

#[test]
fn a_quad_becomes_two_triangles_fanned_from_its_first_corner() {
    let text = b"ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n\
element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3\n";
    let mesh = read(text).unwrap().mesh;
    assert_eq!(mesh.triangles, vec![[0, 1, 2], [0, 2, 3]]);
    assert_eq!(mesh.positions[2], [1.0, 1.0, 0.0]);
}

#[test]
fn normals_colours_confidence_double_coordinates_and_int_lists_are_stepped_over_or_used() {
    let header = "element vertex 3\nproperty double x\nproperty float nx\nproperty double y\nproperty float ny\n\
property double z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nproperty uchar alpha\nproperty float confidence\n\
element face 1\nproperty list int uint vertex_index\n";
    let vertex = |x: f64, y: f64, z: f64, rgb: [u8; 3]| {
        let [r, g, b] = rgb;
        [
            V::Double(x),
            V::Float(0.0),
            V::Double(y),
            V::Float(1.0),
            V::Double(z),
            V::Uchar(r),
            V::Uchar(g),
            V::Uchar(b),
            V::Uchar(255),
            V::Float(0.5),
        ]
    };
    let mut values: Vec<V> = Vec::new();
    values.extend(vertex(0.0, 0.0, 0.25, [255, 0, 0]));
    values.extend(vertex(1.5, 0.0, 0.25, [0, 255, 0]));
    values.extend(vertex(0.0, -2.0, 0.25, [0, 0, 255]));
    values.extend([V::Int(3), V::Uint(0), V::Uint(1), V::Uint(2)]);
    for encoding in [Encoding::LittleEndian, Encoding::BigEndian] {
        let outcome = read(&binary_ply(encoding, header, &values)).unwrap();
        assert_eq!(outcome.mesh.positions, vec![[0.0, 0.0, 0.25], [1.5, 0.0, 0.25], [0.0, -2.0, 0.25]]);
        assert_eq!(outcome.mesh.triangles, vec![[0, 1, 2]]);
        // No face colour: the average of the corners, rounded.
        assert_eq!(outcome.colors, Some(vec![[85, 85, 85]]));
    }
}

#[test]
fn edge_and_material_elements_are_skipped_in_binary_and_ascii() {
    let header = "element vertex 3\nproperty float x\nproperty float y\nproperty float z\n\
element edge 2\nproperty int vertex1\nproperty int vertex2\nproperty list uchar short crease\n\
element material 1\nproperty uchar ambient_red\nproperty float shininess\n\
element face 1\nproperty list uchar int vertex_indices\nelement trailer 2\nproperty short tag\n";
    let values = [
        V::Float(0.0),
        V::Float(0.0),
        V::Float(0.0),
        V::Float(1.0),
        V::Float(0.0),
        V::Float(0.0),
        V::Float(0.0),
        V::Float(1.0),
        V::Float(0.0),
        // Two edges, the second with a list of two.
        V::Int(0),
        V::Int(1),
        V::Uchar(0),
        V::Int(1),
        V::Int(2),
        V::Uchar(2),
        V::Short(7),
        V::Short(8),
        // One material.
        V::Uchar(10),
        V::Float(0.5),
        V::Uchar(3),
        V::Int(2),
        V::Int(1),
        V::Int(0),
        V::Short(1),
        V::Short(2),
    ];
    let expected = vec![[2, 1, 0]];
    for encoding in [Encoding::LittleEndian, Encoding::BigEndian] {
        let outcome = read(&binary_ply(encoding, header, &values)).unwrap();
        assert_eq!(outcome.mesh.triangles, expected, "{encoding:?}");
        assert_eq!(outcome.warnings, vec![], "{encoding:?}");
    }
    let text = format!(
        "ply\nformat ascii 1.0\n{header}end_header\n0 0 0\n1 0 0\n0 1 0\n0 1 0\n1 2 2 7 8\n10 0.5\n3 2 1 0\n1\n2\n"
    );
    let outcome = read(text.as_bytes()).unwrap();
    assert_eq!(outcome.mesh.triangles, expected);
    assert_eq!(outcome.mesh.positions[1], [1.0, 0.0, 0.0]);
    assert_eq!(outcome.warnings, vec![]);
}

#[test]
fn face_colours_win_over_vertex_colours_and_follow_the_fan() {
    let text = b"ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n\
property uchar red\nproperty uchar green\nproperty uchar blue\n\
element face 2\nproperty list uchar int vertex_indices\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n\
end_header\n0 0 0 9 9 9\n1 0 0 9 9 9\n1 1 0 9 9 9\n0 1 0 9 9 9\n4 0 1 2 3 200 100 50\n3 0 2 1 1 2 3\n";
    let outcome = read(text).unwrap();
    assert_eq!(outcome.mesh.triangle_count(), 3);
    assert_eq!(outcome.colors, Some(vec![[200, 100, 50], [200, 100, 50], [1, 2, 3]]));
}

#[test]
fn float_vertex_colours_are_scaled_from_zero_to_one() {
    let text = b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n\
property float red\nproperty float green\nproperty float blue\nelement face 1\nproperty list uchar int vertex_indices\n\
end_header\n0 0 0 1 0 0.5\n1 0 0 1 0 0.5\n0 1 0 1 0 0.5\n3 0 1 2\n";
    assert_eq!(read(text).unwrap().colors, Some(vec![[255, 0, 128]]));
}

#[test]
fn a_crlf_header_reads_in_ascii_and_binary() {
    let ascii = b"ply\r\nformat ascii 1.0\r\ncomment made on Windows\r\nelement vertex 3\r\nproperty float x\r\nproperty float y\r\n\
property float z\r\nelement face 1\r\nproperty list uchar int vertex_indices\r\nend_header\r\n0 0 0\r\n1 0 0\r\n0 1 0\r\n3 0 1 2\r\n";
    let outcome = read(ascii).unwrap();
    assert_eq!(outcome.format, SourceFormat::Ply);
    assert_eq!(outcome.mesh.triangles, vec![[0, 1, 2]]);

    let mut binary =
        b"ply\r\nformat binary_little_endian 1.0\r\nelement vertex 3\r\nproperty float x\r\nproperty float y\r\n\
property float z\r\nelement face 1\r\nproperty list uchar int vertex_indices\r\nend_header\r\n"
            .to_vec();
    let values = [0.0f32, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0].map(V::Float);
    binary.extend(body(Encoding::LittleEndian, &values));
    binary.extend(body(Encoding::LittleEndian, &[V::Uchar(3), V::Int(0), V::Int(1), V::Int(2)]));
    let outcome = read(&binary).unwrap();
    assert_eq!(outcome.mesh.positions, vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
    assert_eq!(outcome.mesh.triangles, vec![[0, 1, 2]]);
}

#[test]
fn faces_with_fewer_than_three_corners_are_skipped_with_a_warning() {
    let text = b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n\
element face 3\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n2 0 1\n3 0 1 2\n0\n";
    let outcome = read(text).unwrap();
    assert_eq!(outcome.mesh.triangles, vec![[0, 1, 2]]);
    assert_eq!(outcome.warnings, vec![ReadWarning::ShortFacesSkipped { count: 2 }]);
    expect!["2 PLY faces with fewer than three vertices were skipped"].assert_eq(&outcome.warnings[0].to_string());
}

#[test]
fn a_point_cloud_reads_as_vertices_without_triangles() {
    let text = b"ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\n\
end_header\n0 0 0\n1 2 3\n";
    let outcome = read(text).unwrap();
    assert_eq!(outcome.mesh.vertex_count(), 2);
    assert_eq!(outcome.warnings, vec![ReadWarning::NoTriangles]);
}

const TRIANGLE_HEADER: &str = "element vertex 3\nproperty float x\nproperty float y\nproperty float z\n\
element face 1\nproperty list uchar int vertex_indices\n";

fn triangle_values() -> Vec<V> {
    let mut values = [0.0f32, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0].map(V::Float).to_vec();
    values.extend([V::Uchar(3), V::Int(0), V::Int(1), V::Int(2)]);
    values
}

#[test]
fn truncated_binary_names_the_element_and_both_counts() {
    let header = "element vertex 4\nproperty float x\nproperty float y\nproperty float z\n\
element face 120000\nproperty list uchar int vertex_indices\n";
    let mut values = [0.0f32; 12].map(V::Float).to_vec();
    for _ in 0..81_233 {
        values.extend([V::Uchar(3), V::Int(0), V::Int(1), V::Int(2)]);
    }
    // Half of the next face.
    values.extend([V::Uchar(3), V::Int(0)]);
    check_error(
        &binary_ply(Encoding::LittleEndian, header, &values),
        expect!["PLY declares 120000 faces but the file ends after 81233; the file is truncated — export it again"],
    );
    let bytes = binary_ply(Encoding::BigEndian, TRIANGLE_HEADER, &triangle_values());
    check_error(
        &bytes[..bytes.len() - 30],
        expect!["PLY declares 3 vertices but the file ends after 1; the file is truncated — export it again"],
    );
}

#[test]
fn truncated_ascii_names_the_element_and_both_counts() {
    let text = b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n\
element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1";
    check_error(
        text,
        expect!["PLY declares 3 vertices but the file ends after 2; the file is truncated — export it again"],
    );
}

#[test]
fn an_index_past_the_vertices_names_the_face_and_the_index() {
    let mut values = triangle_values();
    values.extend([V::Uchar(3), V::Int(2), V::Int(1), V::Int(3)]);
    let header = TRIANGLE_HEADER.replace("face 1", "face 2");
    check_error(
        &binary_ply(Encoding::LittleEndian, &header, &values),
        expect![
            "PLY face 1 (counting from 0) refers to vertex 3, but the file has only 3 vertices, counted from 0; the file is damaged — export it again"
        ],
    );
    let text = format!("ply\nformat ascii 1.0\n{TRIANGLE_HEADER}end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 -1 2\n");
    check_error(
        text.as_bytes(),
        expect![
            "PLY face 0 (counting from 0) refers to vertex -1, but the file has only 3 vertices, counted from 0; the file is damaged — export it again"
        ],
    );
}

#[test]
fn a_bad_ascii_number_names_line_and_column() {
    let text = format!("ply\nformat ascii 1.0\n{TRIANGLE_HEADER}end_header\n0 0 0\n1 0 0\n0 1,5 0\n3 0 1 2\n");
    check_error(
        text.as_bytes(),
        expect!["ASCII PLY, line 12, column 3: `1,5` is not a number; fix or export the file again"],
    );
    let text = format!("ply\nformat ascii 1.0\n{TRIANGLE_HEADER}end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2.0\n");
    check_error(
        text.as_bytes(),
        expect!["ASCII PLY, line 13, column 7: `2.0` is not a whole number; fix or export the file again"],
    );
}

#[test]
fn a_non_finite_coordinate_names_the_vertex() {
    let text = format!("ply\nformat ascii 1.0\n{TRIANGLE_HEADER}end_header\n0 0 0\n1 nan 0\n0 1 0\n3 0 1 2\n");
    check_error(
        text.as_bytes(),
        expect![
            "vertex 1 (counting from 0) has a coordinate that is not a finite number (NaN, infinity, or beyond single precision); the exporter wrote a broken model — export it again"
        ],
    );
    // A double beyond single precision is as unusable.
    let header = TRIANGLE_HEADER.replace("float z", "double z");
    let mut values = Vec::new();
    for z in [0.0, 0.0, 1e300] {
        values.extend([V::Float(0.0), V::Float(0.0), V::Double(z)]);
    }
    values.extend([V::Uchar(3), V::Int(0), V::Int(1), V::Int(2)]);
    check_error(
        &binary_ply(Encoding::LittleEndian, &header, &values),
        expect![
            "vertex 2 (counting from 0) has a coordinate that is not a finite number (NaN, infinity, or beyond single precision); the exporter wrote a broken model — export it again"
        ],
    );
}

#[test]
fn header_problems_say_what_is_wrong() {
    check_error(
        b"ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\n",
        expect!["the PLY header has no `end_header` line; the file is truncated or damaged — export it again"],
    );
    check_error(
        b"ply\nformat binary_middle_endian 1.0\nend_header\n",
        expect![
            "PLY format `binary_middle_endian` is not one Trayforge reads (ascii, binary_little_endian or binary_big_endian); export the model again as binary PLY or STL"
        ],
    );
    check_error(
        b"ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nend_header\n0 0\n",
        expect![
            "the PLY vertices have no `z` property, so their positions are unknown; export the model again with vertex positions"
        ],
    );
    check_error(
        b"ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nelement face 0\nproperty int vertex_indices\nend_header\n",
        expect!["the PLY faces have no `vertex_indices` list; export the model again as a triangle mesh"],
    );
    check_error(
        b"ply\nformat ascii 1.0\nelement vertex 1\nproperty float64 x\nproperty fixed16 y\nend_header\n",
        expect!["PLY header, line 5: `fixed16` is not a PLY property type; fix or export the file again"],
    );
    check_error(
        b"ply\nelement vertex 1\nend_header\n",
        expect!["PLY header, line 3: the header has no `format` line; fix or export the file again"],
    );
    check_error(
        b"ply\nformat ascii 1.0\nelement vertex many\nend_header\n",
        expect!["PLY header, line 3: `many` is not an element count; fix or export the file again"],
    );
}

#[test]
fn a_negative_list_length_is_an_error() {
    let header = TRIANGLE_HEADER.replace("list uchar int", "list int int");
    let mut values = triangle_values();
    values[9] = V::Int(-3);
    check_error(
        &binary_ply(Encoding::LittleEndian, &header, &values),
        expect!["PLY face 0 (counting from 0) has a list of -3 values; the file is damaged — export it again"],
    );
}

#[test]
fn bytes_after_the_last_element_are_a_warning() {
    let mut bytes = binary_ply(Encoding::LittleEndian, TRIANGLE_HEADER, &triangle_values());
    bytes.extend([0, 0, 0]);
    let outcome = read(&bytes).unwrap();
    assert_eq!(outcome.mesh.triangles, vec![[0, 1, 2]]);
    assert_eq!(outcome.warnings, vec![ReadWarning::TrailingBytes { count: 3 }]);
}

#[test]
fn a_header_declaring_billions_fails_as_truncated_without_reserving_for_them() {
    let header = "element vertex 4000000000\nproperty float x\nproperty float y\nproperty float z\n\
element face 4000000000\nproperty list uint uint vertex_indices\nelement edge 18446744073709551615\nproperty list uint uchar crease\n";
    check_error(
        &binary_ply(Encoding::LittleEndian, header, &[V::Float(1.0); 6]),
        expect!["PLY declares 4000000000 vertices but the file ends after 2; the file is truncated — export it again"],
    );
    let header = "element vertex 3\nproperty float x\nproperty float y\nproperty float z\n\
element face 4000000000\nproperty list uint uint vertex_indices\n";
    let mut values = [0.0f32; 9].map(V::Float).to_vec();
    values.extend([V::Uint(4_000_000_000), V::Uint(0)]);
    check_error(
        &binary_ply(Encoding::LittleEndian, header, &values),
        expect!["PLY declares 4000000000 faces but the file ends after 0; the file is truncated — export it again"],
    );
}

/// Every prefix and some byte flips of `bytes` read as a mesh or an error, never a panic.
fn read_every_prefix_and_flip(bytes: &[u8]) -> usize {
    let mut errors = 0;
    for len in 0..=bytes.len() {
        errors += usize::from(read(&bytes[..len]).is_err());
    }
    for at in 0..bytes.len() {
        for flip in [0x01, 0x10, 0x80, 0xFF] {
            let mut flipped = bytes.to_vec();
            flipped[at] ^= flip;
            errors += usize::from(read(&flipped).is_err());
        }
    }
    errors
}

#[test]
fn every_prefix_and_byte_flip_of_small_plys_reads_or_fails_without_panicking() {
    let header = "element vertex 4\nproperty double x\nproperty float y\nproperty float z\nproperty uchar red\n\
property uchar green\nproperty uchar blue\nelement edge 1\nproperty list uchar int ends\n\
element face 2\nproperty list uchar int vertex_indices\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n";
    let mut values = Vec::new();
    for (i, [x, y, z]) in [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0]].into_iter().enumerate() {
        values.extend([
            V::Double(x),
            V::Float(y as f32),
            V::Float(z as f32),
            V::Uchar(i as u8),
            V::Uchar(1),
            V::Uchar(2),
        ]);
    }
    values.extend([V::Uchar(2), V::Int(0), V::Int(1)]);
    values.extend([V::Uchar(4), V::Int(0), V::Int(1), V::Int(2), V::Int(3), V::Uchar(9), V::Uchar(9), V::Uchar(9)]);
    values.extend([V::Uchar(3), V::Int(0), V::Int(2), V::Int(1), V::Uchar(9), V::Uchar(9), V::Uchar(9)]);
    let binary = binary_ply(Encoding::BigEndian, header, &values);
    assert_eq!(read(&binary).unwrap().mesh.triangle_count(), 3);
    // Most prefixes end inside the header or the body: errors, not panics.
    assert!(read_every_prefix_and_flip(&binary) > binary.len());

    let ascii = format!(
        "ply\r\nformat ascii 1.0\r\n{}end_header\r\n0 0 0 0 1 2\n1 0 0 1 1 2\n1 1 0 2 1 2\n0 1 0 3 1 2\n2 0 1\n4 0 1 2 3 9 9 9\n3 0 2 1 9 9 9\n",
        header.replace('\n', "\r\n")
    );
    assert_eq!(read(ascii.as_bytes()).unwrap().mesh.triangle_count(), 3);
    assert!(read_every_prefix_and_flip(ascii.as_bytes()) > ascii.len() / 2);
}
