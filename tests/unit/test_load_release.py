"""`load(table, version=...)`: a release from the package, a folder URL or an archive, sha256-checked."""

from __future__ import annotations

import functools
import http.server
import importlib
import shutil
import tarfile
import threading

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels._files import sha256_file
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.load import IntegrityError, ReleaseNotFound, TableNotInRelease
from tests.conftest import REPO

load_module = importlib.import_module("privacy_labels.load")  # `pl.load` is the function
VERSION = "0.1.0"
RELEASE = REPO / "releases" / VERSION


def test_a_release_loads_with_the_contract_dtypes():
    practices = pl.load("practices", version=VERSION)
    assert practices["category"].dtype.name == "category"
    assert practices["segment_id"].dtype.name == "Int64"
    assert len(practices) == 324
    assert VERSION in pl.versions()


def test_an_unknown_version_lists_the_available_ones():
    with pytest.raises(ReleaseNotFound, match=r"no release '9\.9\.9'.*available: .*0\.1\.0"):
        pl.load("practices", version="9.9.9")


def test_a_table_newer_than_the_release_is_named_as_such():
    # 0.1.0 predates policy_labels.
    with pytest.raises(TableNotInRelease, match=r"0\.1\.0 has no policy_labels table .*later"):
        pl.load("policy_labels", version=VERSION)


@pytest.fixture
def local_copy(tmp_path, monkeypatch):
    """A copy of the releases folder that the loader reads instead of the real one."""
    releases = tmp_path / "releases"
    shutil.copytree(RELEASE, releases / VERSION)
    monkeypatch.setattr(load_module, "releases_dir", lambda: releases)
    return releases / VERSION


def test_a_changed_release_file_is_refused(local_copy):
    with open(local_copy / "practices.parquet", "r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(IntegrityError, match=r"practices\.parquet does not match its sha256"):
        pl.load("practices", version=VERSION)
    assert len(pl.load("segments", version=VERSION)) == 114  # the other files still load


@pytest.fixture
def server(tmp_path):
    """A static file server on loopback over `tmp_path/site`; yields its base URL."""
    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(
        type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}),
        directory=site,
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIVACY_LABELS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_release_folder_is_fetched_checked_and_cached(server, cache):
    site, base = server
    shutil.copytree(RELEASE, site / VERSION)
    fetched = pl.load("attribute_values", version=VERSION, url=f"{base}/{VERSION}/")
    pd.testing.assert_frame_equal(fetched, pl.load("attribute_values", version=VERSION))
    shutil.rmtree(site / VERSION)  # the cache answers from now on
    again = pl.load("attribute_values", version=VERSION, url=f"{base}/{VERSION}/")
    pd.testing.assert_frame_equal(again, fetched)


def test_a_tampered_served_file_is_refused(server, cache):
    site, base = server
    shutil.copytree(RELEASE, site / VERSION)
    (site / VERSION / "practices.parquet").write_bytes(b"not the released file")
    with pytest.raises(IntegrityError):
        pl.load("practices", version=VERSION, url=f"{base}/{VERSION}/")


def test_a_served_release_that_differs_from_the_shipped_one_is_refused(server, cache):
    site, base = server
    shutil.copytree(RELEASE, site / VERSION)
    sums = site / VERSION / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("README.md", "README.txt"), encoding="utf-8")
    with pytest.raises(IntegrityError, match="SHA256SUMS"):
        pl.load("practices", version=VERSION, url=f"{base}/{VERSION}/")


def _archive(site, name="privacy-labels-0.1.0.tar.gz"):
    with tarfile.open(site / name, "w:gz") as tar:
        tar.add(RELEASE, arcname=f"privacy-labels-{VERSION}")
    return site / name


def test_an_archive_is_fetched_pinned_by_its_sha256(server, cache):
    site, base = server
    archive = _archive(site)
    url = f"{base}/{archive.name}"
    fetched = pl.load("segments", url=url, sha256=sha256_file(archive))
    pd.testing.assert_frame_equal(fetched, pl.load("segments", version=VERSION))
    with pytest.raises(IntegrityError, match="hash"):
        pl.load("segments", url=url, sha256="0" * 64, version="9.9.9")


def test_an_unreachable_url_is_reported(cache):
    with pytest.raises(ReleaseNotFound, match="could not fetch"):
        pl.load("segments", url="http://127.0.0.1:9/0.1.0/", version="9.9.9")


def test_an_archive_member_outside_its_folder_is_never_written(server, cache):
    site, base = server
    archive = site / "evil.tar.gz"
    escape = site / "escaped.txt"
    escape.write_text("written outside the cache")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(RELEASE, arcname=f"privacy-labels-{VERSION}")
        tar.add(escape, arcname="../../escaped.txt")
    escape.unlink()
    with pytest.raises(IntegrityError, match="not a safe release archive"):
        pl.load("segments", url=f"{base}/{archive.name}", sha256=sha256_file(archive))
    assert not any(p.name == "escaped.txt" for p in cache.parent.rglob("*"))


@pytest.mark.parametrize("version", ["../0.1.0", "0.1.0/../../x", "/etc", "0.1"])
def test_a_version_is_never_a_path(version):
    with pytest.raises(ValueError, match=r"is not MAJOR\.MINOR\.PATCH"):
        pl.load("segments", version=version)


def _zip(folder, name="privacy-labels-0.1.0.zip"):
    import zipfile

    with zipfile.ZipFile(folder / name, "w") as zipped:
        for path in sorted(RELEASE.rglob("*")):
            zipped.write(path, f"privacy-labels-{VERSION}/{path.relative_to(RELEASE)}")
    return folder / name


@pytest.mark.parametrize(
    "place",
    ["folder", "file:// folder", "tar.gz", "file:// tar.gz", "zip"],
)
def test_a_local_release_loads_from_a_path_or_a_file_url(tmp_path, cache, place):
    local = tmp_path / "local"
    local.mkdir()
    if "folder" in place:
        shutil.copytree(RELEASE, local / VERSION)
        given = local / VERSION
    else:
        given = _zip(local) if place == "zip" else _archive(local)
    url = given.as_uri() if place.startswith("file://") else str(given)
    loaded = pl.load("segments", url=url, sha256=None if "folder" in place else sha256_file(given))
    pd.testing.assert_frame_equal(loaded, pl.load("segments", version=VERSION))
    assert pl.load("segments", url=url, version=VERSION).equals(loaded)  # the shipped pins it


def test_a_local_release_is_checked_like_a_fetched_one(tmp_path, cache):
    shutil.copytree(RELEASE, tmp_path / VERSION)
    (tmp_path / VERSION / "practices.parquet").write_bytes(b"changed")
    with pytest.raises(IntegrityError, match=r"practices\.parquet does not match its sha256"):
        pl.load("practices", url=str(tmp_path / VERSION))
    archive = _archive(tmp_path)
    with pytest.raises(IntegrityError, match="does not match the sha256 given"):
        pl.load("segments", url=str(archive), sha256="0" * 64)
    with pytest.raises(ReleaseNotFound, match="no such release folder or archive"):
        pl.load("segments", url=str(tmp_path / "nowhere"))


def test_a_local_archive_member_outside_its_folder_is_never_written(tmp_path, cache):
    archive = tmp_path / "evil.tar.gz"
    escape = tmp_path / "escaped.txt"
    escape.write_text("written outside the cache")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(RELEASE, arcname=f"privacy-labels-{VERSION}")
        tar.add(escape, arcname="../../escaped.txt")
    escape.unlink()
    with pytest.raises(IntegrityError, match="not a safe release archive"):
        pl.load("segments", url=str(archive))
    assert not any(p.name == "escaped.txt" for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("url", ["s3://bucket/0.1.0/", "gs://b/x.tar.gz", "mailto:x@y.z"])
def test_an_unsupported_scheme_is_a_clear_value_error(url):
    with pytest.raises(ValueError, match="is not supported: give an http"):
        pl.load("segments", url=url)


def test_an_archive_is_unpacked_with_a_filter_of_its_own_call(server, cache, monkeypatch):
    """No process-wide tarfile setting: the fetched archive goes through load's own unpack,
    which passes the "data" filter to its extract call, and TarFile is left as it was.
    """
    site, base = server
    archive = _archive(site)
    unpacked = []
    unpack = load_module._unpack
    monkeypatch.setattr(
        load_module, "_unpack", lambda *a, **k: unpacked.append(a[0]) or unpack(*a, **k)
    )
    before = tarfile.TarFile.__dict__.get("extraction_filter")
    pl.load("segments", url=f"{base}/{archive.name}", sha256=sha256_file(archive))
    assert len(unpacked) == 1 and unpacked[0].name.endswith(archive.name)
    assert tarfile.TarFile.__dict__.get("extraction_filter") is before
    pl.load("practices", url=f"{base}/{archive.name}", sha256=sha256_file(archive))
    assert len(unpacked) == 1  # unpacked once, then read from the cache


# Every failure of load() is the package's own error, with the fix in its message; a bad
# argument is also the built-in exception Python code expects of it.


@pytest.mark.parametrize(
    "arguments, expected, message",
    [
        ({"path": "data/labeled", "version": VERSION}, ValueError, r"path= .* and version="),
        ({"path": "data/labeled", "url": "https://x.org/a.zip"}, ValueError, "and url="),
        ({"sha256": "0" * 64}, ValueError, "sha256= pins a release .* version= or url="),
        ({"version": VERSION, "sha256": "abc"}, ValueError, "'abc' is not a sha256"),
        ({"version": 0.2}, TypeError, r"version must be a string such as '0\.1\.0', not 0\.2"),
        ({"path": 3}, TypeError, "path must be a folder's path"),
    ],
)
def test_a_contradictory_or_malformed_argument_is_refused(arguments, expected, message):
    with pytest.raises(expected, match=message) as raised:
        pl.load("practices", **arguments)
    assert isinstance(raised.value, PrivacyLabelsError) and raised.value.exit_code == 2


def test_an_unknown_table_is_a_key_error_listing_the_tables():
    with pytest.raises(KeyError) as raised:
        pl.load("practice")
    assert isinstance(raised.value, PrivacyLabelsError)
    assert str(raised.value).startswith("unknown table 'practice'; the tables are: policies")


def test_a_pin_on_a_shipped_release_is_checked():
    sums = sha256_file(RELEASE / "SHA256SUMS")
    assert len(pl.load("segments", version=VERSION, sha256=f"sha256:{sums}")) == 114
    with pytest.raises(IntegrityError, match="does not match the sha256 given"):
        pl.load("segments", version=VERSION, sha256="0" * 64)


def test_a_table_file_given_as_path_names_its_folder(tmp_path):
    with pytest.raises(ValueError, match=r"is a file; pass the folder .*load\('practices', '"):
        pl.load("practices", REPO / "data" / "labeled" / "practices.parquet")


def test_a_missing_folder_of_tables_is_named():
    with pytest.raises(FileNotFoundError, match="nowhere: no such folder of built tables") as e:
        pl.load("practices", REPO / "nowhere")
    assert isinstance(e.value, PrivacyLabelsError)


def test_a_release_folder_as_path_is_read_as_the_release_it_is(local_copy):
    assert len(pl.load("practices", local_copy)) == 324
    with pytest.raises(TableNotInRelease, match=r"0\.1\.0 has no policy_labels table"):
        pl.load("policy_labels", local_copy)
    (local_copy / "segments.parquet").write_bytes(b"changed")
    with pytest.raises(IntegrityError, match=r"segments\.parquet does not match its sha256"):
        pl.load("segments", local_copy)


@pytest.mark.parametrize("place", ["PRIVACY_LABELS_CACHE", "HOME"])
def test_an_unusable_cache_names_the_variable_to_set(tmp_path, monkeypatch, place):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    monkeypatch.delenv("PRIVACY_LABELS_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv(place, str(a_file))
    _archive(tmp_path)  # unpacked into the cache
    with pytest.raises(load_module.CacheUnusable, match="set PRIVACY_LABELS_CACHE to a folder"):
        pl.load("segments", url=str(tmp_path / "privacy-labels-0.1.0.tar.gz"))
