"""The anchor of `cargo xtask bench prep`: trimesh's capped plane slice.

Usage: prep_trimesh.py MESH.stl OX OY OZ NX NY NZ

Loads the mesh (trimesh welds it, as our reader does), slices it once and
prints one line describing the result, then slices it again for every
`run` line read from stdin and prints the seconds that slice took, so the
Rust benchmark can take turns with it. trimesh keeps the side the normal
points to: the benchmark passes the normal of our plane reversed, so both
keep the same half.
"""

import sys
import time

import numpy as np
import trimesh

from anchor_turns import take_turns


def main():
    path, *numbers = sys.argv[1:]
    origin = np.array([float(x) for x in numbers[0:3]])
    normal = np.array([float(x) for x in numbers[3:6]])
    mesh = trimesh.load(path, file_type="stl")

    def slice_once():
        started = time.perf_counter()
        result = mesh.slice_plane(origin, normal, cap=True)
        return time.perf_counter() - started, result

    _, result = slice_once()
    print(
        f"faces={len(mesh.faces)} result_faces={len(result.faces)} "
        f"watertight={result.is_watertight} volume={result.volume:.3f}",
        flush=True,
    )
    take_turns(slice_once)


if __name__ == "__main__":
    main()
