//! No input makes `read` or `validate` panic: every small corpus file, cut
//! short, with bytes flipped, or with bytes inserted, gives a mesh or an
//! error. Mutations come from a fixed-seed generator, so a failure repeats.

use mesh_core::{read, validate};

use crate::corpus::corpus_dir;
use crate::random::Random;

/// One random change: a cut, a few flipped bytes, or inserted bytes.
fn mutate(bytes: &[u8], random: &mut Random) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match random.below(3) {
        0 => out.truncate(random.below(bytes.len() + 1)),
        1 => {
            for _ in 0..=random.below(4) {
                if !out.is_empty() {
                    let at = random.below(out.len());
                    out[at] ^= 1 << random.below(8);
                }
            }
        }
        _ => {
            let at = random.below(out.len() + 1);
            let inserted: Vec<u8> = (0..=random.below(8)).map(|_| random.next() as u8).collect();
            out.splice(at..at, inserted);
        }
    }
    out
}

fn small_corpus_files() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for folder in ["synthetic", "public/numpy-stl", "public/trimesh"] {
        for entry in std::fs::read_dir(corpus_dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            if bytes.len() <= 64 * 1024 {
                files.push((path.display().to_string(), bytes));
            }
        }
    }
    assert!(files.len() >= 30, "found only {} small corpus files", files.len());
    files
}

#[test]
fn mutated_corpus_files_never_make_read_or_validate_panic() {
    let mut random = Random(0x7A3F_19C2_5E8D_0B41);
    let mut read_ok = 0;
    let mut read_err = 0;
    for (name, bytes) in small_corpus_files() {
        for round in 0..200 {
            let mutated = mutate(&bytes, &mut random);
            let outcome = std::panic::catch_unwind(|| read(&mutated).map(|o| validate(&o.mesh)));
            match outcome {
                Ok(Ok(_)) => read_ok += 1,
                Ok(Err(error)) => {
                    assert!(!error.to_string().is_empty());
                    read_err += 1;
                }
                Err(_) => panic!("{name}, mutation {round}: read or validate panicked on {} bytes", mutated.len()),
            }
        }
    }
    // Both paths ran: the mutations are neither all harmless nor all fatal.
    assert!(read_ok > 100 && read_err > 100, "{read_ok} read, {read_err} refused");
}
