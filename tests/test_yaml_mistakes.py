"""YAML mistakes an editor makes, each told in the editor's words at the line to fix.

Every case takes the sample issue, makes one realistic slip in it, builds it with the real
command line and expects exactly the lines printed (exit code 2, no traceback). The line
numbers are the sample's own: line 6 is `subject:`, 10 the lead's title, 12 its standfirst,
14-16 the first photo of the gallery, 17 the second, 41 `body: |`, 66-74 the stories.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SAMPLE, run_newsletter

ISSUE = "issues/2012-07-31-khorog.yaml"
TITLE = '  title: "Tajikistan: Khorog Hard Hit by Gunbattles"\n'
STANDFIRST = (
    "  standfirst: Images of damage done by street fighting between government troops and rebels.\n"
)
FIRST_PHOTO = "    - photo: photos/01-apartment-blocks.jpg\n"
SECOND_PHOTO = "    - photo: photos/02-townhouses.png\n"


def at(line: int, message: str) -> str:
    return f"{ISSUE}:{line}: {message}"


# name: (what the sample says, what the editor wrote instead, the lines printed)
MISTAKES: dict[str, tuple[str, str, list[str]]] = {
    "colon in a headline": (
        TITLE,
        "  title: Tajikistan: Khorog Hard Hit by Gunbattles\n",
        [
            at(
                10,
                "lead.title: a colon followed by a space in a value needs quotes: "
                'title: "Tajikistan: Khorog Hard Hit by ..."',
            )
        ],
    ),
    "colon in a caption": (
        "      caption: Public meeting outside local government building in Khorog.\n",
        "      caption: Khorog: public meeting outside local government building.\n",
        [
            at(
                18,
                "lead.gallery[1].caption: a colon followed by a space in a value needs quotes: "
                'caption: "Khorog: public meeting outside local ..."',
            )
        ],
    ),
    "indented one space too far": (
        STANDFIRST,
        " " + STANDFIRST,
        [at(12, "line 12 is indented differently from the lines above it")],
    ),
    "indented one space too little": (
        STANDFIRST,
        STANDFIRST[1:],
        [at(12, "line 12 is indented differently from the lines above it")],
    ),
    "a photo's field out of line": (
        "      caption: Public meeting outside local government building in Khorog.\n",
        "     caption: Public meeting outside local government building in Khorog.\n",
        [at(18, "line 18 is indented differently from the lines above it")],
    ),
    "a field moved to the margin": (
        "  url: https://example.org/news/tajikistan-khorog",
        "url: https://example.org/news/tajikistan-khorog",
        [at(11, "line 11 is indented differently from the lines around it")],
    ),
    "the body's first line indented further": (
        "    Khorog, the main town",
        "      Khorog, the main town",
        [
            at(
                42,
                "line 42 is indented differently from the lines below it "
                '(the text under "body:" must all be indented alike)',
            )
        ],
    ),
    "a line of the body indented less": (
        "    When Talib Ayombekov",
        "  When Talib Ayombekov",
        [
            at(
                46,
                "line 46 is indented less than the text above it; "
                'indent all of the text under "body:" alike',
            )
        ],
    ),
    "a tab for indentation": (
        STANDFIRST,
        "\t" + STANDFIRST.lstrip(" "),
        [at(12, "tabs can't indent YAML; indent with spaces")],
    ),
    "a double quote never closed": (
        'subject: "Tajikistan: Khorog Hard Hit by Gunbattles"\n',
        'subject: "Tajikistan: Khorog Hard Hit by Gunbattles\n',
        [at(6, 'subject: this quote (") is never closed')],
    ),
    "a single quote never closed": (
        STANDFIRST,
        STANDFIRST.replace("standfirst: ", "standfirst: '"),
        # PyYAML reads on to the apostrophe of "resident's" on line 36.
        [at(12, "lead.standfirst: this quote (') is never closed")],
    ),
    "text after the closing quote": (
        'subject: "Tajikistan: Khorog Hard Hit by Gunbattles"\n',
        'subject: "Tajikistan: Khorog" Hard Hit by Gunbattles\n',
        [
            at(
                6,
                "subject: text goes on after the closing quote; put all of the text in quotes: "
                "subject: '\"Tajikistan: Khorog\" Hard Hit by ...'",
            )
        ],
    ),
    "a value starting with a bracket": (
        STANDFIRST,
        STANDFIRST.replace("standfirst: ", "standfirst: [Photos] "),
        [
            at(
                12,
                "lead.standfirst: a value starting with [ needs quotes: "
                'standfirst: "[Photos] Images of damage done by ..."',
            )
        ],
    ),
    "an opening bracket alone": (
        STANDFIRST,
        STANDFIRST.replace("standfirst: ", "standfirst: ["),
        [
            at(
                12,
                "lead.standfirst: this bracket ([) is never closed; if it is part of the text, "
                'put the text in quotes: standfirst: "[Images of damage done by street ..."',
            )
        ],
    ),
    "a brace never closed": (
        "      credit: IWPR\n    - photo: photos/02",
        "      credit: {IWPR\n    - photo: photos/02",
        [
            at(
                16,
                "lead.gallery[0].credit: this bracket ({) is never closed; if it is part of the "
                'text, put the text in quotes: credit: "{IWPR"',
            )
        ],
    ),
    "a missing colon": (
        STANDFIRST,
        STANDFIRST.replace("standfirst: ", "standfirst "),
        [
            at(
                12,
                "lead.standfirst: line 12 has no colon after its field name: "
                "standfirst: Images of damage done by street ...",
            )
        ],
    ),
    "no space after the colon": (
        "language: en\n",
        "language:en\n",
        [at(5, "language: put a space after the colon: language: en")],
    ),
    "a list's field name without its colon": (
        "  gallery:\n",
        "  gallery\n",
        [at(13, "lead.gallery: line 13 has no colon after its field name: gallery:")],
    ),
    "a body line outside the body": (
        "    Khorog, the main town",
        "  Khorog, the main town",
        [
            at(
                42,
                'line 42 has no "name: value" colon; if it continues the text above, '
                'indent it further than "body:"',
            )
        ],
    ),
    "a synonym for the standfirst": (
        STANDFIRST,
        STANDFIRST.replace("standfirst:", "subtitle:"),
        [
            at(9, "lead.standfirst: required field is missing"),
            at(12, "lead.subtitle: unknown field (did you mean 'standfirst'?)"),
        ],
    ),
    "a story's field name in the lead": (
        STANDFIRST,
        STANDFIRST.replace("standfirst:", "summary:"),
        [
            at(9, "lead.standfirst: required field is missing"),
            at(12, "lead.summary: unknown field (did you mean 'standfirst'?)"),
        ],
    ),
    "a synonym for a photo": (
        SECOND_PHOTO,
        SECOND_PHOTO.replace("photo:", "image:"),
        [
            at(17, "lead.gallery[1].image: unknown field (did you mean 'photo'?)"),
            at(17, "lead.gallery[1].photo: required field is missing"),
        ],
    ),
    "a synonym for the credit": (
        "      credit: IWPR\n    - photo: photos/02",
        "      photographer: IWPR\n    - photo: photos/02",
        [at(16, "lead.gallery[0].photographer: unknown field (did you mean 'credit'?)")],
    ),
    "a kicker for the label": (
        "  - title: Internet Blocked",
        "  - kicker: Kyrgyzstan\n    title: Internet Blocked",
        [at(72, "stories[2].kicker: unknown field (did you mean 'label'?)")],
    ),
    "no for the number": (
        "number: 656\n",
        "no: 656\n",  # a word YAML would read as false; as a field name it is text
        [
            at(3, "no: unknown field (did you mean 'number'?)"),
            at(3, "number: required field is missing"),
        ],
    ),
    "a misspelt field": (
        "      caption: A burnt-out minibus",
        "      captoin: A burnt-out minibus",
        [
            at(
                29,
                "lead.gallery[5].caption: required field is missing (the photo file has no "
                "IPTC or XMP caption either)",
            ),
            at(30, "lead.gallery[5].captoin: unknown field (did you mean 'caption'?)"),
        ],
    ),
    "a photo that is not there": (
        "photos/02-townhouses.png",
        "photos/02-town-houses.png",
        [
            at(
                17,
                "lead.gallery[1].photo: not found: issues/photos/02-town-houses.png "
                "(photo paths are relative to the issue file's folder, issues/)",
            )
        ],
    ),
    "a photo path from the desk's folder": (
        "photos/02-townhouses.png",
        "issues/photos/02-townhouses.png",
        [
            at(
                17,
                "lead.gallery[1].photo: not found: issues/issues/photos/02-townhouses.png "
                "(photo paths are relative to the issue file's folder, issues/)",
            )
        ],
    ),
    "a field given twice": (
        STANDFIRST,
        STANDFIRST + "  title: Khorog Hard Hit\n",
        [at(13, "lead.title: given twice (first at line 10); keep one")],
    ),
    "an empty text": (
        STANDFIRST,
        "  standfirst:\n",
        [at(12, 'lead.standfirst: is empty; write the text after "standfirst:"')],
    ),
    "a text that starts with #": (
        STANDFIRST,
        "  standfirst: #1 in a series: images of damage.\n",
        [
            at(
                12,
                'lead.standfirst: is empty; write the text after "standfirst:" (what follows # '
                "is a comment; to begin the text with #, put it in quotes)",
            )
        ],
    ),
    "an empty date": (
        "date: 2012-07-31\n",
        "date:\n",
        [at(4, 'date: is empty; write a date like 2012-07-31 after "date:"')],
    ),
    "a value starting with @": (
        "      credit: IWPR\n    - photo: photos/02",
        "      credit: @IWPR\n    - photo: photos/02",
        [at(16, 'lead.gallery[0].credit: a value starting with @ needs quotes: credit: "@IWPR"')],
    ),
    "a value starting with *": (
        STANDFIRST,
        STANDFIRST.replace("Images", "*Exclusive* images"),
        [
            at(
                12,
                "lead.standfirst: a value starting with * needs quotes: "
                'standfirst: "*Exclusive* images of damage done by ..."',
            )
        ],
    ),
    "a gallery whose first photo has no dash": (
        FIRST_PHOTO,
        FIRST_PHOTO.replace("- ", ""),
        [
            at(
                14,
                'lead.gallery: a list item must start with "- ": '
                "- photo: photos/01-apartment-blocks.jpg",
            )
        ],
    ),
    "a new photo without its dash": (
        SECOND_PHOTO,
        SECOND_PHOTO.replace("- ", "  "),
        [
            at(
                17,
                "lead.gallery[0].photo: given twice in one list item (first at line 14); if line "
                '17 starts a new item, begin it with "- "',
            )
        ],
    ),
    "a new photo without its dash, at the dash's place": (
        SECOND_PHOTO,
        SECOND_PHOTO.replace("- ", ""),
        [
            at(
                17,
                'lead.gallery: a list item must start with "- ": - photo: photos/02-townhouses.png',
            )
        ],
    ),
    "a story without its dash": (
        "  - title: Internet Blocked",
        "    title: Internet Blocked",
        [
            at(
                72,
                "stories[1].title: given twice in one list item (first at line 69); if line 72 "
                'starts a new item, begin it with "- "',
            )
        ],
    ),
    "no space after the dash": (
        SECOND_PHOTO,
        SECOND_PHOTO.replace("- ", "-"),
        [at(17, 'lead.gallery: put a space after the "-": - photo: photos/02-townhouses.png')],
    ),
    "a dash where a field goes": (
        STANDFIRST,
        STANDFIRST.replace("  standfirst", "  - standfirst"),
        [
            at(
                12,
                'lead.standfirst: line 12 starts with "- ", but a field goes here, not a list '
                'item: remove the "- "',
            )
        ],
    ),
    "a dash before the first field": (
        "number: 656\n",
        "- number: 656\n",
        [
            at(
                3,
                'number: line 3 starts with "- ", but a field goes here, not a list item: '
                'remove the "- "',
            )
        ],
    ),
}

NOT_FIELDS = 'expected fields, one "name: value" a line (number: ..., date: ..., lead: ...)'
# name: (the whole file, the lines printed)
WHOLE_FILES: dict[str, tuple[str, list[str]]] = {
    "a list instead of fields": (
        "- number: 656\n- date: 2012-07-31\n",
        [at(1, f'{NOT_FIELDS}, but the file is a list (its lines start with "- ")')],
    ),
    "only a text": (
        "Images of damage done by street fighting between government troops and rebels.\n",
        [at(1, f"{NOT_FIELDS}, but the file is only text")],
    ),
    "only comments": (
        "# Central Asia desk, issue 657: to do\n",
        [f"{ISSUE}: {NOT_FIELDS}, but the file has none"],
    ),
}


def build(desk: Path, text: str) -> tuple[int, list[str]]:
    (desk / ISSUE).write_text(text, encoding="utf-8")
    result = run_newsletter("build", ISSUE)
    assert "Traceback" not in result.stderr + result.stdout
    return result.returncode, result.stderr.splitlines()


@pytest.mark.parametrize("name", list(MISTAKES))
def test_one_mistake_in_the_sample_gives_its_lines(desk: Path, name: str) -> None:
    sample = SAMPLE.read_text(encoding="utf-8")
    old, new, expected = MISTAKES[name]
    assert sample.count(old) == 1, f"the mistake {old!r} must be in the sample once"
    assert build(desk, sample.replace(old, new)) == (2, expected)


@pytest.mark.parametrize("name", list(WHOLE_FILES))
def test_a_file_that_is_not_fields(desk: Path, name: str) -> None:
    text, expected = WHOLE_FILES[name]
    assert build(desk, text) == (2, expected)


def test_the_sample_itself_builds(desk: Path) -> None:
    assert build(desk, SAMPLE.read_text(encoding="utf-8"))[0] == 0


def test_every_mistake_is_collected_with_the_others(desk: Path) -> None:
    """Mistakes that YAML can read are all reported at once, in the order of the file."""
    sample = SAMPLE.read_text(encoding="utf-8")
    for old, new in [
        (STANDFIRST, STANDFIRST.replace("standfirst:", "dek:")),
        ("photos/02-townhouses.png", "photos/02.png"),
        ("    summary: Violence", "    teaser: Violence"),
    ]:
        sample = sample.replace(old, new)
    assert build(desk, sample) == (
        2,
        [
            at(9, "lead.standfirst: required field is missing"),
            at(12, "lead.dek: unknown field (did you mean 'standfirst'?)"),
            at(
                17,
                "lead.gallery[1].photo: not found: issues/photos/02.png "
                "(photo paths are relative to the issue file's folder, issues/)",
            ),
            at(66, "stories[0].summary: required field is missing"),
            at(68, "stories[0].teaser: unknown field (did you mean 'summary'?)"),
        ],
    )
