"""Generate a synthetic raw corpus shaped like OPP-115, at any scale, for benchmarks.

    .venv/bin/python -m tests.synthetic OUT --policies 11500 [--seed 0] [--workers 2]

or, from Python, `generate(Path("OUT"), 11_500, seed=0, workers=2)`.

OUT gets the raw layout (`policies/<policy_id>.txt` and `.json`,
`annotations/<policy_id>/<annotator>.json`), valid for `privacy-labels validate`
and `build`. Per policy the shape follows OPP-115 v1.0 (115 policies, 3,792
segments, 23,194 practices): about 2,500 words in ~33 paragraphs, one segment
per paragraph, three annotators and ~200 practices between them, categories at
OPP-115's frequencies, about 60% of values with an evidence span. The prose is
made from privacy-policy sentence templates and means nothing; the labels are
random draws, not a reading of the text, so agreement figures are not meaningful.

Policy i is generated from `random.Random(f"{seed}:{i}")` alone, so a seed
always gives the same bytes, N policies are a prefix of M > N, and the number
of worker processes never changes the output. The corpus is written into a
staging folder beside OUT and renamed into place when complete.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import re
import signal
import sys
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import astuple, dataclass
from pathlib import Path
from random import Random

from privacy_labels._files import replace_dir_when_done, sha256_bytes
from privacy_labels._json import dump_json
from privacy_labels.contract.schema import GUIDELINES_VERSION, schema_version
from privacy_labels.contract.schemes import scheme
from privacy_labels.raw.documents import annotation_document, make_practice, make_provenance
from privacy_labels.raw.policies import SEGMENTATION

# -- the shape -------------------------------------------------------------------
# OPP-115's share of practices per category, approximately (Wilson et al., ACL 2016);
# normalised below.
CATEGORY_WEIGHTS = {
    "first_party_collection_use": 0.38,
    "third_party_sharing_collection": 0.28,
    "user_choice_control": 0.08,
    "other": 0.08,
    "data_security": 0.04,
    "international_and_specific_audiences": 0.04,
    "user_access_edit_and_deletion": 0.03,
    "policy_change": 0.02,
    "data_retention": 0.02,
    "do_not_track": 0.01,
}
ANNOTATORS = ("annotator-1", "annotator-2", "annotator-3")
# Words per policy and per paragraph are lognormal: OPP-115's policy lengths vary widely
# around a mean of ~2,500 words in ~33 segments (mean = median·e^(σ²/2)).
POLICY_WORDS_MEDIAN, POLICY_WORDS_SIGMA = 2_100, 0.5
POLICY_WORDS_MIN, POLICY_WORDS_MAX = 300, 15_000
PARAGRAPH_WORDS_MEDIAN, PARAGRAPH_WORDS_SIGMA = 53, 0.7
# Each paragraph needs this many characters so that `privacy_labels.raw.policies.segment_text`,
# which joins shorter ones (headings) to the next, finds the same segments.
MIN_PARAGRAPH_CHARS = 100
# Practices per segment: a shared "true" set that each annotator mostly finds (KEEP),
# sometimes with a different value (REDRAW), plus one of their own now and then (EXTRA).
# Tuned to OPP-115's ~2 practices per segment per annotator.
N_TRUE_PRACTICES, N_TRUE_WEIGHTS = (0, 1, 2, 3, 4, 5), (8, 30, 30, 18, 9, 5)
KEEP, REDRAW, EXTRA = 0.85, 0.2, 0.33
# The opening and contact paragraphs state one practice each, as in OPP-115.
FRAME_VALUES = ("introductory_generic", "privacy_contact_information")
OTHER_IN_FRAME = 0.03  # the share of practices that those two paragraphs make `other`
ON_TOPIC = 0.65  # a practice's category is its paragraph's topic, else drawn afresh
OPTIONAL = 0.3  # an optional attribute is given
SPAN = 0.6  # a value has an evidence span
SPAN_WORDS = (3, 16)

# -- the vocabulary ----------------------------------------------------------------
# Straight apostrophes in the templates become ’ in about half the policies, and a
# few pools carry é, ü, € and “ ”, so character and byte offsets differ.
POOLS: dict[str, tuple[str, ...]] = {
    "data": (
        "your name",
        "your e-mail address",
        "your postal address",
        "your phone number",
        "your IP address",
        "device identifiers",
        "your browser type and language",
        "precise location data",
        "your approximate location",
        "payment card details",
        "your purchase history",
        "demographic information such as your age and gender",
        "information about your health",
        "your date of birth",
        "the content you post in public forums",
        "your contacts list",
        "log data",
        "usage statistics",
        "your social media profile",
        "your résumé and cover letter",
        "survey responses",
        "your account credentials",
        "the pages you view and the links you click",
    ),
    "purpose": (
        "to provide and improve our services",
        "to personalise your experience",
        "to send you newsletters and other marketing communications",
        "to show you advertising that is more relevant to you",
        "to analyse how our website is used",
        "to prevent fraud and protect the security of our services",
        "to comply with our legal obligations",
        "to process your orders and payments",
        "to respond to your questions and requests",
        "for research and product development",
        "to verify your identity",
        "to administer contests and promotions",
    ),
    "third": (
        "our service providers",
        "advertising networks",
        "analytics providers such as Google Analytics",
        "our affiliates and subsidiaries",
        "carefully selected business partners",
        "law enforcement agencies",
        "payment processors",
        "social networks such as Facebook and Twitter",
        "other users of the service",
        "data brokers",
        "our professional advisers",
    ),
    "when": (
        "when you register for an account",
        "when you use our mobile app",
        "when you contact customer support",
        "when you visit our website",
        "when you make a purchase",
        "when you take part in a promotion or survey",
        "automatically as you browse our pages",
        "when you connect your account to a social network",
    ),
    "action": (
        "create an account",
        "sign up for our newsletter",
        "place an order",
        "enter a contest or sweepstakes",
        "contact customer support",
        "apply for a job",
        "leave a review",
    ),
    "choice": (
        "by clicking the unsubscribe link in any e-mail we send",
        "by changing your browser settings",
        "by adjusting the privacy settings in your account",
        "by contacting us at the address below",
        "by visiting the Network Advertising Initiative's opt-out page",
        "by writing to our Data Protection Officer",
        "through the “Manage Preferences” page",
    ),
    "period": (
        "for as long as your account is active",
        "for up to 12 months",
        "for 18 months after your last visit",
        "for seven years after your last purchase",
        "for as long as necessary to fulfil the purposes described in this policy",
        "for as long as the law requires",
        "for 30 days",
    ),
    "measure": (
        "Secure Socket Layer (SSL) encryption",
        "firewalls and access controls",
        "encryption of stored data",
        "regular security audits",
        "password protection",
        "two-factor authentication",
        "physical safeguards at our data centres",
    ),
    "audience": (
        "children under the age of 13",
        "children under 16",
        "residents of California",
        "users in the European Economic Area",
        "visitors from outside the United States",
        "users in Québec",
    ),
    "right": ("access", "correct", "delete", "export", "restrict the processing of"),
    "means": (
        "e-mail",
        "a notice on our home page",
        "a prominent notice in the app",
        "a message when you next sign in",
    ),
    "region": (
        "the United States",
        "the European Union",
        "Canada",
        "the United Kingdom",
        "Switzerland",
        "Brazil",
        "Japan",
        "Australia",
    ),
    "service": ("website", "mobile app", "services", "online store", "platform", "newsletter"),
    "tech": (
        "cookies",
        "web beacons",
        "pixel tags",
        "local storage",
        "software development kits",
        "server logs",
        "Flash cookies",
    ),
    "law": (
        "the Children's Online Privacy Protection Act",
        "the General Data Protection Regulation",
        "the California Consumer Privacy Act",
        "applicable data protection laws",
        "the Gramm–Leach–Bliley Act",
    ),
    "contact": (
        "our Privacy Office",
        "our Data Protection Officer",
        "customer support",
        "us at the address below",
    ),
    "days": ("10", "14", "30", "45", "60"),
    "amount": ("€25", "€100", "€500", "$50", "£20"),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "first_party_collection_use": (
        "We collect {data} {when}.",
        "When you {action}, we may ask you to provide {data} and {data}.",
        "We use {data} {purpose}.",
        "{org} may also collect {data} automatically through {tech} {when}.",
        "This information is used {purpose} and {purpose}.",
        "We may combine {data} with information we receive from other sources {purpose}.",
        "Our servers automatically record {data}, such as the pages you visit and the time you spend on them.",
        "If you choose not to provide {data}, you may not be able to use some features of our {service}.",
        "We do not collect {data} unless you choose to give it to us.",
        "We use {tech} to remember your preferences and {purpose}.",
        "Information such as {data} helps us understand how visitors use our {service}.",
    ),
    "third_party_sharing_collection": (
        "We may share {data} with {third} {purpose}.",
        "We do not sell or rent {data} to {third}.",
        "{third} may collect {data} through {tech} when you use our {service}.",
        "We may disclose your information to {third} if we believe in good faith that it's required by law.",
        "When you use features provided by {third}, they may receive {data}.",
        "Our partners, including {third}, may use {data} only {purpose}.",
        "In the event of a merger, acquisition or sale of assets, {data} may be transferred to the buyer.",
        "We may share aggregated or de-identified information with {third} for research and analytics.",
        "{third} may set their own {tech} on your browser to serve ads across other websites.",
        "These third parties' use of your information is governed by their own privacy policies, not this one.",
    ),
    "user_choice_control": (
        "You can opt out of receiving marketing e-mails {choice}.",
        "You may refuse {tech} {choice}, although some parts of our {service} may then not work properly.",
        "If you don't want us to use {data} {purpose}, you can tell us {choice}.",
        "You can withdraw your consent at any time {choice}.",
        "To stop {third} from using {data} for interest-based advertising, you can opt out {choice}.",
        "Where we rely on your consent, we'll ask for it before we collect {data}.",
        "Your choices regarding {tech} are explained in our Cookie Policy.",
    ),
    "user_access_edit_and_deletion": (
        "You may {right} the personal information we hold about you {choice}.",
        "You can review and update {data} at any time in your account settings.",
        "If you wish to delete your account, please contact {contact} and we will remove {data} within {days} days.",
        "You have the right to {right} your data and to receive a copy of it in a portable format.",
        "We may ask you to verify your identity before we respond to a request to {right} your information.",
        "Some information may remain in our backup copies after you've deleted it.",
    ),
    "data_retention": (
        "We retain {data} {period}.",
        "We keep records of transactions over {amount} {period} to meet our accounting obligations.",
        "When we no longer need {data}, we delete it or make it anonymous.",
        "Log files are kept {period} and then deleted.",
        "We may retain certain information {period} to resolve disputes and enforce our agreements.",
    ),
    "data_security": (
        "We protect {data} using {measure} and {measure}.",
        "We use {measure} to protect your information from unauthorised access, loss or misuse.",
        "Access to {data} is limited to employees who need it to do their jobs.",
        "However, no method of transmission over the Internet is completely secure, and we can't guarantee absolute security.",
        "Please keep your password secret and tell us immediately if you think it's been compromised.",
        "We regularly review our security procedures, including {measure}, and update them when necessary.",
    ),
    "policy_change": (
        "We may update this Privacy Policy from time to time.",
        "If we make material changes, we will notify you by {means} before they take effect.",
        "The date at the top of this page shows when the policy was last revised.",
        "Your continued use of our {service} after the changes take effect means that you accept the revised policy.",
        "If you do not agree with the changes, you may close your account within {days} days.",
        "We'll ask for your consent before we use {data} in a way that differs materially from what we stated when it was collected.",
    ),
    "do_not_track": (
        "Some browsers offer a “Do Not Track” setting that tells websites you don't want to be tracked.",
        "Our {service} does not currently respond to Do Not Track signals.",
        "Because there is no common standard for Do Not Track, we do not change our practices when we receive such a signal.",
        "We honour Do Not Track signals and do not use {tech} for tracking when the setting is on.",
        "{third} may still collect information about your online activities over time and across different websites.",
    ),
    "international_and_specific_audiences": (
        "Our {service} is not directed to {audience}, and we do not knowingly collect {data} from them.",
        "If you are a parent and believe that your child has given us personal information, please contact {contact} so we can delete it.",
        "Special provisions apply to {audience}, who may have additional rights under {law}.",
        "Your information may be transferred to and processed in {region}, where data protection laws may differ from those in your country.",
        "Residents of California may request a list of the third parties to which we disclosed personal information for direct marketing purposes in the previous calendar year.",
        "For transfers from {region}, we rely on standard contractual clauses approved by the European Commission.",
        "Users in France may also complain to the Commission nationale de l'informatique et des libertés.",
    ),
    "other": (
        "This Privacy Policy explains how {org} collects, uses and shares information about you when you use our {service}.",
        "Please read this policy carefully to understand our practices.",
        "By using our {service}, you agree to the terms of this Privacy Policy and our Terms of Use.",
        "This policy applies only to information collected through our {service} and not to information collected offline.",
        "Our {service} may contain links to other websites whose privacy practices may differ from ours.",
        "If you have questions about this policy, please contact {contact}.",
        "Capitalised terms not defined here have the meanings given in our Terms of Service.",
        "{org} respects your privacy and is committed to protecting it.",
    ),
}
# Any paragraph sometimes says something that fits anywhere.
GENERIC = (
    "The details depend on which features of our {service} you use.",
    "We describe these practices in more detail below.",
    "For example, this may include {data}.",
    "In some cases, we do so only with your consent.",
    "This helps us provide a better experience.",
)
GENERIC_SHARE = 0.15
HEADINGS = {
    "first_party_collection_use": (
        "Information We Collect",
        "How We Use Your Information",
        "Information You Provide to Us",
        "Information Collected Automatically",
    ),
    "third_party_sharing_collection": (
        "How We Share Your Information",
        "Third-Party Services",
        "Disclosure to Third Parties",
        "Advertising and Analytics",
    ),
    "user_choice_control": ("Your Choices", "Opting Out", "Cookies and Your Choices"),
    "user_access_edit_and_deletion": ("Accessing and Updating Your Information", "Your Rights"),
    "data_retention": ("Data Retention", "How Long We Keep Your Information"),
    "data_security": ("Security", "How We Protect Your Information"),
    "policy_change": ("Changes to This Policy", "Updates to This Privacy Policy"),
    "do_not_track": ("Do Not Track", "Do Not Track Signals"),
    "international_and_specific_audiences": (
        "Children's Privacy",
        "Your California Privacy Rights",
        "International Users",
        "Notice to European Users",
    ),
    "other": ("About This Policy", "Links to Other Websites", "Questions"),
}
HEADING_SHARE = 0.35
ORG_STEMS = (
    "Acme", "Bright", "North", "Blue", "Silver", "Clear", "Open", "Swift", "Green", "Sun",
    "Peak", "River", "Cloud", "Maple", "Cedar", "Harbor", "Nova", "Atlas", "Orbit", "Pixel",
    "Quill", "Summit", "Zephyr", "Lumière", "Élan", "Kiwi", "Lark", "Mosaic",
)  # fmt: skip
ORG_ENDS = (
    "wave", "path", "line", "works", "soft", "labs", "point", "stone", "field", "gate",
    "hub", "cast", "ly", "box", "mint", "nest",
)  # fmt: skip
ORG_KINDS = ("", "", " Inc.", " LLC", " Ltd.", " Media", " Group", " Technologies")
STREETS = ("Main Street", "Market Street", "Harbour Road", "Rue Sainte-Catherine", "Oak Avenue")
CITIES = (
    "Springfield, IL 62701",
    "Austin, TX 78701",
    "San Francisco, CA 94105",
    "Montréal, QC H3B 2Y5",
    "8001 Zürich, Switzerland",
    "Dublin 2, Ireland",
    "New York, NY 10011",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
FIELD = re.compile(r"\{(\w+)\}")


def _weights_cum(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _slots() -> dict[str, list[tuple[str, bool, tuple[str, ...], list[float]]]]:
    """Per category: (attribute, is_required, values, cumulative weights) in schema order.

    Values are Zipf-weighted over an order fixed by the slot's name (the default
    value first), so that some values are common and others rare, as in OPP-115.
    """
    slots = {}
    for category in scheme("opp115").categories:
        slots[category.id] = []
        for attribute in category.attributes:
            values = attribute.value_ids
            order = sorted(values)
            Random(f"{category.id}/{attribute.id}").shuffle(order)
            if attribute.default in order:
                order.remove(attribute.default)
                order.insert(0, attribute.default)
            weights = [1 / (order.index(v) + 1) for v in values]
            slots[category.id].append(
                (attribute.id, attribute.is_required, tuple(values), _weights_cum(weights))
            )
    return slots


if set(CATEGORY_WEIGHTS) != set(scheme("opp115").category_ids):
    raise RuntimeError("CATEGORY_WEIGHTS must name exactly the opp115 scheme's categories")
CATEGORIES = tuple(scheme("opp115").category_ids)
CATEGORY_CUM = _weights_cum(
    [CATEGORY_WEIGHTS[c] / sum(CATEGORY_WEIGHTS.values()) for c in CATEGORIES]
)
# Paragraph topics: as practices, less `other`, which the opening and contact paragraphs add.
TOPIC_CUM = _weights_cum(
    [CATEGORY_WEIGHTS[c] - (OTHER_IN_FRAME if c == "other" else 0) for c in CATEGORIES]
)
N_TRUE_CUM = _weights_cum(N_TRUE_WEIGHTS)
SLOTS = _slots()


@dataclass(frozen=True)
class Stats:
    """What a run wrote; n_bytes counts every file."""

    n_policies: int = 0
    n_practices: int = 0
    n_attribute_values: int = 0
    n_bytes: int = 0

    def __add__(self, other: Stats) -> Stats:
        return Stats(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


# -- one policy: text, then annotations, then files ---------------------------------
@dataclass
class _Sentence:
    """A sentence (or address line) with its offset, split once for span picking."""

    start: int
    words: list[str]
    word_starts: list[int]


def _sentence(start: int, text: str) -> _Sentence:
    words = text.split(" ")
    starts = list(itertools.accumulate((len(w) + 1 for w in words[:-1]), initial=start))
    return _Sentence(start, words, starts)


def _fill(rng: Random, template: str, org: str, apostrophe: str) -> str:
    text = FIELD.sub(lambda m: org if m[1] == "org" else rng.choice(POOLS[m[1]]), template)
    return (text[0].upper() + text[1:]).replace("'", apostrophe)


def _organisation(rng: Random) -> str:
    return rng.choice(ORG_STEMS) + rng.choice(ORG_ENDS) + rng.choice(ORG_KINDS)


def _date(rng: Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return datetime.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def _text(
    rng: Random, org: str, effective: datetime.date | None
) -> tuple[str, list[tuple[int, int]], list[str], list[list[_Sentence]]]:
    """The policy text and, per paragraph: its segment (start, end), topic and sentences."""
    apostrophe = rng.choice(("'", "’"))
    n_words = rng.lognormvariate(0, POLICY_WORDS_SIGMA) * POLICY_WORDS_MEDIAN
    n_words = min(max(n_words, POLICY_WORDS_MIN), POLICY_WORDS_MAX)
    # Paragraphs as (topic, heading, lines), each line a list of sentences.
    intro = [_fill(rng, t, org, apostrophe) for t in rng.sample(TEMPLATES["other"][:4], 2)]
    if effective:
        intro.append(f"This policy was last updated on {_long_date(effective)}.")
    paragraphs = [("other", f"{org} Privacy Policy", [intro])]
    words = sum(s.count(" ") + 1 for s in intro)
    while words < n_words:
        topic = rng.choices(CATEGORIES, cum_weights=TOPIC_CUM)[0]
        heading = None
        if rng.random() < HEADING_SHARE:
            heading = rng.choice(HEADINGS[topic]).replace("'", apostrophe)
            heading = heading.upper() if rng.random() < 0.2 else heading
        target = rng.lognormvariate(0, PARAGRAPH_WORDS_SIGMA) * PARAGRAPH_WORDS_MEDIAN
        sentences: list[str] = []
        n = chars = 0
        while n < target or chars < MIN_PARAGRAPH_CHARS:
            pool = GENERIC if rng.random() < GENERIC_SHARE else TEMPLATES[topic]
            sentence = _fill(rng, rng.choice(pool), org, apostrophe)
            if sentence in sentences:  # one retry makes repeats rare, as in real prose
                sentence = _fill(rng, rng.choice(pool), org, apostrophe)
            sentences.append(sentence)
            n += sentences[-1].count(" ") + 1
            chars += len(sentences[-1]) + 1
        paragraphs.append((topic, heading, [sentences]))
        words += n
    # Short lines, as addresses are written, which segment_text keeps in one paragraph.
    address = [
        "If you have any questions or concerns about this Privacy Policy or our data "
        "practices, please contact us at:",
        org,
        f"Attn: {rng.choice(('Privacy Office', 'Data Protection Officer', 'Legal Department'))}",
        f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
        rng.choice(CITIES),
    ]
    paragraphs.append(("other", None, [[line] for line in address]))

    blocks, segments, topics, sentences_of = [], [], [], []
    offset = 0
    for topic, heading, lines in paragraphs:
        block = "\n".join(([heading] if heading else []) + [" ".join(line) for line in lines])
        position = offset + (len(heading) + 1 if heading else 0)
        placed = []
        for line in lines:
            for sentence in line:
                placed.append(_sentence(position, sentence))
                position += len(sentence) + 1  # the space or line end after it
        blocks.append(block)
        segments.append((offset, offset + len(block)))
        topics.append(topic)
        sentences_of.append(placed)
        offset += len(block) + 2  # the blank line between paragraphs
    return "\n\n".join(blocks) + "\n", segments, topics, sentences_of


def _long_date(day: datetime.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _value(
    rng: Random, values: tuple[str, ...], cum: list[float], sentences: list[_Sentence]
) -> dict:
    chosen = {"value": rng.choices(values, cum_weights=cum)[0]}
    if rng.random() < SPAN:
        sentence = rng.choice(sentences)
        n = min(len(sentence.words), rng.randint(*SPAN_WORDS))
        first = rng.randint(0, len(sentence.words) - n)
        start = sentence.word_starts[first]
        span = " ".join(sentence.words[first : first + n]).rstrip(".,;:") or sentence.words[first]
        chosen.update(span_start=start, span_end=start + len(span), span_text=span)
    return chosen


def _practice(rng: Random, category: str, sentences: list[_Sentence]) -> tuple[str, list]:
    """A category and its (slot, value) pairs: every required attribute, some optional ones."""
    attributes = [
        (slot, _value(rng, slot[2], slot[3], sentences))
        for slot in SLOTS[category]
        if slot[1] or rng.random() < OPTIONAL
    ]
    return category, attributes


def _annotations(rng: Random, topics: list[str], sentences_of: list[list[_Sentence]]) -> dict:
    """Each annotator's practices as (segment_id, category, {attribute: value}) in text order."""
    found: dict[str, list] = {a: [] for a in ANNOTATORS}
    for segment_id, (topic, sentences) in enumerate(zip(topics, sentences_of, strict=True)):
        if segment_id in (0, len(topics) - 1):
            category, attributes = _practice(rng, "other", sentences)
            frame_value = FRAME_VALUES[segment_id > 0]
            true = [(category, [(slot, {**v, "value": frame_value}) for slot, v in attributes])]
        else:
            n_true = rng.choices(N_TRUE_PRACTICES, cum_weights=N_TRUE_CUM)[0]
            true = [
                _practice(rng, topic if rng.random() < ON_TOPIC else _category(rng), sentences)
                for _ in range(n_true)
            ]
        for annotator in ANNOTATORS:
            practices = [p for p in true if rng.random() < KEEP]
            if rng.random() < EXTRA:
                practices.append(_practice(rng, _category(rng), sentences))
            for category, attributes in practices:
                found[annotator].append(
                    (
                        segment_id,
                        category,
                        {
                            slot[0]: _value(rng, slot[2], slot[3], sentences)
                            if rng.random() < REDRAW
                            else value
                            for slot, value in attributes
                        },
                    )
                )
    return found


def _category(rng: Random) -> str:
    return rng.choices(CATEGORIES, cum_weights=CATEGORY_CUM)[0]


def policy_id(index: int) -> str:
    """The id of the policy at 0-based `index`: synthetic-000001 for 0."""
    return f"synthetic-{index + 1:06d}"


def _write_policy(root: Path, seed: int, index: int) -> Stats:
    """Generate policy `index` from its own random stream and write its files under `root`."""
    rng = Random(f"{seed}:{index}")
    pid = policy_id(index)
    org = _organisation(rng)
    retrieved = _date(rng, datetime.date(2014, 1, 1), datetime.date(2024, 12, 31))
    effective = None
    if rng.random() < 0.6:
        effective = _date(rng, retrieved - datetime.timedelta(days=1_000), retrieved)
    text, segments, topics, sentences_of = _text(rng, org, effective)
    found = _annotations(rng, topics, sentences_of)

    data = text.encode("utf-8")
    text_sha256 = sha256_bytes(data)
    domain = unicodedata.normalize("NFKD", org).encode("ascii", "ignore").decode().lower()
    domain = re.sub(r"[^a-z0-9]+", "", domain.split(" ")[0])
    sidecar = {
        "schema_version": schema_version(),
        "policy_id": pid,
        "organisation": org,
        "legal_entity": None,
        "service_names": [],
        "source": "tests/synthetic.py",
        "url": f"https://www.{domain}.example/privacy",
        "retrieved_date": retrieved.isoformat(),
        "effective_date": effective.isoformat() if effective else None,
        "language": "en",
        "license": "CC0-1.0: synthetic text, generated; no rights reserved.",
        "text_sha256": text_sha256,
        "normalisation": "None: generated already normalised.",
        "notes": f"Synthetic policy {index} of seed {seed}; not a real organisation's policy.",
        "redactions": [],
        "segmentation": SEGMENTATION,
        "segments": [{"start": start, "end": end} for start, end in segments],
    }

    written = [(root / "policies" / f"{pid}.txt", data)]
    written.append((root / "policies" / f"{pid}.json", dump_json(sidecar).encode("utf-8")))
    n_practices = n_values = 0
    for number, annotator in enumerate(ANNOTATORS):
        annotated = retrieved + datetime.timedelta(days=30 + rng.randint(0, 365) + number)
        practices = [
            make_practice(f"{pid}-{annotator}-{n:04d}", segment_id, category, attributes)
            for n, (segment_id, category, attributes) in enumerate(found[annotator], 1)
        ]
        document = annotation_document(
            policy_id=pid,
            annotator=annotator,
            scheme=scheme("opp115").ref,
            text_sha256=text_sha256,
            annotated_date=annotated.isoformat(),
            method=(
                f"Synthetic annotation generated by tests/synthetic.py (seed {seed}): "
                "random labels and spans, not a reading of the text."
            ),
            guidelines_version=GUIDELINES_VERSION,
            provenance=make_provenance(
                "model",
                model=f"tests/synthetic.py (seeded random generator, seed {seed})",
                process="Random labels and spans drawn to OPP-115's shape; the text is not read.",
                is_blind=True,
                is_reviewed=False,
            ),
            practices=practices,
        )
        path = root / "annotations" / pid / f"{annotator}.json"
        written.append((path, dump_json(document).encode("utf-8")))
        n_practices += len(practices)
        n_values += sum(len(p["attributes"]) for p in practices)

    (root / "annotations" / pid).mkdir(parents=True)
    for path, content in written:
        path.write_bytes(content)  # bytes: no newline translation on any system
    return Stats(1, n_practices, n_values, sum(len(c) for _, c in written))


def _write_chunk(root: str, seed: int, start: int, stop: int) -> Stats:
    stats = Stats()
    for index in range(start, stop):
        stats += _write_policy(Path(root), seed, index)
    return stats


# -- the whole corpus --------------------------------------------------------------
def generate(
    out: Path,
    n_policies: int,
    *,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Stats:
    """Write a raw corpus of `n_policies` synthetic policies to `out` (missing or empty).

    `progress`, if given, is called with the number of policies done after each chunk.
    """
    out = Path(out)
    if n_policies < 1 or workers < 1:
        raise ValueError("n_policies and workers must be at least 1")
    _refuse_non_empty(out)
    # Small chunks keep progress smooth and the workers evenly loaded.
    size = max(1, min(100, -(-n_policies // (workers * 20))))
    chunks = [(i, min(i + size, n_policies)) for i in range(0, n_policies, size)]
    stats = Stats()
    with replace_dir_when_done(out) as staging:
        (staging / "policies").mkdir()
        (staging / "annotations").mkdir()
        pool = ProcessPoolExecutor(workers) if workers > 1 else None
        try:
            if pool is None:
                done = (_write_chunk(str(staging), seed, *chunk) for chunk in chunks)
            else:
                futures = [pool.submit(_write_chunk, str(staging), seed, *c) for c in chunks]
                done = (future.result() for future in as_completed(futures))
            for chunk_stats in done:
                stats += chunk_stats
                if progress:
                    progress(stats.n_policies)
        finally:
            if pool is not None:  # on an error, drop the queued chunks rather than run them
                pool.shutdown(cancel_futures=True)
        _refuse_non_empty(out)  # something else may have written there meanwhile
    return stats


def _refuse_non_empty(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not empty; give a new folder or remove it")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="synthetic.py",
        description=__doc__.split("\n\n")[0],
        epilog="OPP-115 has 115 policies; --policies 11500 is 100 times its size.",
    )
    parser.add_argument("out", metavar="OUT", type=Path, help="new or empty folder to write")
    parser.add_argument(
        "--policies", type=int, required=True, metavar="N", help="number of policies"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--workers", type=int, default=1, help="processes (default: 1)")
    args = parser.parse_args(argv)
    if args.policies < 1 or args.workers < 1:
        parser.error("--policies and --workers must be at least 1")
    started = time.perf_counter()
    reported = 0  # tenths of the corpus

    def report(n_done: int) -> None:
        nonlocal reported
        tenths = n_done * 10 // args.policies
        if reported < tenths < 10:
            reported = tenths
            seconds = time.perf_counter() - started
            print(f"  {n_done:,}/{args.policies:,} policies, {seconds:.0f} s", file=sys.stderr)

    # A plain `kill` then unwinds like Ctrl-C, and the staging folder is removed.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        stats = generate(
            args.out, args.policies, seed=args.seed, workers=args.workers, progress=report
        )
    except FileExistsError as error:
        print(f"synthetic.py: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"synthetic.py: interrupted; {args.out} was not written", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    seconds = time.perf_counter() - started
    print(
        f"wrote {args.out}: {stats.n_policies:,} policies, {stats.n_practices:,} practices, "
        f"{stats.n_attribute_values:,} attribute values, {stats.n_bytes / 1e6:,.1f} MB "
        f"in {seconds:.1f} s (seed {args.seed}, workers {args.workers})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
