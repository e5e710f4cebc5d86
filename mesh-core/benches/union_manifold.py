"""The anchor of the union in `cargo xtask bench prep`: Manifold (C++,
PyPI `manifold3d`), whose algorithm `boolmesh` ports to Rust.

Usage: union_manifold.py MESH.stl

Loads the mesh (trimesh welds it, as our reader does), splits it into its
bodies, unites them once and prints one line describing the result, then
unites them again for every `run` line read from stdin and prints the
seconds that took (from the bodies as Manifold meshes to the united mesh
read back), so the Rust benchmark can take turns with it.
"""

import sys
import time

import manifold3d
import numpy as np
import trimesh

from anchor_turns import take_turns


def main():
    mesh = trimesh.load(sys.argv[1], file_type="stl")
    bodies = mesh.split(only_watertight=False)
    meshes = [
        manifold3d.Mesh(
            vert_properties=np.asarray(body.vertices, dtype=np.float32),
            tri_verts=np.asarray(body.faces, dtype=np.uint32),
        )
        for body in bodies
    ]

    def unite():
        started = time.perf_counter()
        solids = [manifold3d.Manifold(m) for m in meshes]
        united = manifold3d.Manifold.batch_boolean(solids, manifold3d.OpType.Add)
        out = united.to_mesh()
        return time.perf_counter() - started, united, out

    _, united, out = unite()
    print(
        f"bodies={len(bodies)} faces={len(mesh.faces)} result_faces={len(out.tri_verts)} "
        f"pieces={len(united.decompose())} volume={united.volume():.3f}",
        flush=True,
    )
    take_turns(unite)


if __name__ == "__main__":
    main()
