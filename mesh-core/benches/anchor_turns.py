"""How an anchor of `cargo xtask bench prep` takes turns with the Rust
benchmark: after its one-line description, it runs `once` for every `run`
line read from stdin and prints the seconds that run took.
"""

import sys


def take_turns(once):
    """`once()` returns (seconds, result); stops at the first line that is not `run`."""
    for line in sys.stdin:
        if line.strip() != "run":
            break
        seconds, *_ = once()
        print(f"{seconds:.9f}", flush=True)
