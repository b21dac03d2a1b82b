"""A synthetic mail corpus for the benchmark, deterministic from a seed (stdlib only).

``python bench/generate.py --count 20000 --out /tmp/corpus`` writes a maildir (``cur/``,
``new/``, ``tmp/``) of ``count`` messages that notmuch, mu and emlkit all read. The mix is
meant to look like a leaked Russian mailbox: Russian and English text in KOI8-R,
windows-1251 and UTF-8; 8bit, quoted-printable and base64 bodies; HTML alternatives and
HTML-only mail; attachments whose sizes follow a long tail up to about 500 KB; reply
threads with quoted text; forwards both attached (message/rfc822) and inline; and a few
percent of malformed headers (raw 8-bit subjects, wrong or missing charset labels, dates
that are not RFC 5322, missing Message-IDs, unquoted display names).

Every name is invented and every domain is reserved (``example.org``, ``*.test``): the
corpus holds no real person or mailbox. The same seed and count give the same bytes.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import quopri
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

# ---------------------------------------------------------------------------------------------
# Vocabulary: invented people on reserved domains, and common words of both languages.


def _words(text: str) -> list[str]:
    return text.split()


DOMAINS = (
    "example.org",
    "example.com",
    "example.net",
    "mail.test",
    "zarechensk.test",
    "sud.test",
    "press.test",
    "npo.example",
)
_FIRST_M = "Алексей Андрей Борис Вадим Глеб Денис Егор Игорь Кирилл Леонид Михаил Олег Павел"
_FIRST_M += " Роман Семён Тимур Фёдор Юрий Ярослав Артём"
_FIRST_F = "Алина Анна Вера Галина Дарья Елена Жанна Зоя Инна Ксения Лариса Мария Надежда"
_FIRST_F += " Ольга Полина Светлана Тамара Ульяна Юлия Яна"
# Surnames built from invented stems, so that no combination names a real person on purpose.
_STEMS = "Заречн Лесовик Белогор Громыхал Тихомир Сосновц Ольховск Рябинник Полынц Кедрач"
_STEMS += " Щегловит Жаворонц Чернолес Хмелев Цаплин Егорин Тищук Абляз Мирошк Ведерник"
_STEMS += " Сухоруч Пескарев Дубравин Крутояр Ястребц"
_EN_FIRST = "Alice Brian Clara Daniel Emma Frank Grace Henry Irene Jacob Laura Martin Nora Oscar"
_EN_LAST = "Ashcombe Brindle Carrow Dunmere Ellery Fairlow Garnett Holloway Ivers Kestrel"
_EN_LAST += " Lanyard Marlowe Northcote Pellham Quarry Redfern Sallow Thorne Upwood Varney"

_RU_WORDS = _words(
    """
и в не на что с по как это к но он она они мы вы я из за для от о же так уже только
еще или бы было будет есть нет если когда чтобы тоже там здесь все всё вот даже после
до при без через между потому очень можно нужно надо сейчас завтра вчера сегодня
письмо письма письмом письме документ документы документа документов договор договора
договором договоре аренды аренда оплата оплаты оплату счёт счета счёта перевод перевода
переводом деньги денег деньгами сумма суммы сумму рублей рубля тысяч миллиона
встреча встречи встрече встречу совещание совещания суд суда суде судом судья судьи
адвокат адвоката адвокатом прокурор прокуратура прокуратуры следователь следователя
обыск обыска обыске задержание задержания задержали протокол протокола протоколом
заявление заявления жалоба жалобы жалобу ответ ответа ответом вопрос вопросы вопросу
администрация администрации глава главы мэр мэра депутат депутата депутатов совет
проект проекта проекту строительство строительства участок участка земли земельного
подрядчик подрядчика тендер тендера конкурс конкурса смета сметы акт акта актов
пистолет пистолета пистолетом оружие оружия полиция полиции отдел отдела сотрудник
сотрудники сотрудников журналист журналиста журналистов редакция редакции статья
статьи статью публикация публикации материал материалы источник источника
копия копию копии приложение приложения приложении файл файлы файла архив архива
подпись подписи подписал подписала печать печати дата даты срок сроки срока
прошу просим сообщаю сообщаем направляю направляем пересылаю согласовать согласовали
удалить удалили стереть сервер сервера бэкап переписка переписку переписки
задним числом срочно важно конфиденциально лично внимание уважаемый уважаемая
коллеги коллегам здравствуйте добрый день спасибо благодарю с уважением
понедельник вторник среда четверг пятница марта апреля мая июня сентября октября
город города городе область области район района улица улицы дом дома
"""
)
_EN_WORDS = _words(
    """
the of and to a in is that for it as was with be by on not he this are or his from at
which but have an they you were her all she there would their we him been has when who
will more no if out so said what up its about into than them can only other new some
could time these two may then do first any my now such like our over man me even most
made after also did many before must through back years where much your way well down
should because each just those people how too little state good very make world still
own see men work long get here between both life being under never day same another
know while last might us great old year off come since against go came right used take
three contract invoice payment meeting agenda draft report board minutes attached
attachment please find regards thanks schedule court hearing lawyer counsel filing
transfer account bank wire deadline review comments revised version signed copy
confidential urgent project tender permit land parcel council mayor deputy office
journalist article source editor publication archive server backup delete deleted
"""
)
_SALUTE_RU = ("Здравствуйте", "Добрый день", "Уважаемый коллега", "Привет", "Коллеги")
_CLOSE_RU = ("С уважением", "Спасибо", "Всего доброго", "Жду ответа", "До связи")
_SALUTE_EN = ("Hello", "Dear colleagues", "Hi", "Good morning", "Dear all")
_CLOSE_EN = ("Best regards", "Thanks", "Kind regards", "Cheers", "Sincerely")
_MAILERS = (
    "Microsoft Outlook 16.0",
    "The Bat! (v9.3.4) Professional",
    "Mozilla Thunderbird 102.0",
    "Apple Mail (2.3654)",
    "Roundcube Webmail/1.6.1",
    "Yandex.Mail",
    "Zimbra 8.8",
)
_ATTACHMENT_TYPES = (
    ("application/pdf", "pdf", b"%PDF-1.4\n"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        b"PK\x03\x04",
    ),
    ("application/msword", "doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("application/zip", "zip", b"PK\x03\x04"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
)
_FILE_STEMS_RU = ("договор", "акт", "смета", "протокол", "скан", "справка", "заявление")
_FILE_STEMS_EN = ("contract", "invoice", "minutes", "scan", "report", "photo", "draft")
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        _words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"),
        strict=True,
    )
)
_CHARSETS = (("koi8-r", 0.30), ("windows-1251", 0.35), ("utf-8", 0.35))
_ENCODINGS = (("8bit", 0.45), ("quoted-printable", 0.30), ("base64", 0.25))
_ZONES = (3, 3, 3, 0, 2, 5, -5, 1)


@dataclass(frozen=True, slots=True)
class Person:
    """An invented correspondent: display name, address, and whether they write Russian."""

    name: str
    address: str
    russian: bool


@dataclass(slots=True)
class Sent:
    """What later messages need of an earlier one: to reply to it or forward it."""

    message_id: str
    subject: str
    sender: Person
    body: str
    references: tuple[str, ...]
    russian: bool
    data: bytes | None


def _translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower()).replace("_", "")


def make_people(rng: random.Random, count: int = 320) -> list[Person]:
    """Invented Russian and English correspondents with addresses on reserved domains."""
    people: list[Person] = []
    stems = _STEMS.split()
    seen: set[str] = set()
    while len(people) < count:
        domain = rng.choice(DOMAINS)
        if rng.random() < 0.82:
            female = rng.random() < 0.5
            first = rng.choice((_FIRST_F if female else _FIRST_M).split())
            stem = rng.choice(stems)
            last = stem + rng.choice(("ова", "ина", "ская") if female else ("ов", "ин", "ский"))
            local = f"{_translit(first)}.{_translit(last)}"
            person = Person(f"{first} {last}", f"{local}@{domain}", True)
        else:
            first, last = rng.choice(_EN_FIRST.split()), rng.choice(_EN_LAST.split())
            local = f"{first[0]}.{last}".lower()
            person = Person(f"{first} {last}", f"{local}@{domain}", False)
        if person.address not in seen:
            seen.add(person.address)
            people.append(person)
    return people


# ---------------------------------------------------------------------------------------------
# Text


def _weights(words: list[str]) -> list[float]:
    return [1.0 / (rank + 8) for rank in range(len(words))]  # Zipf-like, flattened at the top


_RU_W = _weights(_RU_WORDS)
_EN_W = _weights(_EN_WORDS)


def paragraph(rng: random.Random, russian: bool, sentences: int) -> str:
    words, weights = (_RU_WORDS, _RU_W) if russian else (_EN_WORDS, _EN_W)
    out: list[str] = []
    for _ in range(sentences):
        chosen = rng.choices(words, weights, k=rng.randint(5, 16))
        sentence = " ".join(chosen)
        out.append(sentence[0].upper() + sentence[1:] + rng.choice(".....?!"))
    return " ".join(out)


def body_text(rng: random.Random, sender: Person, to: Person, russian: bool) -> str:
    """A letter: salutation, a log-normal number of paragraphs wrapped at 72, signature."""
    salute = rng.choice(_SALUTE_RU if russian else _SALUTE_EN)
    first = to.name.split()[0]
    lines = [f"{salute}, {first}!" if russian else f"{salute} {first},", ""]
    paragraphs = max(1, min(40, int(rng.lognormvariate(0.9, 0.8))))
    for _ in range(paragraphs):
        lines.extend(_wrap(paragraph(rng, russian, rng.randint(1, 6))))
        lines.append("")
    lines += ["--", rng.choice(_CLOSE_RU if russian else _CLOSE_EN) + ",", sender.name]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 72) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def html_of(text: str, rng: random.Random) -> str:
    """An HTML rendering of a plain-text letter, in the heavy style of webmail and Outlook."""
    style = rng.choice(
        (
            '<div style="font-family:Arial,sans-serif;font-size:10pt">',
            '<div class="WordSection1"><p class="MsoNormal">',
            "<div>",
        )
    )
    paras = []
    for para in text.split("\n\n"):
        escaped = para.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        paras.append("<p>" + escaped.replace("\n", "<br>\n") + "</p>")
    head = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=CHARSET">'
        "<style>p{margin:0}.MsoNormal{font-size:11pt}</style></head><body>"
    )
    return head + style + "\n".join(paras) + "</div></body></html>\n"


# ---------------------------------------------------------------------------------------------
# Encodings


def encoded_word(text: str, charset: str, rng: random.Random) -> str:
    """RFC 2047 encoded-words (B or Q), split so that each stays within 75 characters."""
    if text.isascii():
        return text
    use_b = rng.random() < 0.7
    words: list[str] = []
    chunk = ""
    for ch in text:
        if len((chunk + ch).encode(charset)) > (30 if use_b else 20):
            words.append(_one_word(chunk, charset, use_b))
            chunk = ""
        chunk += ch
    if chunk:
        words.append(_one_word(chunk, charset, use_b))
    return " ".join(words)


def _one_word(text: str, charset: str, use_b: bool) -> str:
    data = text.encode(charset)
    if use_b:
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    q = "".join(
        "_" if b == 0x20 else chr(b) if 0x21 <= b < 0x7F and chr(b) not in "=?_" else f"={b:02X}"
        for b in data
    )
    return f"=?{charset}?Q?{q}?="


def encode_body(data: bytes, cte: str) -> bytes:
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        return quopri.encodestring(data)
    return data


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def _address(person: Person, charset: str, rng: random.Random) -> str:
    if not person.name.isascii():
        return f"{encoded_word(person.name, charset, rng)} <{person.address}>"
    return f'"{person.name}" <{person.address}>'


# ---------------------------------------------------------------------------------------------
# Messages


@dataclass(slots=True)
class Mix:
    """Shares of each kind of message and malformation (the defaults aim at ~26 KB/message)."""

    english: float = 0.28
    html_alternative: float = 0.30
    html_only: float = 0.08
    attachments: float = 0.142
    reply: float = 0.40
    forward_attached: float = 0.04
    forward_inline: float = 0.05
    crlf: float = 0.35
    malformed: float = 0.06
    max_attachment: int = 370_000  # raw bytes; base64 makes it ~500 KB on disk


class Generator:
    """Writes messages one after another; later ones reply to and forward earlier ones."""

    def __init__(self, seed: int, mix: Mix | None = None) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.mix = mix or Mix()
        self.people = make_people(self.rng)
        self.sent: list[Sent] = []
        self.start = datetime(2019, 1, 9, 8, 0, tzinfo=UTC)
        self.when = self.start

    def message(self, n: int) -> bytes:
        rng, mix = self.rng, self.mix
        self.when += timedelta(seconds=rng.randint(60, 5400))
        parent = self._parent() if self.sent and rng.random() < mix.reply else None
        if parent is not None:
            sender = self._someone(exclude=parent.sender, russian=parent.russian)
            to = [parent.sender]
            russian = parent.russian
        else:
            russian = rng.random() >= mix.english
            sender = self._someone(russian=russian)
            to = [self._someone(exclude=sender, russian=russian)]
        cc = [self._someone(exclude=sender) for _ in range(rng.choice((0, 0, 0, 1, 2, 4)))]
        charset = _pick(rng, _CHARSETS) if russian else rng.choice(("utf-8", "us-ascii"))
        message_id = f"<{n:07d}.{self.seed}.{rng.getrandbits(40):010x}@{sender.address[-11:]}>"
        text = body_text(rng, sender, to[0], russian)
        subject, headers_extra = self._subject_and_refs(parent, russian)
        forward: Sent | None = None
        if self.sent and rng.random() < mix.forward_inline:
            forward = rng.choice(self.sent[-200:])
            text += _inline_forward(forward, russian)
            subject = ("Fwd: " if rng.random() < 0.5 else "Пересылка: ") + forward.subject
        if parent is not None:
            text += _quote(parent, russian)
        if charset == "us-ascii" and not text.isascii():
            charset = "utf-8"
        malformed = rng.random() < mix.malformed
        body = self._body(text, charset, russian, n, malformed)
        headers = self._headers(
            sender, to, cc, subject, message_id, charset, headers_extra, malformed
        )
        data = headers + body
        small = data if len(data) < 12_000 else None
        if rng.random() < mix.crlf:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        refs = (*parent.references, parent.message_id) if parent else ()
        self.sent.append(Sent(message_id, subject, sender, text[:1500], refs[-10:], russian, small))
        if len(self.sent) > 400:
            del self.sent[:100]
        return data

    def _parent(self) -> Sent:
        recent = self.sent[-60:]
        return recent[-1 - min(len(recent) - 1, int(self.rng.expovariate(0.15)))]

    def _someone(self, exclude: Person | None = None, russian: bool | None = None) -> Person:
        while True:
            # A few people write most of the mail, as in any mailbox.
            person = self.people[min(len(self.people) - 1, int(self.rng.paretovariate(1.2)) - 1)]
            if self.rng.random() < 0.6:
                person = self.rng.choice(self.people)
            if person is exclude:
                continue
            if russian is None or person.russian == russian or self.rng.random() < 0.15:
                return person

    def _subject_and_refs(self, parent: Sent | None, russian: bool) -> tuple[str, list[str]]:
        if parent is None:
            return paragraph(self.rng, russian, 1)[:70].rstrip(".!? "), []
        prefix = self.rng.choice(("Re: ", "RE: ", "Re: ", "Ответ: ") if russian else ("Re: ",))
        base = parent.subject
        subject = base if base.lower().startswith("re") else prefix + base
        refs = [*parent.references, parent.message_id]
        extra = [f"In-Reply-To: {parent.message_id}"]
        if self.rng.random() < 0.9:
            extra.append("References: " + "\n ".join(refs[-10:]))
        return subject, extra

    def _body(self, text: str, charset: str, russian: bool, n: int, malformed: bool) -> bytes:
        rng, mix = self.rng, self.mix
        cte = _pick(rng, _ENCODINGS) if charset != "us-ascii" else "7bit"
        label = charset
        if malformed and russian:
            fault = rng.randrange(4)
            if fault == 0 and charset == "koi8-r":
                label = "windows-1251"  # bytes in KOI8-R, labelled windows-1251
            elif fault == 1:
                label = ""  # 8-bit text, no charset parameter
            elif fault == 2:
                label = "x-unknown"
            elif fault == 3 and cte == "base64":
                cte = "base-64"  # an unknown transfer encoding
        plain = _part("text/plain", label, cte, text.encode(charset, "replace"))
        html_roll = rng.random()
        if html_roll < mix.html_only:
            html = html_of(text, rng).replace("CHARSET", charset)
            main = _part("text/html", label, cte, html.encode(charset, "replace"))
        elif html_roll < mix.html_only + mix.html_alternative:
            html = html_of(text, rng).replace("CHARSET", charset)
            alt = _part("text/html", label, cte, html.encode(charset, "replace"))
            main = _multipart("alternative", [plain, alt], rng)
        else:
            main = plain
        parts = [main]
        if rng.random() < mix.attachments:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                parts.append(self._attachment(russian, charset))
        if self.sent and rng.random() < mix.forward_attached:
            earlier = [s for s in self.sent[-100:] if s.data is not None]
            if earlier:
                inner = rng.choice(earlier).data or b""
                parts.append(
                    b"Content-Type: message/rfc822\nContent-Disposition: attachment\n\n" + inner
                )
        if len(parts) == 1:
            return b"MIME-Version: 1.0\n" + main
        return b"MIME-Version: 1.0\n" + _multipart("mixed", parts, rng)

    def _attachment(self, russian: bool, charset: str) -> bytes:
        rng = self.rng
        # Log-uniform sizes: most attachments are tens of KB, a tail reaches the maximum.
        size = int(math.exp(rng.uniform(math.log(3_000), math.log(self.mix.max_attachment))))
        stems = _FILE_STEMS_RU if russian else _FILE_STEMS_EN
        stem = f"{rng.choice(stems)}_{rng.randint(1, 400)}"
        if rng.random() < 0.15:
            text = "\n".join(paragraph(rng, russian, 4) for _ in range(max(1, size // 600)))
            payload = text.encode("cp1251" if russian else "utf-8", "replace")[:size]
            ctype = f'text/plain; charset="{"windows-1251" if russian else "utf-8"}"'
            filename = stem + ".txt"
        else:
            mime, ext, magic = rng.choice(_ATTACHMENT_TYPES)
            payload = magic + rng.randbytes(size)
            ctype, filename = mime, f"{stem}.{ext}"
        if filename.isascii():
            disposition = f'attachment; filename="{filename}"'
            ctype += f'; name="{filename}"'
        elif rng.random() < 0.5:  # RFC 2231, as Thunderbird writes it
            disposition = f"attachment;\n filename*=UTF-8''{quote(filename)}"
        else:  # RFC 2047 inside quotes, as Outlook writes it
            word = encoded_word(filename, "utf-8" if charset == "us-ascii" else charset, rng)
            disposition = f'attachment;\n filename="{word}"'
            ctype += f';\n name="{word}"'
        return (
            f"Content-Type: {ctype}\nContent-Transfer-Encoding: base64\n"
            f"Content-Disposition: {disposition}\n\n"
        ).encode() + base64.encodebytes(payload)

    def _headers(
        self,
        sender: Person,
        to: list[Person],
        cc: list[Person],
        subject: str,
        message_id: str,
        charset: str,
        extra: list[str],
        malformed: bool,
    ) -> bytes:
        rng = self.rng
        hcharset = "utf-8" if charset == "us-ascii" else charset
        zone = timezone(timedelta(hours=rng.choice(_ZONES)))
        local = self.when.astimezone(zone)
        date = local.strftime("%a, %d %b %Y %H:%M:%S %z")
        lines = [f"Return-Path: <{sender.address}>"]
        stamp = local
        hops = rng.randint(2, 4)
        hosts = [f"mx{rng.randint(1, 9)}.{d}" for d in rng.sample(DOMAINS, hops)]
        for hop in range(hops):  # newest first, as servers prepend them
            stamp_text = (stamp + timedelta(seconds=(hops - hop) * rng.randint(1, 40))).strftime(
                "%a, %d %b %Y %H:%M:%S %z"
            )
            ip = f"192.0.2.{rng.randint(1, 254)}"
            style = rng.randrange(3)
            if style == 0:
                lines.append(
                    f"Received: from {hosts[hop]} ({hosts[hop]} [{ip}])\n\tby"
                    f" {hosts[(hop + 1) % hops]} (Postfix) with ESMTPS id"
                    f" {rng.getrandbits(40):010X}\n\tfor <{to[0].address}>; {stamp_text}"
                )
            elif style == 1:
                lines.append(
                    f"Received: from [{ip}] (helo={hosts[hop]})\n\tby {hosts[(hop + 1) % hops]}"
                    f" with esmtpsa (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)"
                    f"\n\tid 1q{rng.getrandbits(30):08x}-000{hop}\n\t; {stamp_text}"
                )
            else:
                lines.append(
                    f"Received: by {hosts[hop]} with SMTP id {rng.getrandbits(48):x};\n"
                    f"        {stamp_text}"
                )
        fault = rng.randrange(6) if malformed else -1
        if fault == 0:
            pass  # no Date header
        elif fault == 1:
            lines.append(f"Date: {local:%d.%m.%Y %H:%M}")
        elif fault == 2:
            months = "января февраля марта апреля мая июня июля августа сентября октября"
            months += " ноября декабря"
            lines.append(f"Date: {local.day} {months.split()[local.month - 1]} {local.year} г.")
        else:
            lines.append(f"Date: {date}")
        lines.append(f"From: {_address(sender, hcharset, rng)}")
        if fault == 3 and not sender.name.isascii():  # an unquoted 8-bit display name
            lines[-1] = f"From: {sender.name} {sender.address}"
        lines.append("To: " + ",\n\t".join(_address(p, hcharset, rng) for p in to))
        if cc:
            lines.append("Cc: " + ",\n\t".join(_address(p, hcharset, rng) for p in cc))
        if fault == 4 and not subject.isascii():
            lines.append("Subject: " + subject)  # raw 8-bit, encoded below with the charset
        else:
            lines.append("Subject: " + encoded_word(subject, hcharset, rng))
        if fault != 5:
            lines.append(f"Message-ID: {message_id}")
        lines.extend(extra)
        lines.append(f"X-Mailer: {rng.choice(_MAILERS)}")
        text = "\n".join(lines) + "\n"
        return text.encode(hcharset, "replace")


def _part(ctype: str, charset: str, cte: str, payload: bytes) -> bytes:
    param = f'; charset="{charset}"' if charset else ""
    head = f"Content-Type: {ctype}{param}\nContent-Transfer-Encoding: {cte}\n\n"
    encoded = encode_body(payload, cte if cte != "base-64" else "base64")
    return head.encode() + encoded


def _multipart(kind: str, parts: list[bytes], rng: random.Random) -> bytes:
    boundary = f"----=_Part_{rng.getrandbits(48):012x}"
    out = [f'Content-Type: multipart/{kind};\n\tboundary="{boundary}"\n\n'.encode()]
    out.append(b"This is a multi-part message in MIME format.\n")
    for part in parts:
        out.append(f"\n--{boundary}\n".encode())
        out.append(part)
    out.append(f"\n--{boundary}--\n".encode())
    return b"".join(out)


def _quote(parent: Sent, russian: bool) -> str:
    intro = (
        f"\n{parent.sender.name} писал(а):\n"
        if russian
        else f"\nOn a previous day, {parent.sender.name} wrote:\n"
    )
    quoted = "\n".join("> " + line for line in parent.body.splitlines()[:30])
    return intro + quoted + "\n"


def _inline_forward(earlier: Sent, russian: bool) -> str:
    head = "-------- Пересылаемое сообщение --------" if russian else "---------- Forwarded message"
    return (
        f"\n{head}\nFrom: {earlier.sender.name} <{earlier.sender.address}>\n"
        f"Subject: {earlier.subject}\n\n{earlier.body}\n"
    )


# ---------------------------------------------------------------------------------------------
# The corpus


def file_name(n: int, seed: int) -> str:
    """A maildir name: unique, sortable, with the ``:2,`` info that marks a maildir file."""
    return f"{1546300800 + n * 97}.M{n:07d}P{seed}.bench.test:2,S"


def generate(out: Path, count: int, seed: int = 1) -> dict[str, object]:
    """Write ``count`` messages under ``out/cur``; return the corpus' size and mix."""
    for sub in ("cur", "new", "tmp"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    total = 0
    largest = 0
    started = time.monotonic()
    for n in range(count):
        data = generator.message(n)
        path = out / "cur" / file_name(n, seed)
        path.write_bytes(data)
        stamp = generator.when.timestamp()
        os.utime(path, (stamp, stamp))
        total += len(data)
        largest = max(largest, len(data))
    stats: dict[str, object] = {
        "count": count,
        "seed": seed,
        "bytes": total,
        "mean_bytes": round(total / max(1, count)),
        "largest_bytes": largest,
        "seconds": round(time.monotonic() - started, 2),
    }
    (out.parent / f"{out.name}.json").write_text(json.dumps(stats, indent=2) + "\n")
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="how many messages")
    parser.add_argument("--out", type=Path, required=True, help="the maildir to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if (args.out / "cur").exists() and any((args.out / "cur").iterdir()):
        print(f"{args.out}/cur is not empty; choose a new folder", file=sys.stderr)
        return 2
    stats = generate(args.out, args.count, args.seed)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
