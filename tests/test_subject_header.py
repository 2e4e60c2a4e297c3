"""The Subject header reads back exactly as set, in any script, by Python's parser and by a
second, independent decoder (Perl's Encode), with short lines and self-contained words."""

from __future__ import annotations

import base64
import email
import email.policy
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsletter.delivery.message import build_message
from newsletter.delivery.subject_header import fold_subject
from newsletter.reading.settings import Sender, Settings

ENCODED_WORD = re.compile(r"=\?utf-8\?b\?([A-Za-z0-9+/=]*)\?=")
SMALLEST_WORD = 39  # bytes of text the first encoded word holds, after "Subject: "
ZWJ, ZWNJ = "\u200d", "\u200c"

# Subjects Python's own folding (3.11) gets wrong: the space before the second encoded word
# becomes whitespace between encoded words, which decoders drop.
STDLIB_LOSES_A_SPACE = [
    "Дар Русия — муҳоҷирони корӣ кам шуд",  # read back as "… муҳоҷироникорӣ кам шуд"
    "Вахш ҳимояи муҳоҷирони корӣ дар зимистон",  # "… муҳоҷироникорӣ дар зимистон"
    "نمی\u200cتوانند در خانه کار سخت تاجیک",  # "… کارسخت تاجیک"
    "ҳукумат ҳукумат қӯрғон ёрӣ бо",  # "… қӯрғонёрӣ бо"
]


def build(subject: str) -> bytes:
    """The whole message `build_message` makes for `subject`."""
    message = build_message(
        subject=subject, html="<p>x</p>", text="x\n", settings=Settings(), unsubscribe=None
    )
    return message.as_bytes()


def subject_field(message: bytes) -> str:
    """The Subject header as it is on the wire, folds included, without the final CRLF."""
    head = message.split(b"\r\n\r\n", 1)[0].decode("ascii")
    found = re.search(r"^Subject:.*?(?=\r\n(?! ))", head + "\r\n", re.MULTILINE | re.DOTALL)
    assert found is not None
    return found.group()


def read_back(message: bytes) -> str:
    return str(email.message_from_bytes(message, policy=email.policy.default)["Subject"])


@pytest.fixture(scope="module")
def perl_decode() -> Iterator[PerlDecoder]:
    perl = shutil.which("perl") or "/usr/bin/perl"
    probe = subprocess.run([perl, "-MEncode", "-e", "1"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("perl with Encode is not installed: no second decoder to compare with")
    decoder = PerlDecoder(perl)
    yield decoder
    decoder.close()


class PerlDecoder:
    """One perl process decoding a header value a line: hex of the raw value in, hex of the
    UTF-8 text out (hex, so that folds and any character travel safely)."""

    SCRIPT = r"""
        use Encode;
        $| = 1;
        while (my $line = <STDIN>) {
            chomp $line;
            my $text = decode("MIME-Header", pack("H*", $line));
            print unpack("H*", encode("UTF-8", $text)), "\n";
        }
    """

    def __init__(self, perl: str) -> None:
        self.process = subprocess.Popen(
            [perl, "-e", self.SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def __call__(self, value: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(value.encode("ascii").hex() + "\n")
        self.process.stdin.flush()
        return bytes.fromhex(self.process.stdout.readline().strip()).decode("utf-8")

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def inside_a_cluster(text: str, index: int) -> bool:
    """Whether a cut before text[index] splits a user-perceived character: before a mark,
    joiner, variation selector or skin tone, after a ZWJ or virama, inside a flag."""
    char, previous = text[index], text[index - 1]
    code = ord(char)
    if unicodedata.category(char).startswith("M") or char in (ZWJ, ZWNJ):
        return True
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF:
        return True
    if 0xE0020 <= code <= 0xE007F or previous == ZWJ or unicodedata.combining(previous) == 9:
        return True
    flag_letters = 0
    while flag_letters < index and 0x1F1E6 <= ord(text[index - 1 - flag_letters]) <= 0x1F1FF:
        flag_letters += 1
    return 0x1F1E6 <= code <= 0x1F1FF and flag_letters % 2 == 1


def cluster_around(text: str, index: int) -> str:
    start, end = index, index
    while start > 0 and inside_a_cluster(text, start):
        start -= 1
    while end < len(text) and inside_a_cluster(text, end):
        end += 1
    return text[start:end]


def check_subject(subject: str, perl_decode: PerlDecoder) -> None:
    message = build(subject)
    field = subject_field(message)
    value = field.removeprefix("Subject:").removeprefix(" ")

    assert read_back(message) == subject
    assert perl_decode(value) == subject
    assert all(len(line) <= 76 for line in field.split("\r\n")), field

    words = ENCODED_WORD.findall(value)
    if not words:  # written as plain text, folded before single spaces only
        assert value.replace("\r\n ", " ") == subject
        return
    assert re.fullmatch(r"=\?utf-8\?b\?[^?]*\?=(\r\n =\?utf-8\?b\?[^?]*\?=)*", value), value
    texts = [base64.b64decode(word, validate=True).decode("utf-8") for word in words]
    assert all(len(f"=?utf-8?b?{word}?=") <= 75 for word in words)
    assert "".join(texts) == subject
    cut = 0
    for text in texts[:-1]:
        cut += len(text)
        if inside_a_cluster(subject, cut):
            assert len(cluster_around(subject, cut).encode()) > SMALLEST_WORD, (subject, texts)


# Text a newsletter's subject could hold, in the scripts of the desk's editions and beyond.
PIECES = [
    *"Tajikistan Khorog news: 2012 — «» “” ‘’ … – & % $ # ! ? ( ) [ ] < > / \\ = ? _ ' \"",
    *"éèêëçñøåßœÀÉÎÕÜąęłźżčřšžőű",
    *"абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМН",
    *"ҳҷӣғқӯҲҶӢҒҚӮәөүңұһіӘӨҮҢҰҺІ",
    *"ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیءآأإئة،؟",
    *"\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652",  # Arabic vowel marks
    "می\u200cخواهم",
    "\u200c",
    *"कखगघचजटडतदनपबमयरलवशसह",
    *"ािीुूेैोौंः्",
    "क्ष",
    *"中文日本語漢字かなカナ한국어「」。、",
    "👩\u200d🌾",
    "👨\u200d👩\u200d👧\u200d👦",
    "🇹🇯",
    "🇰🇿",
    *"🇹🇯🇰",
    "❤\ufe0f",
    "👍🏽",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "😀",
    "e\u0301",
    "\u0308",
    "=?utf-8?q?x?=",
    "=?",
    "?=",
    " ",
    "  ",
]
ANY_CHARACTER = st.characters(exclude_categories=("Cc", "Cs"))  # no controls, no surrogates
MIXED = st.lists(st.sampled_from(PIECES) | ANY_CHARACTER, max_size=200).map("".join)
ASCII_WORDS = st.lists(
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12),
    max_size=30,
).map(" ".join)
SUBJECTS = MIXED | ASCII_WORDS


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=SUBJECTS)
@example(subject="муҳоҷирони корӣ " * 12)
@example(subject=" Хоруғ:  ҳукумат ва  муҳоҷирони корӣ ")
@example(subject="👩\u200d🌾" * 40)
@example(subject="e" + "\u0301" * 80)
def test_any_subject_reads_back_exactly(subject: str, perl_decode: PerlDecoder) -> None:
    check_subject(subject, perl_decode)


@pytest.mark.parametrize("subject", STDLIB_LOSES_A_SPACE)
def test_subjects_the_standard_library_folds_wrong(subject: str, perl_decode: PerlDecoder) -> None:
    check_subject(subject, perl_decode)


@pytest.mark.parametrize(
    "subject",
    [
        "=?utf-8?q?x?=",
        "Re: =?utf-8?b?0LrQvtGA06M=?= is not encoded",
        "  leading",
        "trailing  ",
        "double  space",
        "",
        "Тоҷикистон: " + "муҳоҷирони корӣ, " * 10,
        "من می\u200cخواهم به خانه برگردم — Persian with a non-joiner",
        "الحكومة الطاجيكية تعلن عن برنامج جديد للعمال المهاجرين في روسيا",
        "日本語のニュース：中央アジアの労働移民が冬を前に帰国を急ぐ理由とその背景について",
        "👩\u200d🌾🇹🇯👨\u200d👩\u200d👧\u200d👦❤\ufe0f👍🏽 " * 6,
        "Ха\u0301рог и Хору\u0301г — Қазақстан, Әлем, Өмір, Үкімет, Ңң",
    ],
)
def test_awkward_subjects(subject: str, perl_decode: PerlDecoder) -> None:
    check_subject(subject, perl_decode)


def test_plain_subjects_stay_readable() -> None:
    assert subject_field(build("[TEST] Tajikistan: Khorog Hard Hit by Gunbattles")) == (
        "Subject: [TEST] Tajikistan: Khorog Hard Hit by Gunbattles"
    )
    long = "Tajikistan: Khorog Hard Hit by Gunbattles as the Government Sends Troops to Badakhshan"
    assert fold_subject("Subject", long) == (
        "Subject: Tajikistan: Khorog Hard Hit by Gunbattles as the Government Sends\r\n"
        " Troops to Badakhshan\r\n"
    )


def test_a_cluster_stays_in_one_encoded_word() -> None:
    folded = fold_subject("Subject", "x" * 37 + "👩\u200d🌾" + "e\u0301" * 20)
    texts = [base64.b64decode(word).decode() for word in ENCODED_WORD.findall(folded)]
    assert texts[0] == "x" * 37  # the farmer did not fit: she moved to the next word whole
    assert texts[1].startswith("👩\u200d🌾")
    assert all(not unicodedata.combining(text[0]) for text in texts)


def test_the_built_message_keeps_the_subject_as_set() -> None:
    message = build_message(
        subject="=?utf-8?q?x?=", html="<p>x</p>", text="x\n", settings=Settings(), unsubscribe=None
    )
    assert message["Subject"] == "=?utf-8?q?x?="


def test_other_headers_are_written_as_the_standard_library_writes_them() -> None:
    sender = Sender(name="Марказ — Central Asia Desk, Хоруғ ва Душанбе", address="n@example.org")
    message = build_message(
        subject="Дар Русия — муҳоҷирони корӣ кам шуд",
        html="<p>Салом</p>",
        text="Салом\n",
        settings=Settings(sender=sender),
        unsubscribe="https://example.org/unsubscribe?id=" + "a" * 90,
        to=["a@example.org", "Бобо Ҷон <b@example.org>"],
    )
    standard = email.policy.SMTP
    for part in message.walk():
        for name, value in part.items():
            if name != "Subject":
                expected = standard.header_factory(name, str(value)).fold(policy=standard)
                assert value.fold(policy=message.policy) == expected
