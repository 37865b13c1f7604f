"""The report in a real browser: headless Chromium opens every page, and each label cell's
link lands on its evidence, highlighted in the policy text.

Needs Debian's chromium (`make test-tools` installs it) and playwright (test extra); skips
without them.
"""

from __future__ import annotations

import shutil

import pytest

import privacy_labels as pl
from privacy_labels.contract.policy_labels import question
from privacy_labels.contract.scheme_set import answers
from privacy_labels.contract.schemes import scheme
from tests.conftest import REPO

LABELED = REPO / "data" / "labeled"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network and a root user, as the machine's own checks use them.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium; run `make test-tools`"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from privacy_labels.outputs.report import write_report

    out = tmp_path_factory.mktemp("site") / "labels"
    write_report(LABELED, out)
    return out


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _evidence(policy_id: str) -> dict[str, set[str]]:
    """The texts each practice of a policy is evidenced by, from the tables: its spans, or
    its segment when it has none."""
    practices = pl.load("practices", LABELED)
    practices = practices[practices["policy_id"] == policy_id]
    values = pl.load("attribute_values", LABELED)
    segments = pl.load("segments", LABELED).set_index(["policy_id", "segment_id"])["text"]
    texts: dict[str, set[str]] = {p: set() for p in practices["practice_id"]}
    for row in values[values["practice_id"].isin(texts)].itertuples():
        if isinstance(row.span_text, str):
            texts[row.practice_id].add(row.span_text)
    for row in practices.itertuples():
        texts[row.practice_id] = texts[row.practice_id] or {segments[policy_id, row.segment_id]}
    return texts


def test_the_corpus_page_shows_counts_and_charts(browser, site, tmp_path):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.screenshot(path=tmp_path / "index.png", full_page=True)
    assert (tmp_path / "index.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.locator("svg[role=img]").count() == 2  # categories, attributes
    charted = page.locator("svg[role=img]").first.locator("rect title").all_text_contents()
    # The page counts each policy's labelling layer (the seed's: consolidated), named on it.
    practices = pl.load("practices", LABELED)
    categories = practices[practices.annotator == "consolidated"]["category"].value_counts()
    assert charted == [f"{c.name}: {categories[c.id]:,}" for c in scheme("opp115").categories]
    links = page.locator("a[href^='policies/']")
    policy_ids = sorted(pl.load("policies", LABELED)["policy_id"])
    assert links.all_text_contents() == policy_ids
    links.first.click()
    assert page.url.endswith(f"policies/{policy_ids[0]}.html")
    assert page.locator("table.label").is_visible()


@pytest.mark.parametrize(
    "policy_id",
    sorted(p.stem for p in (REPO / "data" / "raw" / "policies").glob("*.json")),
)
def test_every_label_cell_links_to_its_highlighted_evidence(browser, site, tmp_path, policy_id):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto((site / "policies" / f"{policy_id}.html").as_uri())
    page.screenshot(path=tmp_path / f"{policy_id}.png", full_page=True)
    assert (tmp_path / f"{policy_id}.png").stat().st_size > 10_000
    grid = page.locator("table.label")
    hub = scheme("opp115")
    assert grid.locator("tbody tr").count() == len(answers(hub, question(hub, "collected")))
    evidence = _evidence(policy_id)
    cells = page.locator("table.label td.cell a, .answers a")  # the grid, then the lists
    n_cells = cells.count()
    assert n_cells > 10
    for i in range(n_cells):
        link = cells.nth(i)
        practice_id = link.get_attribute("href").removeprefix("#practice-")
        assert practice_id in evidence
        link.click()
        assert page.evaluate("location.hash") == f"#practice-{practice_id}"
        # The page highlights on the hashchange event, which comes after the click returns:
        # wait until the highlighted marks are all, and only, this practice's.
        page.wait_for_function(
            """id => {
                const marks = [...document.querySelectorAll("mark.evidence.current")];
                return marks.length > 0
                    && marks.every(mark => mark.dataset.practices.split(" ").includes(id));
            }""",
            arg=practice_id,
            timeout=5_000,
        )
        marks = page.locator("mark.evidence.current")
        assert marks.first.is_visible()
        page.wait_for_function(  # the browser scrolled to the evidence
            """id => {
                const top = document.getElementById("practice-" + id).getBoundingClientRect().top;
                return -2 <= top && top < window.innerHeight;  // -2: subpixel rounding
            }""",
            arg=practice_id,
            timeout=5_000,
        )
        # Highlighted is exactly the practice's evidence: each span whole, and nothing
        # outside its spans (or its segment, when it has none).
        pieces = marks.evaluate_all("marks => marks.map(mark => mark.textContent)")
        spans = evidence[practice_id]
        assert all(span in "".join(pieces) for span in spans), practice_id
        assert all(any(piece in span for span in spans) for piece in pieces), practice_id
        # Back to the top with no fragment, so the next link is followed afresh.
        page.evaluate("history.replaceState(null, '', location.pathname); window.scrollTo(0, 0)")
