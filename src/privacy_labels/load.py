"""Load the tables into pandas with the contract's dtypes: the current build or a release.

    >>> import privacy_labels as pl
    >>> practices = pl.load("practices")                    # the tables shipped with the package
    >>> practices = pl.load("practices", version="0.1.0")   # an exact release, sha256-checked
    >>> practices["category"].cat.categories  # every category of the tables' schemes, in order
    >>> matrix = pl.load("segment_labels", wide=True, scheme="opp115")  # one column per label

Label columns are ordered categoricals over the labels of the schemes the tables are
written in, read from the build's or release's own `schemes/` folder (older releases:
their datapackage.json), never from the installed package: a scheme newer or older than
the package's loads without a missing label.

A release is read from `releases/<version>/` of the source checkout or the
installed package, or fetched from `url` (a release folder or a .tar.gz/.zip of
one) into a local cache. Every file is checked against the release's SHA256SUMS.

Local loading needs only pandas and pyarrow; fetching uses pooch.
"""

from __future__ import annotations

import errno
import os
import re
import tarfile
from pathlib import Path

import pandas as pd

from privacy_labels._files import as_if_created, package_data, sha256_bytes, sha256_file
from privacy_labels.contract.splits import DEFAULT, selected
from privacy_labels.contract.tables import TABLES, table
from privacy_labels.errors import InvalidArgument, PrivacyLabelsError, WrongArgumentType
from privacy_labels.release.sha256sums import SEMVER, SHA256SUMS, read_sha256sums, release_versions
from privacy_labels.store import (
    DATAPACKAGE,
    SCHEMES,
    read_frame,
    read_release_frame,
    schemes_of,
)

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")


class ReleaseNotFound(PrivacyLabelsError, LookupError):
    """No release of that version is available from the given place."""


class TableNotInRelease(PrivacyLabelsError, LookupError):
    """The release predates the table: it was added in a later version."""


class IntegrityError(PrivacyLabelsError, ValueError):
    """A release file's sha256 differs from the one its SHA256SUMS records."""


def tables() -> list[str]:
    """Names of the tables `load` accepts."""
    return [t.name for t in TABLES]


def releases_dir() -> Path:
    """The releases shipped with the installed package, else the source checkout's releases/."""
    return package_data("releases", "releases")


def versions() -> list[str]:
    """Versions of the releases available locally, oldest first."""
    return release_versions(releases_dir())


def load(
    name: str,
    path: str | Path | None = None,
    *,
    version: str | None = None,
    url: str | None = None,
    sha256: str | None = None,
    wide: bool = False,
    scheme: str | None = None,
    split: str | None = None,
) -> pd.DataFrame:
    """One table as a DataFrame.

    `path`: a folder of built tables (the output of `privacy-labels build`) or a
    release folder (checked against its SHA256SUMS); by default the tables that
    ship with the package.
    `version`: read that release instead, checked against its SHA256SUMS.
    `url`: where to fetch the release from, a folder (ending in "/") or an
    archive, over http(s) or ftp; or a local release folder or archive, given
    as a path or a file:// address, read in place (an archive is unpacked
    into the cache). `sha256` pins the archive (or the folder's SHA256SUMS,
    also of a release shipped with the package) and is optional when the
    version is also available locally.
    `wide` (segment_labels only): the ML view, one row per segment with its `text` and, per
    label of `scheme`'s first label set, the columns `n_<label>`, `share_<label>`,
    `is_majority_<label>` and `has_<label>` (the multi-hot matrix); `scheme` may be left out
    when the tables hold one. `split` (segment_labels only): the rows of one part of one
    split, `NAME:PART` (e.g. "plue:test"; a bare "test" is "default:test").

    Every failure is a PrivacyLabelsError; a bad argument value (a path with a
    version, a pin without a release, another url scheme than those above) is
    also a ValueError, a wrong argument type a TypeError, an unknown table name a
    KeyError, a missing folder or table a FileNotFoundError.
    """
    _check_arguments(name, path, version, url, sha256)
    if not isinstance(wide, bool) or not all(isinstance(a, str | None) for a in (scheme, split)):
        raise WrongArgumentType(
            f"load: wide must be True or False, scheme a scheme's id such as 'opp115' and split "
            f"a split's part such as 'plue:test', not {wide!r}, {scheme!r} and {split!r}"
        )
    if (wide or scheme is not None or split is not None) and name != SEGMENT_LABELS:
        raise InvalidArgument(
            f"load: wide=, scheme= and split= give the segment_labels matrix, not {name}; "
            f"load({SEGMENT_LABELS!r}, wide=True, scheme='opp115', split='plue:test')"
        )
    frame, folder = _frame(name, path, version, url, sha256)
    if split is not None:
        splits, _ = _frame("splits", path, version, url, sha256)
        chosen = selected(_long_splits(splits).to_dict("records"), split)
        if chosen is not None:  # None: `all`, every policy
            frame = frame[frame["policy_id"].isin(chosen)].reset_index(drop=True)
    if not wide or LABEL not in frame.columns:  # a release before 1.0.0 is wide already
        return frame
    segments, _ = _frame("segments", path, version, url, sha256)
    return wide_segment_labels(frame, segments, _scheme_of(frame, folder, scheme))


SEGMENT_LABELS, LABEL = "segment_labels", "label"
# The figures of a label in the wide view, each a column <prefix><label>, in this order.
WIDE_FIGURES = {
    "n_labeled": "n_",
    "share_labeled": "share_",
    "is_majority": "is_majority_",
    "has_label": "has_",
}


def _frame(name, path, version, url, sha256) -> tuple[pd.DataFrame, Path]:
    """A table and the folder of the build or release it is in."""
    filename = f"{name}.parquet"
    if url is not None:
        file = _fetched_release_file(url, version, filename, sha256)
    elif version is not None:
        file = _local_release_file(version, filename, sha256)
    else:
        folder = Path(path or package_data("labeled", "data/labeled"))
        return _read_folder(folder, name), folder
    return read_release_frame(file, name), file.parent


def _long_splits(splits: pd.DataFrame) -> pd.DataFrame:
    """The splits table as rows per split: a release up to 1.0.0 has one row per policy,
    its `split` the part of the default split."""
    if "split_name" in splits.columns:
        return splits
    return splits.assign(split_name=DEFAULT).rename(columns={"split": "part"})


def _scheme_of(frame: pd.DataFrame, folder: Path, scheme: str | None):
    """The scheme whose matrix is asked for: `scheme`, or the tables' one scheme."""
    held = sorted(set(frame["scheme"].dropna().astype(str)))
    schemes = schemes_of(folder)
    if scheme is None and len(held) > 1:
        raise InvalidArgument(
            f"load: segment_labels holds the labels of several schemes ({', '.join(held)}); "
            f"give one: load('segment_labels', wide=True, scheme={held[0]!r})"
        )
    chosen = scheme if scheme is not None else (held[0] if held else schemes.hub.id)
    if schemes.get(chosen) is None or schemes.get(chosen).first_label_set is None:
        labelled = [s.id for s in schemes if s.first_label_set]
        raise InvalidArgument(
            f"load: the tables in {folder} have no segment labels of scheme {chosen!r}; "
            f"their schemes with label sets are {', '.join(labelled)}"
        )
    return schemes[chosen]


def wide_segment_labels(long: pd.DataFrame, segments: pd.DataFrame, s) -> pd.DataFrame:
    """segment_labels as the multi-hot matrix of scheme `s`: one row per labelled segment,
    its text, and per label of the scheme's first label set its figures (WIDE_FIGURES)."""
    rows = long[long["scheme"] == s.id]
    key = ["policy_id", "segment_id"]
    base = rows.drop_duplicates(key)[[*key, "n_annotators", "layer"]].reset_index(drop=True)
    base = base.merge(segments[[*key, "text"]], on=key, how="left")
    labels = [label.id for label in s.label_sets[s.first_label_set]]
    columns = {}
    for figure, prefix in WIDE_FIGURES.items():
        pivoted = rows.pivot(index=key, columns=LABEL, values=figure)
        pivoted = pivoted.reindex(columns=labels).reindex(pd.MultiIndex.from_frame(base[key]))
        for label in labels:
            columns[f"{prefix}{label}"] = pivoted[label].to_numpy()
    figures = pd.DataFrame(columns)
    for figure, prefix in WIDE_FIGURES.items():
        dtype = rows[figure].dtype
        for label in labels:
            figures[f"{prefix}{label}"] = figures[f"{prefix}{label}"].astype(dtype)
    return pd.concat([base, figures], axis=1)


SHA256_PIN = re.compile(r"(sha256:)?[0-9a-fA-F]{64}")


def _check_arguments(name, path, version, url, sha256) -> None:
    """Refuse a wrong type, a malformed value or a combination that would silently
    ignore one of the arguments, before anything is read."""
    for argument, value, example in [
        ("name", name, "'practices'"),
        ("version", version, "'0.1.0'"),
        ("url", url, "'https://example.org/privacy-labels-0.1.0.tar.gz'"),
        ("sha256", sha256, "'sha256:' and 64 hex digits"),
    ]:
        if value is not None and not isinstance(value, str):
            raise WrongArgumentType(
                f"load: {argument} must be a string such as {example}, "
                f"not {value!r} ({type(value).__name__})"
            )
    if path is not None and not isinstance(path, str | os.PathLike):
        raise WrongArgumentType(
            f"load: path must be a folder's path (str or Path), not {path!r} ({type(path).__name__})"
        )
    table(name)  # unknown names fail here, listing the known ones
    if version is not None and not SEMVER.fullmatch(version):
        # A version names a folder: only MAJOR.MINOR.PATCH, never a path such as "../x".
        raise InvalidArgument(f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. '0.1.0')")
    if path is not None and (version is not None or url is not None):
        given = "version=" if url is None else "url="
        raise InvalidArgument(
            f"load: path= (a folder of tables) and {given} (a release) name different "
            f"tables; give one: load({name!r}, {str(path)!r}) or load({name!r}, {given}...)"
        )
    if sha256 is not None and version is None and url is None:
        raise InvalidArgument(
            "load: sha256= pins a release and is checked only with version= or url=; "
            "give one of them, or leave sha256 out"
        )
    if sha256 is not None and not SHA256_PIN.fullmatch(sha256):
        raise InvalidArgument(
            f"load: sha256 {sha256!r} is not a sha256 (64 hex digits, optionally after "
            "'sha256:'); copy it from the release's page or `sha256sum`"
        )


def _read_folder(folder: Path, name: str) -> pd.DataFrame:
    """A table from a folder of built tables, or from a release folder, checked."""
    if folder.is_file():
        raise InvalidArgument(
            f"{folder} is a file; pass the folder that holds the tables: "
            f"load({name!r}, {str(folder.parent)!r})"
        )
    if (folder / SHA256SUMS).is_file():  # a release folder: read as a release is
        return read_release_frame(
            _verified(folder, f"{name}.parquet", read_sha256sums(folder / SHA256SUMS)), name
        )
    return read_frame(folder, name)


def _verified(folder: Path, filename: str, sums: dict[str, str]) -> Path:
    file = folder / filename
    if filename not in sums and not file.exists():
        listed = sorted(n.removesuffix(".parquet") for n in sums if n.endswith(".parquet"))
        raise TableNotInRelease(
            f"{folder.name} has no {filename.removesuffix('.parquet')} table (it has "
            f"{', '.join(listed)}); the table came in a later version: load a newer release "
            "or the current build"
        )
    if filename not in sums:
        raise IntegrityError(f"{folder / SHA256SUMS} does not list {filename}")
    if not file.is_file():
        raise IntegrityError(f"{file} is missing; the release is incomplete")
    if sha256_file(file) != sums[filename]:
        raise IntegrityError(
            f"{file} does not match its sha256 in {SHA256SUMS}; the file was changed or "
            "damaged (run `privacy-labels verify` on the folder, or fetch the release again)"
        )
    return file


def _local_release_file(version: str, filename: str, sha256: str | None) -> Path:
    folder = releases_dir() / version
    if not (folder / SHA256SUMS).is_file():
        known = ", ".join(versions()) or "none"
        raise ReleaseNotFound(
            f"no release {version!r} in {releases_dir()} (available: {known}); "
            "pass url= to fetch it"
        )
    _pinned(folder / SHA256SUMS, sha256)
    return _verified(folder, filename, read_sha256sums(folder / SHA256SUMS))


class CacheUnusable(PrivacyLabelsError):
    """The folder for fetched releases cannot be made or written."""


def cache_dir() -> Path:
    """Where fetched releases are kept: $PRIVACY_LABELS_CACHE, else the user cache folder;
    made if missing. Raises CacheUnusable naming the variable to set when it cannot be.
    """
    import pooch

    configured = os.environ.get("PRIVACY_LABELS_CACHE")
    if configured:
        folder, origin = Path(configured).expanduser(), "set by PRIVACY_LABELS_CACHE"
    else:
        folder, origin = Path(pooch.os_cache("privacy-labels")), "the user cache folder, under HOME"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "not writable")
    except OSError as error:
        reason = "a file is there" if isinstance(error, FileExistsError) else error.strerror
        raise CacheUnusable(
            f"{folder} ({origin}) cannot hold fetched releases ({reason or error}); "
            "set PRIVACY_LABELS_CACHE to a folder you can write"
        ) from None
    return folder


def _local_sums_file(version: str | None) -> Path | None:
    """The SHA256SUMS of a locally available release, which pins the same release fetched."""
    file = releases_dir() / version / SHA256SUMS if version else None
    return file if file is not None and file.is_file() else None


def _retrieve(url: str, **kwargs) -> str | list[str]:
    """pooch.retrieve, with its errors told in the loader's terms."""
    import pooch

    try:
        return pooch.retrieve(url, progressbar=False, **kwargs)
    except ValueError as error:  # pooch's word for a hash mismatch
        raise IntegrityError(f"{url}: {error}") from None
    except OSError as error:  # network and HTTP errors (requests' are OSErrors)
        raise ReleaseNotFound(f"could not fetch {url}: {error}") from None


# What pooch fetches; a local path or file:// address is read here.
FETCHED_SCHEMES = ("http", "https", "ftp")


def _local_path(url: str) -> Path | None:
    """The local path a `url` names (a path, or a file:// address), else None for one to
    fetch; ValueError for a scheme neither reads.
    """
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    parsed = urlparse(url)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise InvalidArgument(f"{url}: a file:// address must name this machine's files")
        return Path(url2pathname(parsed.path))
    if parsed.scheme in FETCHED_SCHEMES:
        return None
    if parsed.scheme == "" or len(parsed.scheme) == 1:  # a path (C:\ on Windows)
        return Path(url).expanduser()
    raise InvalidArgument(
        f"url scheme {parsed.scheme!r} is not supported: give an http(s):// or ftp:// "
        "address, a file:// address, or the path of a release folder or archive"
    )


def _local_release(local: Path, version: str | None, sha256: str | None) -> tuple[Path, dict]:
    """A release folder, or one unpacked from a local archive, with its SHA256SUMS."""
    if local.is_dir():
        sums_file = local / SHA256SUMS
        if not sums_file.is_file():
            raise ReleaseNotFound(f"{local} is not a release folder: it has no {SHA256SUMS}")
        _pinned(sums_file, sha256)
        return local, read_sha256sums(sums_file)
    if not local.is_file():
        raise ReleaseNotFound(f"{local}: no such release folder or archive")
    if not local.name.endswith(ARCHIVE_SUFFIXES):
        raise InvalidArgument(f"{local} is not a release archive ({', '.join(ARCHIVE_SUFFIXES)})")
    _pinned(local, sha256)
    digest = sha256_file(local)
    unpacked = cache_dir() / f"{version or 'unversioned'}-{digest[:12]}"
    if not unpacked.is_dir():
        _unpack(local, unpacked)
    sums_files = sorted(unpacked.rglob(SHA256SUMS))
    if len(sums_files) != 1:
        raise IntegrityError(f"{local} is not a release archive: it has no single {SHA256SUMS}")
    return sums_files[0].parent, read_sha256sums(sums_files[0])


def _pinned(file: Path, sha256: str | None) -> None:
    if sha256 is not None and sha256_file(file) != sha256.removeprefix("sha256:").lower():
        raise IntegrityError(f"{file} does not match the sha256 given ({sha256})")


def _unpack(archive: Path, folder: Path, name: str | None = None) -> None:
    """Unpack `archive` (called `name` in messages) into `folder`, whole or not at all;
    no member may leave it: tar members pass tarfile's "data" filter, given to this call.
    """
    import shutil
    import tempfile
    import zipfile

    name = name or str(archive)

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        as_if_created(staging, folder=True)
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.namelist():
                    target = (staging / member).resolve()
                    if staging.resolve() not in target.parents and target != staging.resolve():
                        raise IntegrityError(f"{name}: member {member!r} leaves the archive")
                zipped.extractall(staging)
        else:
            with tarfile.open(archive) as tarred:
                tarred.extractall(staging, filter="data")
        os.replace(staging, folder)
    except tarfile.FilterError as error:
        raise IntegrityError(f"{name} is not a safe release archive: {error}") from None
    except (tarfile.TarError, zipfile.BadZipFile) as error:
        raise IntegrityError(f"{name} is not a readable release archive: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _fetched_release_file(url: str, version: str | None, filename: str, sha256: str | None) -> Path:
    """Fetch a release (folder or archive) into the cache, checking every step by sha256;
    read a local one (a path or file:// address) in place.
    """
    known_file = _local_sums_file(version)
    known = read_sha256sums(known_file) if known_file else None
    local = _local_path(url)
    if local is not None:
        folder, sums = _local_release(local, version, sha256)
        if known is not None and sums != known:
            raise IntegrityError(
                f"the release at {url} differs from release {version} shipped with the package"
            )
        return _verified(folder, filename, sums)
    # One cache folder per (version, url), so releases fetched from elsewhere never mix.
    subfolder = cache_dir() / f"{version or 'unversioned'}-{sha256_bytes(url.encode())[:12]}"
    if url.endswith(ARCHIVE_SUFFIXES):
        # Fetched whole, then unpacked here with the "data" filter of this one call (no
        # pooch processor: it would extract with tarfile's process-wide default).
        archive = Path(_retrieve(url, known_hash=sha256, path=subfolder))
        unpacked = archive.with_name(f"{archive.name}.{sha256_file(archive)[:12]}.unpacked")
        if not unpacked.is_dir():
            _unpack(archive, unpacked, name=url)
        sums_files = sorted(unpacked.rglob(SHA256SUMS))
        if len(sums_files) != 1:
            raise IntegrityError(f"{url} is not a release archive: it has no single {SHA256SUMS}")
        folder = sums_files[0].parent
        sums = read_sha256sums(sums_files[0])
    else:
        base = url if url.endswith("/") else url + "/"
        sums_hash = sha256 or (f"sha256:{sha256_file(known_file)}" if known_file else None)
        sums_file = _retrieve(
            base + SHA256SUMS, known_hash=sums_hash, fname=SHA256SUMS, path=subfolder
        )
        folder = Path(sums_file).parent
        sums = read_sha256sums(Path(sums_file))
        # The table, and what describes its labels: the release's schemes (datapackage.json
        # for a release from before schemes/).
        described = [n for n in sums if n == DATAPACKAGE or n.startswith(f"{SCHEMES}/")]
        for name in [filename, *described] if filename in sums else []:
            _retrieve(
                base + name,
                known_hash=f"sha256:{sums[name]}",
                fname=Path(name).name,
                path=folder / Path(name).parent,
            )
    if known is not None and sums != known:
        raise IntegrityError(
            f"the release at {url} differs from release {version} shipped with the package"
        )
    return _verified(folder, filename, sums)
