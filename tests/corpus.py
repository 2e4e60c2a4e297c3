"""A corpus of issue files such as the Central Asia desk writes them: its languages and
scripts, long credits and captions, emoji, Markdown tables and footnotes, galleries of 1 to 20
photos and a 10,000-word long read. `write_corpus` writes them beside the sample's photos;
tests/test_corpus.py builds each and looks at it as subscribers would.

The texts are short news sentences written for these tests (not translations of one
another), each in its language's own script and spelling.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

PHOTOS = [
    "01-apartment-blocks.jpg",
    "02-townhouses.png",
    "03-stone-house.png",
    "04-parked-car.jpg",
    "05-painted-house.png",
    "06-street-lamps.jpg",
    "07-window.png",
    "08-gallery-hall.jpg",
    "09-mountain-river.png",
]
LONG_CREDIT = (
    "Firuz Rahimov, Nodira Saidova and Shahlo Abdullaeva for IWPR / Radio Ozodi "
    "(additional reporting: Маъруф Назаров, Gulnoza Yusupova-Karimova)"
)
LONG_URL = "https://example.org/news/" + "-".join(["khorog-badakhshan-ceasefire-talks"] * 6)
LONG_WORD = "Gorno-Badakhshanskaya" + "Avtonomnaya" * 8  # 109 letters, no space to break at


@dataclass(frozen=True)
class Edition:
    """What one language's issue says."""

    language: str
    subject: str
    title: str
    standfirst: str
    caption: str
    credit: str
    paragraph: str  # one paragraph of the body
    story_title: str
    story_summary: str
    label: str
    rtl: bool = False


EDITIONS = {
    "en": Edition(
        "en",
        "This week: Rogun’s resettled families — and Nowruz in Khorog 🎉👨‍👩‍👧",
        "Families moved for the Rogun dam still wait for homes",
        "Hundreds of families who left the flood zone still live in temporary housing.",
        "Residents of Nurafshon by an unfinished house. Photo desk: «مریم احمدی» and Anna Smith.",
        "محمد رضایی (Mohammad Rezaei) and Анна Смирнова for IWPR",
        "Officials promised that new homes would be ready by the end of the year, but little "
        'work is under way. "We were told to wait," said Gulnora, a teacher, in Tajik: '
        "«Мо интизорем».",
        "Bukhara’s monuments close for restoration",
        "Tour operators fear they will lose the season.",
        "Uzbekistan",
    ),
    "tg": Edition(
        "tg",
        "Ахбори ҳафта: муҳоҷирони корӣ ва нархи нон 🍞",
        "Муҳоҷирони корӣ аз Русия бармегарданд",
        "Ҳазорон нафар пас аз тағйири қонунҳо ба ватан баргаштанд.",
        "Муҳоҷирони корӣ дар фурудгоҳи Душанбе интизори бағоҷи худ ҳастанд.",
        "Фирӯз Раҳимов / IWPR",
        "Дар моҳҳои охир шумораи муҳоҷирони корӣ, ки аз Русия бармегарданд, ду баробар "
        "афзудааст. Коршиносон мегӯянд, ки сабаби асосӣ қонунҳои нави муҳоҷират ва "
        "арзиши пасти рубл аст.",
        "Нархи нон дар Хуҷанд боз боло рафт",
        "Сокинони шаҳр аз гаронии маҳсулоти ғизоӣ шикоят мекунанд.",
        "Тоҷикистон",
    ),
    "kk": Edition(
        "kk",
        "Апта шолуы: Алматыдағы су тапшылығы 💧",
        "Алматыда ауыз су тапшылығы күшейді",
        "Қала тұрғындары жаз айларында судың жиі өшірілетінін айтады.",
        "Әуезов ауданындағы тұрғындар су тасушы көліктің алдында кезекте тұр.",
        "Әлия Нұрғалиева / IWPR",
        "Соңғы екі аптада қаланың бірнеше ауданында ауыз су күніне он сағатқа дейін "
        "өшірілді. Әкімдік құбырлардың тозығы жеткенін мойындап, жөндеу жұмыстарын "
        "күзге дейін аяқтауға уәде берді.",
        "Қарағандыда көмір бағасы өсті",
        "Кеншілер қаласының тұрғындары қысқа дайындықтың қымбаттағанын айтады.",
        "Қазақстан",
    ),
    "ky": Edition(
        "ky",
        "Жуманын жаңылыктары: Ош базары кайра ачылды 🛍️",
        "Ош шаарындагы Жайма базары кайра ачылды",
        "Өрттөн кийин калыбына келтирилген базарга соодагерлер кайтып келишти.",
        "Жайма базарынын жаңы имаратында соодагерлер дүкөндөрүн ачууда.",
        "Нурбек Төлөгөнов / IWPR",
        "Базар өрттөн кийин эки жыл бою жабык турган. Шаар мэриясы соодагерлерге "
        "ижара акысын биринчи жылы жарым-жартылай төлөөгө уруксат берди, бирок "
        "көптөгөн соодагерлер баалар дагы эле жогору экенин айтышат.",
        "Бишкекте абанын булганышы кайрадан өстү",
        "Кышында көмүр жагуу шаардын абасын дүйнөдөгү эң булганыч абалардын катарына кошот.",
        "Кыргызстан",
    ),
    "uz-Latn": Edition(
        "uz-Latn",
        "Hafta sharhi: Samarqandda paxta terimi boshlandi 🌱",
        "Samarqandda paxta terimi boshlandi",
        "Fermerlar bu yil majburiy mehnat bo‘lmasligini aytishmoqda.",
        "Paxtachilik klasteri dalasida ishchilar paxta termoqda, Urgut tumani.",
        "Gulnoza Yusupova / IWPR",
        "Xalqaro tashkilotlar O‘zbekiston paxta yig‘im-terimida majburiy mehnatga barham "
        "berilganini tan olgan bo‘lsa-da, ba’zi shifokor va o‘qituvchilar hanuz dalaga "
        "chiqishga undalayotganini aytishmoqda.",
        "Toshkentda metro yangi bekatlari ochildi",
        "Yangi halqa yo‘li shaharning chekka mahallalarini markaz bilan bog‘laydi.",
        "O‘zbekiston",
    ),
    "uz-Cyrl": Edition(
        "uz-Cyrl",
        "Ҳафта шарҳи: Фарғона водийсида сув тақсимоти 🚰",
        "Фарғона водийсида сув тақсимоти бўйича янги келишув",
        "Қўшни давлатлар чегара бўйидаги каналлардан биргаликда фойдаланишга келишди.",
        "Сўх анклави яқинидаги канал бўйида деҳқонлар сув навбатини кутмоқда.",
        "Шаҳло Абдуллаева / IWPR",
        "Келишувга кўра, ёзги суғориш мавсумида сув ҳар ҳафта навбат билан "
        "тақсимланади. Маҳаллий аҳоли бу тартиб низоларнинг олдини олишига умид "
        "қилмоқда, бироқ ўтган йилги тўқнашувлар ҳали ёдидан чиқмаган.",
        "Андижонда янги касалхона қурилди",
        "Вилоятда илк бор болалар юрак жарроҳлиги бўлими очилди.",
        "Ўзбекистон",
    ),
    "tk": Edition(
        "tk",
        "Hepdäniň syny: Aşgabatda un ýetmezçiligi 🌾",
        "Aşgabatda döwlet dükanlarynda un ýetmezçiligi",
        "Ýaşaýjylar arzan bahadan un almak üçin irden nobata durýarlar.",
        "Aşgabadyň Parahat etrabyndaky döwlet dükanynyň öňünde nobat, irden sagat altyda.",
        "Merdan Gurbanow / IWPR",
        "Soňky aýlarda döwlet dükanlarynda un we ösümlik ýagy diňe çäkli mukdarda "
        "satylýar. Bazarda bolsa bahalar iki esse ýokary bolup, köp maşgala üçin "
        "elýeterli däl.",
        "Daşoguzda pagta meýdanlaryna mugallymlar iberildi",
        "Mekdep mugallymlary hasyl ýygnamaga gatnaşmaga mejbur edilýär.",
        "Türkmenistan",
    ),
    "ru": Edition(
        "ru",
        "Обзор недели: «Рогунская ГЭС» и переселенцы 🏔️",
        "Переселенцы Рогуна ждут обещанных домов",
        "Сотни семей, покинувших зону затопления, до сих пор живут во временном жилье.",
        "Жители посёлка Нурафшон у недостроенного дома, 31 июля 2012 г.",
        LONG_CREDIT,
        "Власти обещали завершить строительство нового жилья к концу года, однако на "
        "стройплощадках работы почти не ведутся. Переселенцы говорят, что компенсации "
        "не хватает даже на фундамент.",
        "Достопримечательности Бухары закрыты на реставрацию",
        "Туристические агентства опасаются потерять сезон.",
        "Узбекистан",
    ),
    "fa": Edition(
        "fa",
        "مرور هفته: کارگران مهاجر تاجیک در روسیه می‌مانند 👩‍🌾",
        "کارگران مهاجر تاجیک با قوانین تازهٔ روسیه روبه‌رو می‌شوند",
        "هزاران کارگر پس از تغییر قانون اقامت به خانه بازمی‌گردند.",
        "کارگران مهاجر در فرودگاه دوشنبه (Dushanbe International Airport) منتظر بار خود هستند.",
        "فیروز رحیم‌اف / IWPR",
        "به گفتهٔ کارشناسان، نیروگاه آبی راغون (Rogun Hydropower Project) می‌تواند برای "
        "بسیاری از این کارگران شغل ایجاد کند. «ما می‌خواهیم در کشور خودمان کار کنیم»، "
        "یکی از آنان گفت.",
        "قیمت نان در خجند دوباره بالا رفت",
        "ساکنان شهر از گرانی مواد غذایی شکایت می‌کنند.",
        "تاجیکستان",
        rtl=True,
    ),
    "prs": Edition(
        "prs",
        "مرور هفته: بازگشت مهاجرین افغان از ایران 🇦🇫",
        "مهاجرین افغان از مرز اسلام‌قلعه بازمی‌گردند",
        "روزانه هزاران تن از ایران به هرات برمی‌گردند.",
        "خانواده‌های بازگشته در اردوگاه موقت نزدیک مرز اسلام‌قلعه (Islam Qala) در ولایت هرات.",
        "Ahmad Shah Karimi / IWPR — احمدشاه کریمی",
        "سازمان بین‌المللی مهاجرت (IOM) می‌گوید که شمار بازگشت‌کنندگان در ماه گذشته "
        "دو برابر شده است. بسیاری از آنان پس از سال‌ها زندگی در ایران جایی برای ماندن "
        "در افغانستان ندارند.",
        "ولسوالی‌های بدخشان با کمبود آب آشامیدنی روبه‌رو اند",
        "باشندگان می‌گویند چشمه‌ها در تابستان امسال خشک شده‌اند.",
        "افغانستان",
        rtl=True,
    ),
}

MARKDOWN = """\
## {title}

{paragraph}

    {paragraph}

- {label}
  - {story_title}
    1. {standfirst}
    2. [{caption}]({url})
- **{story_summary}** and *{label}*[^1]

> {standfirst}

| {label} | 2024 | 2025 | {story_title} |
|---|---:|---:|---|
| {caption} | 1,204 | 2,311 | [{label}]({url}) |
| {standfirst} | 98 | 1,017 | ~~{label}~~ |

{long_word} {long_url}

[^1]: {story_summary} <{long_url}>
"""


def issue_text(
    edition: Edition, photos: int, *, words: int = 0, markdown: bool = True
) -> dict[str, object]:
    """One issue in `edition`'s language with `photos` gallery photos; its body has the
    Markdown the README allows (tables, footnotes, nested lists) or `words` words of text."""
    e = edition
    url = f"https://example.org/{e.language}/news/story"
    if words:
        sentences = itertools.cycle([e.paragraph, e.standfirst, e.story_summary])
        paragraphs, count = [], 0
        while count < words:
            paragraph = " ".join(next(sentences) for _ in range(6))
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        body = "\n\n".join(paragraphs)
    elif markdown:
        body = MARKDOWN.format(**vars(e), url=url, long_word=LONG_WORD, long_url=LONG_URL)
    else:
        body = e.paragraph
    gallery = [
        {
            "photo": f"photos/{name}",
            "caption": f"{e.caption} ({number + 1}/{photos})",
            "credit": LONG_CREDIT if number == 0 else e.credit,
        }
        for number, name in zip(range(photos), itertools.cycle(PHOTOS), strict=False)
    ]
    return {
        "number": 700 + photos,
        "date": "2026-11-30",
        "language": e.language,
        "subject": e.subject,
        "lead": {
            "title": e.title,
            "url": url,
            "standfirst": e.standfirst,
            "gallery": gallery,
            "body": body,
            "see_also": [{"title": f"{e.story_title} {LONG_URL}", "url": LONG_URL}],
            "contact": "feedback.ca@example.org",
        },
        "stories": [
            {
                "title": e.story_title,
                "url": url + "-2",
                "summary": e.story_summary,
                "label": e.label,
            },
            {"title": LONG_WORD, "url": LONG_URL, "summary": f"{e.story_summary} {LONG_URL}"},
        ],
    }


# (file stem, language, photos, words of a long read or 0)
CORPUS = [
    ("en-persian-names", "en", 2, 0),
    ("tg-1-photo", "tg", 1, 0),
    ("kk-2-photos", "kk", 2, 0),
    ("ky-3-photos", "ky", 3, 0),
    ("uz-latn-5-photos", "uz-Latn", 5, 0),
    ("uz-cyrl-20-photos", "uz-Cyrl", 20, 0),
    ("tk-long-read", "tk", 3, 10_000),
    ("ru-long-credits", "ru", 5, 0),
    ("fa-3-photos", "fa", 3, 0),
    ("fa-20-photos", "fa", 20, 0),
    ("prs-2-photos", "prs", 2, 0),
]


def write_corpus(issues: Path) -> list[Path]:
    """Write the corpus's issue files into `issues/` (which holds the sample's photos/).
    JSON is YAML: each file is written as JSON, which any editor's YAML reads the same."""
    paths = []
    for stem, language, photos, words in CORPUS:
        path = issues / f"{stem}.yaml"
        data = issue_text(EDITIONS[language], photos, words=words)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        paths.append(path)
    return paths
