//! Wavefront OBJ, as intraoral scanners export it: `v x y z` and
//! `f a b c …` (indices from 1, negative from the end, `a/t/n` forms);
//! polygons are split into a fan of triangles. Everything else (normals,
//! texture coordinates, groups, materials) is ignored.

use super::weld::Welder;
use super::{ReadError, ReadWarning};
use crate::IndexedMesh;

pub(crate) fn read(bytes: &[u8]) -> Result<(IndexedMesh, Vec<ReadWarning>), ReadError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut positions: Vec<[f32; 3]> = Vec::new();
    let mut welder = Welder::with_capacity(text.len() / 60);
    for (number, line) in text.split(|&b| b == b'\n').enumerate() {
        let line_number = number + 1;
        let mut words = line.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
        let column_of = |word: &[u8]| word.as_ptr() as usize - line.as_ptr() as usize + 1;
        let syntax = |word: &[u8], problem: String| ReadError::AsciiSyntax {
            format: "OBJ",
            line: line_number,
            column: column_of(word),
            problem,
        };
        match words.next() {
            Some(b"v") => {
                let mut point = [0.0f32; 3];
                for coordinate in &mut point {
                    let word = words
                        .next()
                        .ok_or_else(|| syntax(line.trim_ascii_end(), "a vertex needs x, y and z".to_owned()))?;
                    *coordinate = std::str::from_utf8(word)
                        .ok()
                        .and_then(|s| s.parse::<f32>().ok())
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| {
                            syntax(word, format!("`{}` is not a finite number", String::from_utf8_lossy(word)))
                        })?;
                }
                positions.push(point);
            }
            Some(b"f") => {
                let mut corners = Vec::with_capacity(4);
                for word in words {
                    let index = word.split(|&b| b == b'/').next().unwrap_or_default();
                    let position = std::str::from_utf8(index)
                        .ok()
                        .and_then(|s| s.parse::<i64>().ok())
                        .and_then(|i| resolve(i, positions.len()))
                        .ok_or_else(|| {
                            syntax(
                                word,
                                format!(
                                    "`{}` is not a vertex index (1 to {}, or negative from the last)",
                                    String::from_utf8_lossy(word),
                                    positions.len()
                                ),
                            )
                        })?;
                    corners.push(positions[position]);
                }
                if corners.len() < 3 {
                    return Err(syntax(line.trim_ascii_end(), "a face needs at least three vertices".to_owned()));
                }
                for i in 1..corners.len() - 1 {
                    welder.push_triangle([corners[0], corners[i], corners[i + 1]]);
                }
            }
            _ => {}
        }
    }
    Ok((welder.finish(), Vec::new()))
}

/// A 1-based or negative (from the end) OBJ index into `count` positions.
fn resolve(index: i64, count: usize) -> Option<usize> {
    let count = i64::try_from(count).ok()?;
    let zero_based = if index > 0 { index - 1 } else { count + index };
    (0..count).contains(&zero_based).then_some(zero_based as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quads_become_two_triangles_and_negative_indices_count_from_the_end() {
        let (mesh, _) = read(b"v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf -4/1/1 -3/2/1 -2/3/1 -1/4/1\n").unwrap();
        assert_eq!(mesh.triangles, vec![[0, 1, 2], [0, 2, 3]]);
    }

    #[test]
    fn an_index_past_the_vertices_names_line_and_column() {
        let error = read(b"v 0 0 0\nv 1 0 0\nv 1 1 0\nf 1 2 9\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "OBJ, line 4, column 7: `9` is not a vertex index (1 to 3, or negative from the last); fix or export the file again"
        );
    }
}
