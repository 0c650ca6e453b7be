"""The `dvc plots show` page in a real browser: headless Chromium renders the four plots top to
bottom and keeps a screenshot (docs/plots.png when KUN_UPDATE_SCREENSHOT=1).

Needs Debian's chromium (`make chromium`) and the npm registry: DVC's page loads Vega from a CDN,
which this machine cannot reach, so the test serves the same Vega versions from npm packages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.test_plots import DVC, PAGE, ROOT, plots_repo

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VEGA = {
    "vega@5.20.2": "vega.min.js",
    "vega-lite@5.2.0": "vega-lite.min.js",
    "vega-embed@6.18.2": "vega-embed.min.js",
}
TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>kun plots</title>
<script src="vega.min.js"></script><script src="vega-lite.min.js"></script><script src="vega-embed.min.js"></script>
</head><body>{plot_divs}</body></html>
"""
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=15000",
]


def vega_scripts(folder: Path) -> None:
    """The Vega builds DVC's page names, from their npm packages."""
    packs = folder / "packs"
    packs.mkdir()
    subprocess.run(
        ["npm", "pack", "--silent", *VEGA], cwd=packs, check=True, capture_output=True, timeout=300
    )
    for archive in packs.glob("*.tgz"):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if member.name.startswith("package/build/") and Path(member.name).name in VEGA.values():
                    (folder / Path(member.name).name).write_bytes(tar.extractfile(member).read())


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make chromium` (Debian's chromium package)")
    work = tmp_path_factory.mktemp("page")
    repo = plots_repo(work / "repo", every_bin=False)  # the demo's own figures
    (repo / "page.html.tmpl").write_text(TEMPLATE, encoding="utf-8")
    subprocess.run(
        [DVC, "plots", "show", "--html-template", "page.html.tmpl", "-o", "out"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    out = repo / "out"
    vega_scripts(out)
    return out


def browser(out: Path, *args: str) -> subprocess.CompletedProcess:
    profile = out.parent / "profile"
    return subprocess.run(
        [CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args, (out / "index.html").as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_browser_draws_the_four_plots_in_order(page):
    dom = browser(page, "--dump-dom").stdout
    expected = [re.sub(r"[^A-Za-z0-9]", "_", plot) for plot in PAGE]  # DVC's div id of each plot
    ids = [found for found in re.findall(r'<div id="([^"]+)"', dom) if found in expected]
    assert ids == expected, ids  # top to bottom
    for index, plot_id in enumerate(ids):
        start = dom.index(f'<div id="{plot_id}"')
        end = dom.index(f'<div id="{ids[index + 1]}"') if index + 1 < len(ids) else len(dom)
        assert "<canvas" in dom[start:end], f"{plot_id}: Vega drew nothing"


def test_a_screenshot_of_the_page(page, tmp_path):
    shot = tmp_path / "plots.png"
    done = browser(page, f"--screenshot={shot}", "--window-size=900,1500")
    assert shot.exists() and shot.stat().st_size > 20_000, done.stderr[-2000:]
    if os.environ.get("KUN_UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / "plots.png")
