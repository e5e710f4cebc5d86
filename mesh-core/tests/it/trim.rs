//! Trim along a line: explore.

use mesh_core::{Arch, TrimOptions, propose_trim_line, read, trim, validate};

use crate::corpus::corpus_dir;
use crate::prep::lower_arch;

#[test]
fn explore() {
    for (name, arch) in [("lower", Arch::Lower), ("upper", Arch::Upper)] {
        let mesh = if name == "lower" {
            lower_arch()
        } else {
            read(&std::fs::read(corpus_dir().join("public/dental/ref_upper_tag0.stl")).unwrap()).unwrap().mesh
        };
        let r = validate(&mesh);
        println!("{name}: {} tris, components {}, bounds {:?}", r.triangles, r.components, r.bounds);
        let up = arch.occlusal_direction();
        let line = propose_trim_line(&mesh, up, 1.0).unwrap();
        println!("proposal {} points, first {:?}", line.len(), &line[..3]);
        let t = std::time::Instant::now();
        let result = trim(&mesh, &TrimOptions::new(up, line));
        println!("{:?}", t.elapsed());
        match result {
            Ok(tr) => {
                let r2 = validate(&tr.mesh);
                println!("line {} samples, loops {}, cap {}, report {:?}", tr.line.len(), tr.loops, tr.cap_faces, r2);
            }
            Err(e) => println!("error: {e}"),
        }
    }
}
