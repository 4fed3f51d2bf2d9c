"""Binder: what repo2docker reads, the notebooks the launch buttons open, and the buttons themselves.

Binder builds the environment from `environment.yml` (the lock of `requirements.txt`, checked in
test_environment.py), then runs `postBuild`. A chapter's launch button opens
`book/executed/<chapter id>.ipynb`, which is not committed: `postBuild` writes it from the
chapter's source.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from sitetools import ROOT, ToolUnavailable, build_site, tool_venv

REPO2DOCKER = "jupyter-repo2docker==2026.4.0"


def chapter_ids() -> list[str]:
    from hfcompendium.chapters import discover

    return list(discover())


def test_postbuild_is_a_strict_executable_bash_script():
    script = ROOT / "postBuild"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert os.access(script, os.X_OK), "postBuild must be executable (repo2docker runs ./postBuild)"
    tracked = subprocess.run(["git", "ls-files", "-s", "postBuild"], cwd=ROOT, capture_output=True, text=True)
    if tracked.stdout.strip():
        assert tracked.stdout.startswith("100755"), "git must record postBuild as executable"


def test_postbuild_writes_the_notebook_each_launch_button_opens(tmp_path):
    import jupytext

    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy2(ROOT / "postBuild", tmp_path / "postBuild")
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(["bash", str(tmp_path / "postBuild")], cwd=tmp_path, env=environment,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    written = sorted(p.stem for p in (tmp_path / "book" / "executed").glob("*.ipynb"))
    assert written == sorted(chapter_ids())
    for chapter in written:
        notebook = nbformat.read(tmp_path / "book" / "executed" / f"{chapter}.ipynb", as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata["kernelspec"]["name"] == "python3"
        source = jupytext.read(ROOT / "notebooks" / f"{chapter}.py")
        assert [c.source for c in notebook.cells] == [c.source for c in source.cells], f"{chapter}: cells differ"
        assert any("parameters" in c.metadata.get("tags", []) for c in notebook.cells), \
            f"{chapter}: the parameters cell must stay tagged so the notebook can be rerun with papermill"
        assert "formats" not in notebook.metadata.get("jupytext", {}), f"{chapter}: must not be paired"


def binder_settings() -> dict:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", url)
    assert match, f"repository.url must be a GitHub repository for Binder's gh provider: {url}"
    launch = config["launch_buttons"]
    assert launch.get("thebe", False) is False, "thebe would load from a CDN; the pages must work offline"
    return {"hub": launch["binderhub_url"].rstrip("/"), "org": match.group(1), "repo": match.group(2),
            "branch": config["repository"].get("branch", "main"),
            "ui": "lab/tree" if launch.get("notebook_interface") == "jupyterlab" else "tree"}


def test_binder_configuration_is_complete():
    settings = binder_settings()
    assert settings["hub"] == "https://mybinder.org"
    assert settings["ui"] == "lab/tree"


@pytest.mark.slow
def test_every_chapter_page_has_a_launch_button_to_its_notebook(mirror):
    site = build_site()
    settings = binder_settings()
    for chapter in chapter_ids():
        html = (site / "book" / "executed" / f"{chapter}.html").read_text(encoding="utf-8")
        expected = (f"{settings['hub']}/v2/gh/{settings['org']}/{settings['repo']}/{settings['branch']}"
                    f"?urlpath={settings['ui']}/book/executed/{chapter}.ipynb")
        assert expected in html, f"{chapter}: no launch button to {expected}"


@pytest.mark.slow
def test_repo2docker_reads_environment_yml_and_runs_postbuild():
    """A dry run of repo2docker (no Docker needed) on the repository: the Dockerfile it would build."""
    try:
        venv = tool_venv("repo2docker", REPO2DOCKER)
    except ToolUnavailable as exc:
        pytest.skip(f"repo2docker could not be installed, so Binder's reading of the configuration is not checked: {exc}")
    completed = subprocess.run(
        [str(venv / "bin" / "repo2docker"), "--no-build", "--no-run", "--debug",
         "--user-id", "1000", "--user-name", "jovyan", str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    assert "Building conda environment for python=3.11" in output, output[-4000:]
    dockerfile = output[output.index("FROM "):]
    copy_repo = dockerfile.index("COPY --chown")
    environment = dockerfile.index('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    # environment.yml installs `-r requirements.txt` and `-e .`: the repository must be there first.
    assert copy_repo < environment, "environment.yml must be installed after the repository is copied"
    assert "RUN ./postBuild" in dockerfile
    assert "requirements.txt" not in dockerfile, "requirements.txt must come in only through environment.yml"
    for other in ("Dockerfile", "runtime.txt", "apt.txt", "install.R", "Project.toml", "binder", ".binder"):
        assert not (ROOT / other).exists(), f"{other} would change or override how Binder builds the environment"
