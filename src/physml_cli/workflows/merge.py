"""``physml merge``: shards of one temperature grid (``simulate --shard i/n``, e.g. a Slurm
array) combined into the file the unsharded run would have written."""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from physml_cli.io import schema
from physml_cli.workflows import simulate
from physml_cli.errors import PhysmlError

# What may differ between the shards of one run.
PER_SHARD = {"temperatures", "shard", "replica_ids", "wall_s", "command_line", "created_utc"}


def _attr(tree: dict[str, Any], key: str) -> Any:
    v = schema._decode(tree["attrs"].get(key))
    if isinstance(v, str) and v[:1] in ("[", "{"):
        return json.loads(v)
    return v


def combine(paths: list[str]) -> dict[str, Any]:
    """The merged file's contents; refuses shards of different runs, overlaps and gaps."""
    if not paths:
        raise PhysmlError("give the shard files to merge")
    trees = [schema.read_tree(p, schema.SIMULATION) for p in paths]
    shards = []
    for p, t in zip(paths, trees):
        sh = _attr(t, "shard")
        if not sh:
            raise PhysmlError(f"{p} is not a shard (no --shard i/n)")
        i, n = (int(x) for x in str(sh).split("/"))
        shards.append((i, n))
    n = shards[0][1]
    ref = trees[0]
    for p, t, (i, m) in zip(paths, trees, shards):
        if m != n:
            raise PhysmlError(f"{p} is shard {i}/{m}, {paths[0]} is one of {n}")
        for k in set(simulate.RESULT_KEYS) | {"temperature_grid"}:
            if k in PER_SHARD:
                continue
            if _attr(t, k) != _attr(ref, k):
                raise PhysmlError(f"{p} has {k}={_attr(t, k)!r} but {paths[0]} has "
                                  f"{_attr(ref, k)!r}: shards of different runs")
    seen: dict[int, str] = {}
    for p, (i, _) in zip(paths, shards):
        if i in seen:
            raise PhysmlError(f"{p} and {seen[i]} are both shard {i}/{n} (overlap)")
        seen[i] = p
    missing = sorted(set(range(n)) - set(seen))
    if missing:
        raise PhysmlError(f"shard{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(f'{k}/{n}' for k in missing)} missing")

    ids = np.concatenate([np.asarray(_attr(t, "replica_ids"), int) for t in trees])
    order = np.argsort(ids, kind="stable")
    n_t = len(ids)
    merged: dict[str, Any] = {"attrs": dict(ref["attrs"]), "group_attrs": ref["group_attrs"],
                              "dataset_attrs": ref["dataset_attrs"], "datasets": {}}
    for p, t in zip(paths, trees):
        if set(t["datasets"]) != set(ref["datasets"]):
            odd = sorted(set(t["datasets"]) ^ set(ref["datasets"]))
            raise PhysmlError(f"{p} and {paths[0]} differ in their datasets ({', '.join(odd)})")
    for name, data in ref["datasets"].items():
        parts = [t["datasets"][name] for t in trees]
        sizes = [len(_attr(t, "replica_ids")) for t in trees]
        per_t = all(np.ndim(a) >= 1 and np.shape(a)[0] == s for a, s in zip(parts, sizes))
        if per_t and name != "lattice/neighbors":
            if len({np.shape(a)[1:] for a in parts}) > 1:
                raise PhysmlError(f"the shards differ in the shape of {name} "
                                  f"({', '.join(str(np.shape(a)) for a in parts)})")
            merged["datasets"][name] = np.concatenate(parts, axis=0)[order]
        else:
            if not all(np.array_equal(parts[0], a) for a in parts[1:]):
                raise PhysmlError(f"{paths[0]} and the other shards differ in {name}")
            merged["datasets"][name] = parts[0]
    grid = _attr(ref, "temperature_grid")
    if len(grid) != n_t or not np.allclose(merged["datasets"]["temperatures"], grid):
        raise PhysmlError("the shards do not add up to their temperature grid")
    a = merged["attrs"]
    a["temperatures"] = json.dumps(grid)
    a["shard"] = ""
    a["replica_ids"] = json.dumps([])
    a["wall_s"] = float(sum(float(t["attrs"].get("wall_s", 0.0)) for t in trees))
    return merged


def run(paths: list[str], output: str, overwrite: bool, command_line: str) -> int:
    """Merges the shards into output; returns the number of temperatures it holds."""
    schema.check_new_output(output, overwrite)
    merged = combine(paths)
    merged["attrs"]["command_line"] = command_line
    schema.write_tree(output, merged)
    return len(merged["datasets"]["temperatures"])
