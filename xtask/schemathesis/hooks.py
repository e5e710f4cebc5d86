"""Schemathesis hooks for `cargo xtask test api`: what the OpenAPI document
cannot say, told to the generator instead.

- A model upload is a file mesh-core reads (STL, OBJ, PLY, 3MF), and a photo
  upload a JPEG, PNG or HEIC told by its first bytes. The document gives their
  media types and `format: binary`; Schemathesis brings real JPEG and PNG
  files itself, and these strategies bring models and HEIC headers, so a
  positive upload is a file the server can take.
- A patient's date of birth is not after today: JSON Schema has no "today",
  so generated birth dates after it are dropped (the document says the rule
  in words, and its pattern keeps years from 1900).
"""

import datetime
import struct

import schemathesis
from hypothesis import strategies as st

COORDINATE = st.floats(min_value=-500, max_value=500, allow_nan=False, allow_infinity=False, width=32)
POINT = st.tuples(COORDINATE, COORDINATE, COORDINATE)


def binary_stl(points):
    """A tetrahedron on four points as binary STL (normals left zero)."""
    a, b, c, d = points
    faces = [(a, c, b), (a, b, d), (a, d, c), (b, c, d)]
    body = b"".join(struct.pack("<12fH", 0, 0, 0, *p, *q, *r, 0) for p, q, r in faces)
    return b"\0" * 80 + struct.pack("<I", len(faces)) + body


def ascii_stl(points):
    a, b, c, d = points
    faces = [(a, c, b), (a, b, d), (a, d, c), (b, c, d)]
    lines = ["solid tetrahedron"]
    for face in faces:
        lines += ["facet normal 0 0 0", "outer loop"]
        lines += [f"vertex {x!r} {y!r} {z!r}" for x, y, z in face]
        lines += ["endloop", "endfacet"]
    lines.append("endsolid tetrahedron")
    return "\n".join(lines).encode()


def obj(points):
    lines = [f"v {x!r} {y!r} {z!r}" for x, y, z in points]
    lines += ["f 1 3 2", "f 1 2 4", "f 1 4 3", "f 2 3 4"]
    return "\n".join(lines).encode()


MODELS = st.tuples(POINT, POINT, POINT, POINT).flatmap(
    lambda points: st.sampled_from([binary_stl(points), ascii_stl(points), obj(points)])
)
# ISO BMFF: a box size, `ftyp`, then a brand the server takes as HEIC/HEIF; the rest is not read.
HEIC = st.builds(
    lambda brand, rest: b"\0\0\0\x18ftyp" + brand + rest,
    st.sampled_from([b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"]),
    st.binary(max_size=64),
)

schemathesis.openapi.media_type("application/octet-stream", MODELS)
schemathesis.openapi.media_type("image/heic", HEIC)


def _birth_date(body):
    patient = body.get("patient") if isinstance(body, dict) else None
    text = patient.get("date_of_birth") if isinstance(patient, dict) else None
    try:
        return datetime.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        return None


@schemathesis.hook("filter_body").apply_to(path="/cases", method="POST")
def birth_dates_not_after_today(context, body):
    born = _birth_date(body)
    return born is None or born <= datetime.datetime.now(datetime.timezone.utc).date()
