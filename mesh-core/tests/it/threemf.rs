//! 3MF: our packages read back exactly, by our reader and by the `threemf`
//! crate; transforms, units and components are applied; malformed packages
//! are errors that name the part, line and column, never panics.

use std::io::{Cursor, Read, Write};

use expect_test::expect;
use mesh_core::{IndexedMesh, ReadError, SourceFormat, ThreeMfObject, ThreeMfWriteError, read, validate, write_3mf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::corpus::corpus_dir;
use crate::solids::cube_at;

const CORE: &str = "http://schemas.microsoft.com/3dmanufacturing/core/2015/02";

fn arch() -> IndexedMesh {
    let bytes = std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap();
    read(&bytes).unwrap().mesh
}

/// A 10 mm cube with its low corner at `origin`, faces outward.
fn cube(origin: [f32; 3]) -> IndexedMesh {
    cube_at(origin, 10.0)
}

fn part_text(package: &[u8], name: &str) -> String {
    let mut archive = ZipArchive::new(Cursor::new(package)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// A ZIP holding the given parts, deflated.
fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(*name, SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A 3MF package whose model part is `model`.
fn package_with_model(model: &str) -> Vec<u8> {
    zip_of(&[("3D/3dmodel.model", model)])
}

/// A model in `unit` with `resources` and `build` as given.
fn model(unit: &str, resources: &str, build: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<model unit=\"{unit}\" xmlns=\"{CORE}\">\n<resources>\n{resources}\n</resources>\n<build>\n{build}\n</build>\n</model>\n"
    )
}

/// Object `id`: one triangle, (0,0,0) (1,0,0) (0,1,0).
fn triangle_object(id: u32) -> String {
    format!(
        "<object id=\"{id}\" type=\"model\"><mesh><vertices>\n<vertex x=\"0\" y=\"0\" z=\"0\"/>\n<vertex x=\"1\" y=\"0\" z=\"0\"/>\n<vertex x=\"0\" y=\"1\" z=\"0\"/>\n</vertices><triangles>\n<triangle v1=\"0\" v2=\"1\" v3=\"2\"/>\n</triangles></mesh></object>"
    )
}

fn error_of(bytes: &[u8]) -> String {
    read(bytes).expect_err("the package is malformed").to_string()
}

#[test]
fn the_dental_arch_reads_back_bit_for_bit() {
    let arch = arch();
    assert!(arch.triangle_count() > 80_000);
    let package = write_3mf(&[ThreeMfObject { name: "upper arch", mesh: &arch }]).unwrap();
    let outcome = read(&package).unwrap();
    assert_eq!(outcome.format, SourceFormat::ThreeMf);
    assert_eq!(outcome.mesh.triangles, arch.triangles);
    let bits = |mesh: &IndexedMesh| mesh.positions.iter().map(|p| p.map(f32::to_bits)).collect::<Vec<_>>();
    assert_eq!(bits(&outcome.mesh), bits(&arch));
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    // Deflate earns its place: the package is far smaller than its XML.
    assert!(package.len() * 3 < part_text(&package, "3D/3dmodel.model").len());
}

#[test]
fn two_cubes_come_back_as_two_pieces_in_build_order() {
    let (first, second) = (cube([0.0; 3]), cube([20.0, 0.0, 0.0]));
    let package =
        write_3mf(&[ThreeMfObject { name: "first", mesh: &first }, ThreeMfObject { name: "second", mesh: &second }])
            .unwrap();
    let mesh = read(&package).unwrap().mesh;
    assert_eq!(mesh.positions[..8], first.positions[..]);
    assert_eq!(mesh.positions[8..], second.positions[..]);
    assert_eq!(mesh.triangles[..12], first.triangles[..]);
    let shifted: Vec<[u32; 3]> = second.triangles.iter().map(|t| t.map(|i| i + 8)).collect();
    assert_eq!(mesh.triangles[12..], shifted[..]);
    let report = validate(&mesh);
    assert_eq!((report.components, report.watertight), (2, true));
    assert!((report.signed_volume - 2000.0).abs() < 1e-6, "{}", report.signed_volume);
}

#[test]
fn the_package_holds_the_three_parts_deflated_in_millimetres() {
    let package = write_3mf(&[ThreeMfObject { name: "cube", mesh: &cube([0.0; 3]) }]).unwrap();
    let mut archive = ZipArchive::new(Cursor::new(&package[..])).unwrap();
    let mut names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["3D/3dmodel.model", "[Content_Types].xml", "_rels/.rels"]);
    for index in 0..archive.len() {
        assert_eq!(archive.by_index(index).unwrap().compression(), CompressionMethod::Deflated);
    }
    assert!(part_text(&package, "[Content_Types].xml").contains(
        r#"<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>"#
    ));
    assert!(part_text(&package, "_rels/.rels").contains(r#"Target="/3D/3dmodel.model""#));
    let model = part_text(&package, "3D/3dmodel.model");
    assert!(model.contains(r#"<model unit="millimeter""#), "{model}");
    assert!(model.contains(r#"<metadata name="Application">Trayforge</metadata>"#));
    assert_eq!(model.matches("<metadata").count(), 1);
    assert!(model.contains(r#"<object id="1" type="model" name="cube">"#));
    assert!(model.contains(r#"<vertex x="10" y="10" z="10"/>"#));
    assert!(model.contains("<build>\n  <item objectid=\"1\"/>\n </build>"));
}

#[test]
fn the_same_meshes_give_the_same_bytes() {
    let mesh = cube([1.5, -2.25, 0.1]);
    let write = || write_3mf(&[ThreeMfObject { name: "a", mesh: &mesh }]).unwrap();
    assert_eq!(write(), write());
}

#[test]
fn names_are_escaped_for_xml() {
    let mesh = cube([0.0; 3]);
    let name = "Müller <upper> & \"lower\" 'v2'\tnew\nline\u{1}";
    let package = write_3mf(&[ThreeMfObject { name, mesh: &mesh }]).unwrap();
    let model = part_text(&package, "3D/3dmodel.model");
    assert!(
        model.contains(r#"name="Müller &lt;upper&gt; &amp; &quot;lower&quot; &apos;v2&apos;&#9;new&#10;line�""#),
        "{model}"
    );
    // An independent reader unescapes it back (the control character, which
    // XML cannot hold, became U+FFFD).
    let models = threemf::read(Cursor::new(&package)).unwrap();
    let objects = &models[0].resources.object;
    assert_eq!(objects[0].name.as_deref(), Some("Müller <upper> & \"lower\" 'v2'\tnew\nline\u{FFFD}"));
}

#[test]
fn the_threemf_crate_reads_our_package_exactly() {
    let arch = arch();
    let cube = cube([-5.0, 0.5, 1e-3]);
    let package =
        write_3mf(&[ThreeMfObject { name: "arch", mesh: &arch }, ThreeMfObject { name: "cube", mesh: &cube }]).unwrap();
    let models = threemf::read(Cursor::new(&package)).unwrap();
    assert_eq!(models.len(), 1);
    let model = &models[0];
    assert!(matches!(model.unit, threemf::model::Unit::Millimeter));
    let items: Vec<usize> = model.build.item.iter().map(|item| item.objectid).collect();
    assert_eq!(items, [1, 2]);
    for (object, (name, mesh)) in model.resources.object.iter().zip([("arch", &arch), ("cube", &cube)]) {
        assert_eq!(object.name.as_deref(), Some(name));
        let theirs = object.mesh.as_ref().unwrap();
        let positions: Vec<[f32; 3]> =
            theirs.vertices.vertex.iter().map(|v| [v.x as f32, v.y as f32, v.z as f32]).collect();
        let triangles: Vec<[u32; 3]> =
            theirs.triangles.triangle.iter().map(|t| [t.v1 as u32, t.v2 as u32, t.v3 as u32]).collect();
        assert_eq!(positions, mesh.positions, "{name}");
        assert_eq!(triangles, mesh.triangles, "{name}");
    }
}

#[test]
fn build_transforms_and_units_place_objects_in_millimetres() {
    // Object 1 twice: as is, and turned 90° about z then moved 5 cm along x.
    let model = model(
        "centimeter",
        &triangle_object(1),
        r#"<item objectid="1"/><item objectid="1" transform="0 1 0 -1 0 0 0 0 1 5 0 0"/>"#,
    );
    let mesh = read(&package_with_model(&model)).unwrap().mesh;
    assert_eq!(
        mesh.positions,
        [[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [50.0, 0.0, 0.0], [50.0, 10.0, 0.0], [40.0, 0.0, 0.0]]
    );
    assert_eq!(mesh.triangles, [[0, 1, 2], [3, 4, 5]]);
}

#[test]
fn components_are_placed_through_every_level() {
    let resources = format!(
        r#"{}
<object id="2" type="model"><components>
  <component objectid="1" transform="1 0 0 0 1 0 0 0 1 0 0 2"/>
  <component objectid="1" transform="2 0 0 0 2 0 0 0 2 0 0 0"/>
</components></object>"#,
        triangle_object(1)
    );
    let model = model("millimeter", &resources, r#"<item objectid="2" transform="1 0 0 0 1 0 0 0 1 100 0 0"/>"#);
    let mesh = read(&package_with_model(&model)).unwrap().mesh;
    assert_eq!(
        mesh.positions,
        [
            [100.0, 0.0, 2.0],
            [101.0, 0.0, 2.0],
            [100.0, 1.0, 2.0],
            [100.0, 0.0, 0.0],
            [102.0, 0.0, 0.0],
            [100.0, 2.0, 0.0]
        ]
    );
}

#[test]
fn identical_positions_in_one_object_share_a_vertex() {
    let resources = r#"<object id="1" type="model"><mesh><vertices>
<vertex x="0" y="0" z="0"/><vertex x="1" y="0" z="0"/><vertex x="0" y="1" z="0"/><vertex x="-0" y="0" z="0"/>
</vertices><triangles><triangle v1="0" v2="1" v3="2"/><triangle v1="3" v2="2" v3="1"/></triangles></mesh></object>"#;
    let mesh = read(&package_with_model(&model("millimeter", resources, r#"<item objectid="1"/>"#))).unwrap().mesh;
    assert_eq!(mesh.vertex_count(), 3);
    assert_eq!(mesh.triangles, [[0, 1, 2], [0, 2, 1]]);
}

#[test]
fn a_zip_without_a_model_part_is_named() {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>"#;
    let bytes = zip_of(&[("[Content_Types].xml", content_types), ("Metadata/thumbnail.png", "png")]);
    assert_eq!(read(&bytes), Err(ReadError::ThreeMfNoModel));
    expect!["the 3MF package has no 3D model part; export it again"].assert_eq(&error_of(&bytes));
}

#[test]
fn other_zips_are_still_not_stl() {
    let bytes = zip_of(&[("scan/arch.stl", "solid a\nendsolid a\n")]);
    expect!["this is not an STL file (it is a ZIP archive; unpack it first); choose the .stl export of the model"]
        .assert_eq(&error_of(&bytes));
}

#[test]
fn the_relationships_choose_the_model_part() {
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Target="/3D/arch.model" Id="r" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>
</Relationships>"#;
    let arch_model = model("millimeter", &triangle_object(1), r#"<item objectid="1"/>"#);
    let bytes = zip_of(&[("_rels/.rels", rels), ("3D/3dmodel.model", "not even XML"), ("3D/arch.model", &arch_model)]);
    assert_eq!(read(&bytes).unwrap().mesh.triangle_count(), 1);
}

#[test]
fn malformed_xml_names_the_part_line_and_column() {
    let broken = format!(
        "<?xml version=\"1.0\"?>\n<model unit=\"millimeter\" xmlns=\"{CORE}\">\n<resources>\n  <object id=\"1\">\n  </mesh>\n"
    );
    expect!["3MF part `3D/3dmodel.model`, line 5, column 3: the XML is malformed: ill-formed document: expected `</object>`, but `</mesh>` was found; fix or export the file again"]
        .assert_eq(&error_of(&package_with_model(&broken)));
}

#[test]
fn a_truncated_model_part_is_an_error() {
    let whole = model("millimeter", &triangle_object(1), r#"<item objectid="1"/>"#);
    let cut = &whole[..whole.find("</triangles>").unwrap()];
    let message = error_of(&package_with_model(cut));
    expect!["3MF part `3D/3dmodel.model`, line 10, column 1: the part ends before `</model>`; the file is truncated; fix or export the file again"].assert_eq(&message);
}

#[test]
fn an_index_out_of_range_names_triangle_object_and_vertex_count() {
    let object = triangle_object(7).replace(r#"v3="2""#, r#"v3="3""#);
    let bytes = package_with_model(&model("millimeter", &object, r#"<item objectid="7"/>"#));
    expect!["3MF part `3D/3dmodel.model`, line 9, column 1: triangle 1 of object 7 names vertex 3, but the object has 3 vertices (0 to 2); fix or export the file again"]
        .assert_eq(&error_of(&bytes));
}

#[test]
fn non_finite_coordinates_are_errors() {
    for bad in ["NaN", "inf", "-infinity", "1e39", "1.2.3", ""] {
        let object = triangle_object(1).replacen(r#"y="0""#, &format!(r#"y="{bad}""#), 1);
        let bytes = package_with_model(&model("millimeter", &object, r#"<item objectid="1"/>"#));
        let message = error_of(&bytes);
        let expected = format!(
            "3MF part `3D/3dmodel.model`, line 5, column 1: `{bad}` in `y` is not a finite number; fix or export the file again"
        );
        assert_eq!(message, expected);
    }
}

#[test]
fn broken_references_and_attributes_are_named() {
    let check = |resources: &str, build: &str, unit: &str, expected: expect_test::Expect| {
        expected.assert_eq(&error_of(&package_with_model(&model(unit, resources, build))));
    };
    check(
        &triangle_object(1),
        r#"<item objectid="2"/>"#,
        "millimeter",
        expect![
            "3MF part `3D/3dmodel.model`, line 13, column 1: this refers to object 2, which the model does not define; fix or export the file again"
        ],
    );
    check(
        &triangle_object(1),
        r#"<item objectid="1"/>"#,
        "furlong",
        expect![
            "3MF part `3D/3dmodel.model`, line 2, column 1: `furlong` is not a 3MF unit (micron, millimeter, centimeter, inch, foot or meter); fix or export the file again"
        ],
    );
    check(
        &triangle_object(1),
        r#"<item objectid="1" transform="1 0 0 1"/>"#,
        "millimeter",
        expect![
            "3MF part `3D/3dmodel.model`, line 13, column 1: `transform` must be 12 finite numbers, but it is `1 0 0 1`; fix or export the file again"
        ],
    );
    check(
        r#"<object id="1"><components><component objectid="1"/></components></object>"#,
        r#"<item objectid="1"/>"#,
        "millimeter",
        expect![
            "3MF part `3D/3dmodel.model`, line 4, column 28: components nest more than 64 deep here (does object 1 contain itself?); fix or export the file again"
        ],
    );
    check(
        &format!("{}{}", triangle_object(1), triangle_object(1)),
        "",
        "millimeter",
        expect![
            "3MF part `3D/3dmodel.model`, line 10, column 29: object id 1 is defined twice; fix or export the file again"
        ],
    );
    check(
        r#"<object id="1" type="model"/>"#,
        "",
        "millimeter",
        expect![
            "3MF part `3D/3dmodel.model`, line 4, column 1: object 1 has neither a mesh nor components; fix or export the file again"
        ],
    );
}

#[test]
fn unsupported_extensions_are_refused_by_name() {
    let beams = format!(
        r#"<model unit="millimeter" xmlns="{CORE}" xmlns:b="http://schemas.microsoft.com/3dmanufacturing/beamlattice/2017/02" requiredextensions="b"><resources/><build/></model>"#
    );
    expect!["the 3MF model uses the extension `http://schemas.microsoft.com/3dmanufacturing/beamlattice/2017/02`, which Trayforge cannot read; export it as a plain 3MF (meshes only) or as STL"]
        .assert_eq(&error_of(&package_with_model(&beams)));
    let production = model(
        "millimeter",
        r#"<object id="1" xmlns:p="http://schemas.microsoft.com/3dmanufacturing/production/2015/06"><components><component p:path="/3D/Objects/part.model" objectid="1"/></components></object>"#,
        r#"<item objectid="1"/>"#,
    );
    expect!["the 3MF model uses objects kept in other model parts (the production extension's `p:path`), which Trayforge cannot read; export it as a plain 3MF (meshes only) or as STL"]
        .assert_eq(&error_of(&package_with_model(&production)));
    // Colours (the materials extension) leave the geometry alone.
    let coloured = format!(
        r##"<model unit="millimeter" xmlns="{CORE}" xmlns:m="http://schemas.microsoft.com/3dmanufacturing/material/2015/02" requiredextensions="m"><resources><m:colorgroup id="5"><m:color color="#FF0000"/></m:colorgroup>{}</resources><build><item objectid="1"/></build></model>"##,
        triangle_object(1)
    );
    assert_eq!(read(&package_with_model(&coloured)).unwrap().mesh.triangle_count(), 1);
}

#[test]
fn a_cut_short_package_is_an_error_at_every_length() {
    let package = write_3mf(&[ThreeMfObject { name: "cube", mesh: &cube([0.0; 3]) }]).unwrap();
    for len in 1..package.len() {
        assert!(read(&package[..len]).is_err(), "a package cut to {len} of {} bytes was read", package.len());
    }
    let message = error_of(&package[..package.len() / 2]);
    assert!(message.starts_with("the 3MF package is damaged (its ZIP directory cannot be read"), "{message}");
}

#[test]
fn corrupted_packages_never_panic() {
    let package = write_3mf(&[ThreeMfObject { name: "cube", mesh: &cube([0.0; 3]) }]).unwrap();
    let mut changed = 0;
    for at in 0..package.len() {
        for flip in [0x01u8, 0x80, 0xFF] {
            let mut bytes = package.clone();
            bytes[at] ^= flip;
            // Either reads (some bytes, such as timestamps, do not matter) or says why not.
            if read(&bytes).is_ok_and(|outcome| outcome.mesh != cube([0.0; 3])) {
                changed += 1;
            }
        }
    }
    // The CRC of each part catches changes to its content.
    assert_eq!(changed, 0, "{changed} corruptions read as a different mesh");
}

#[test]
fn writing_refuses_what_3mf_cannot_hold() {
    let empty = IndexedMesh::default();
    assert_eq!(
        write_3mf(&[ThreeMfObject { name: "empty", mesh: &empty }]),
        Err(ThreeMfWriteError::EmptyObject { object: 1, name: "empty".to_owned() })
    );
    let mut broken = cube([0.0; 3]);
    broken.positions[3][1] = f32::NAN;
    let error =
        write_3mf(&[ThreeMfObject { name: "ok", mesh: &cube([0.0; 3]) }, ThreeMfObject { name: "b", mesh: &broken }])
            .unwrap_err();
    expect!["object 2 (`b`), vertex 3 has a coordinate that is not a finite number; repair the mesh before exporting"]
        .assert_eq(&error.to_string());
    let mut out_of_range = cube([0.0; 3]);
    out_of_range.triangles[4][2] = 8;
    expect!["object 1 (`c`), triangle 5 names vertex 8 but the mesh has 8 vertices; the mesh is corrupt"]
        .assert_eq(&write_3mf(&[ThreeMfObject { name: "c", mesh: &out_of_range }]).unwrap_err().to_string());
}

#[test]
fn triangles_naming_a_vertex_twice_are_left_out() {
    let mut mesh = cube([0.0; 3]);
    mesh.triangles.push([0, 0, 1]);
    let package = write_3mf(&[ThreeMfObject { name: "c", mesh: &mesh }]).unwrap();
    assert_eq!(read(&package).unwrap().mesh, cube([0.0; 3]));
}

#[test]
fn an_empty_build_reads_as_no_triangles() {
    let package = write_3mf(&[]).unwrap();
    let outcome = read(&package).unwrap();
    assert!(outcome.mesh.is_empty());
    assert_eq!(outcome.warnings, [mesh_core::ReadWarning::NoTriangles]);
}

#[test]
fn a_model_part_that_inflates_far_past_the_file_is_refused_before_it_is_unpacked_whole() {
    // 64 MiB of spaces after the model's opening deflate to about 64 kB: a
    // real model's XML deflates 5 to 10 times, this a thousand times.
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>"#).unwrap();
    zip.start_file("3D/3dmodel.model", options).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><model unit=\"millimeter\">").unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&spaces).unwrap();
    }
    zip.write_all(b"</model>").unwrap();
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let error = error_of(&bomb);
    // Refused at the budget, 40 times the file but at least 16 MiB, not at the 1 GiB cap.
    let budget_mib = (bomb.len() as u64 * 40).max(16 << 20) >> 20;
    assert!(error.contains(&format!("unpacks to more than {budget_mib} MiB")) && error.contains("ZIP bomb"), "{error}");
}

#[test]
fn components_placing_millions_of_triangles_are_refused_before_any_is_placed() {
    // A 15 × 15 grid (392 triangles) placed 9⁵ times through five levels of
    // components: 23 million triangles from a package of a few kilobytes.
    let n = 15;
    let mut grid = String::from("<object id=\"1\" type=\"model\"><mesh><vertices>");
    for i in 0..n * n {
        grid += &format!("<vertex x=\"{}\" y=\"{}\" z=\"0\"/>", i % n, i / n);
    }
    grid += "</vertices><triangles>";
    for i in (0..n * (n - 1)).filter(|i| i % n != n - 1) {
        grid += &format!("<triangle v1=\"{i}\" v2=\"{}\" v3=\"{}\"/>", i + 1, i + n + 1);
        grid += &format!("<triangle v1=\"{i}\" v2=\"{}\" v3=\"{}\"/>", i + n + 1, i + n);
    }
    grid += "</triangles></mesh></object>";
    let mut resources = grid;
    for level in 2..=6 {
        resources += &format!("<object id=\"{level}\" type=\"model\"><components>");
        for k in 0..9 {
            let below = level - 1;
            resources += &format!("<component objectid=\"{below}\" transform=\"1 0 0 0 1 0 0 0 1 {} 0 0\"/>", 20 * k);
        }
        resources += "</components></object>";
    }
    let package = package_with_model(&model("millimeter", &resources, r#"<item objectid="6"/>"#));
    assert!(package.len() < 8 << 10, "{} bytes", package.len());
    let error = error_of(&package);
    assert!(error.contains("23147208 triangles") && error.contains("at most 20000000 of each"), "{error}");
}
