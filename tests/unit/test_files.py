"""Folder swaps that never show half an output, also where no atomic exchange exists."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy_labels import _files, _json
from privacy_labels._files import Busy, exclusive, replace_dir_when_done


def write(target, text):
    with replace_dir_when_done(target) as staging:
        (staging / "table.csv").write_text(text)


@pytest.mark.parametrize("atomic_exchange", [True, False], ids=["exchange", "two-renames"])
def test_each_run_replaces_the_whole_folder(tmp_path, monkeypatch, atomic_exchange):
    if not atomic_exchange:
        monkeypatch.setattr(_files, "_exchange", lambda a, b: False)
    target = tmp_path / "out"
    write(target, "first")
    (target / "stale.csv").write_text("from an older run")
    write(target, "second")
    assert sorted(p.name for p in target.iterdir()) == ["table.csv"]
    assert (target / "table.csv").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_error_keeps_the_old_folder_and_removes_the_staging(tmp_path):
    target = tmp_path / "out"
    write(target, "first")
    with pytest.raises(RuntimeError), replace_dir_when_done(target) as staging:
        (staging / "table.csv").write_text("half")
        raise RuntimeError("stopped")
    assert (target / "table.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_next_run_undoes_a_swap_killed_between_its_two_renames(tmp_path):
    target = tmp_path / "out"
    write(target, "first")
    target.rename(tmp_path / ".out.old")  # killed after the first rename of the fallback
    (tmp_path / ".out.abcd1234.tmp").mkdir()  # and its staging folder left behind
    with replace_dir_when_done(target) as staging:
        assert (target / "table.csv").read_text() == "first"  # restored before anything else
        (staging / "table.csv").write_text("second")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_held_lock_refuses_a_second_writer(tmp_path):
    target = tmp_path / "out"
    with exclusive(target), pytest.raises(Busy, match="being written by another run"):
        write(target, "second")
    write(target, "after")  # the lock is free again
    assert (target / "table.csv").read_text() == "after"


def test_the_lock_is_kept_elsewhere_and_removed_when_released(tmp_path):
    target = tmp_path / "out"
    with exclusive(target):
        assert list(tmp_path.iterdir()) == []  # nothing beside the output, even while held
        assert _files._lock_path(target).read_text().strip().isdigit()  # the holder's pid
    assert not _files._lock_path(target).exists()


def test_a_failed_swap_keeps_the_old_folder_and_removes_the_staging(tmp_path, monkeypatch):
    target = tmp_path / "out"
    write(target, "first")
    monkeypatch.setattr(_files, "_exchange", lambda a, b: False)
    real_rename = _files.os.rename

    def rename(a, b):
        if str(b) == str(target) and str(a).endswith(".tmp"):  # staging into place
            raise OSError(28, "No space left on device", str(b))
        return real_rename(a, b)

    monkeypatch.setattr(_files.os, "rename", rename)
    with pytest.raises(OSError):
        write(target, "second")
    assert (target / "table.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_cycle_collector_pause_is_scoped_and_counted():
    import gc
    import threading

    from privacy_labels._files import cycle_collector_paused, without_cycle_collector

    assert gc.isenabled()
    entered, leave = threading.Event(), threading.Event()

    def other_thread():
        with cycle_collector_paused():
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=other_thread)
    thread.start()
    entered.wait(10)
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's pause is still on
    leave.set()
    thread.join()
    assert gc.isenabled()
    with pytest.raises(ValueError), cycle_collector_paused():
        raise ValueError
    assert gc.isenabled()
    assert without_cycle_collector(gc.isenabled)() is False
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else before: left paused
    finally:
        gc.enable()


# -- dump_json: the standard encoder's bytes, written faster ------------------------------

_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities included: left to the standard encoder
    | st.text()  # any code point, control characters and lone surrogates included
)
_JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        # keys the standard encoder converts (numbers, booleans, None): left to it
        | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, max_size=2)
    ),
    max_leaves=15,
)


@given(_JSON_VALUES)
def test_dump_json_writes_the_standard_encoders_bytes(data):
    assert _json.dump_json(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_dump_json_leaves_what_it_does_not_write_to_the_standard_encoder():
    from collections import OrderedDict

    for data in (OrderedDict(a=[1]), {"a": {1: 2.5}}, [float("nan")], {"b": 1e16}, (True,)):
        assert _json.dump_json(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference"):
        _json.dump_json(cycle)
    with pytest.raises(TypeError, match="not JSON serializable"):
        _json.dump_json({"a": {1, 2}})


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request):
    """Run the test under a umask, restored after."""
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_umask_is_read_without_being_changed(umask):
    assert _files.current_umask() == umask
    assert os.umask(umask) == umask


def test_staged_files_and_folders_get_the_umasks_mode(tmp_path, umask):
    _files.write_text_atomic(tmp_path / "new.txt", "text")
    write(tmp_path / "out", "table")
    assert mode(tmp_path / "new.txt") == 0o666 & ~umask  # 644 under 022, 600 under 077
    assert mode(tmp_path / "out") == 0o777 & ~umask  # 755 under 022, 700 under 077
    assert mode(tmp_path / "out" / "table.csv") == 0o666 & ~umask


def test_a_replaced_file_keeps_its_mode(tmp_path, umask):
    citation = tmp_path / "CITATION.cff"
    citation.write_text("old")
    citation.chmod(0o644)
    _files.write_text_atomic(citation, "new")
    assert citation.read_text() == "new" and mode(citation) == 0o644


def test_an_error_removes_the_folders_made_for_the_output(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "kept.txt").write_text("a user's")
    with pytest.raises(RuntimeError), replace_dir_when_done(tmp_path / "data/a/b/out"):
        raise RuntimeError("stopped")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "kept.txt"]
