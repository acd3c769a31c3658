"""Line rules of the clean stage: each names one kind of boilerplate and how to spot it.

Every rule looks at one whitespace-normalised line on its own. Rules that need
neighbours (captions, promo lists, duplicates) live in :mod:`storyline.clean.layout`.
Patterns are anchored at the start of the line and bounded in length wherever
possible, because an unanchored boilerplate word ("subscribe", "photo") also
occurs in real reporting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Rules whose match means the whole line is a fixed-form insert (credit, promo,
# sign-up, UI label). Only these may drop a line that carries a direct quote:
# context-based or loosely worded rules could otherwise eat a quoted body sentence.
QUOTE_SAFE_RULES = frozenset(
    {
        "photo-credit",
        "alt-text",
        "advertisement",
        "newsletter",
        "social-share",
        "read-more",
        "promo-list",
        "copyright",
        "page-chrome",
    }
)

_WORD = re.compile(r"\S+")
# A direct quotation: >= 4 words between paired quote marks. The opening single
# curly quote is required for the single-quote form so apostrophes (’) never count.
_QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]+(?:’\w[^’]*)*)’|«([^»]+)»")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*$")

# Photo agencies and wire services that appear in image credits.
_AGENCY = (
    r"(?:AP|AFP|Reuters|Getty(?: Images)?|Shutterstock|REX|EPA(?:-EFE)?|Alamy|Corbis|Xinhua"
    r"|Sipa(?: USA)?|NurPhoto|Bloomberg|Pool|iStock(?:photo)?|Associated Press|ZUMA(?: Wire)?"
    r"|Anadolu(?: Agency)?|Kyodo|Yonhap|KCNA|DPA|PA(?: Images| Wire)?|Redux|Polaris|NASA)"
)


@dataclass(frozen=True, slots=True)
class LineRule:
    """A named test on one line; ``max_words`` bounds it so long paragraphs never match."""

    name: str
    test: Callable[[str], bool]
    max_words: int
    strict: bool = False  # applied only when extraction favours precision


def normalize(text: str) -> str:
    """Collapse every run of whitespace (including newlines) to one space and strip."""
    return " ".join(text.split())


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(_WORD.findall(text))


def _dead_openers_masked(text: str) -> str:
    """``text`` with opening marks that no closing mark follows set to "#".

    Each such mark made _QUOTE scan to the end of the line and fail: quadratic on a long line
    of them. "#" plays every other part the mark did (not \\w, not a space, no quote mark), so
    the matches and their word counts are unchanged.
    """
    for opener, closer in (("“", "”"), ("‘", "’"), ("«", "»")):
        last = text.rfind(closer)
        if text.find(opener, last + 1) != -1:
            text = text[: last + 1] + text[last + 1 :].replace(opener, "#")
    return text


def has_direct_quote(text: str) -> bool:
    """True when the line quotes someone directly (quote marks around >= 4 words)."""
    for match in _QUOTE.finditer(_dead_openers_masked(text)):
        inner = next(group for group in match.groups() if group is not None)
        if word_count(inner) >= 4:
            return True
    return False


def ends_sentence(text: str) -> bool:
    """True when the line ends like a sentence (., !, ?, … possibly inside closing quotes)."""
    return _SENTENCE_END.search(text) is not None


def is_title_like(text: str, max_words: int = 25) -> bool:
    """A headline-shaped line: short, and not closed by a period or colon."""
    words = word_count(text)
    if not 1 <= words <= max_words:
        return False
    stripped = text.rstrip('"”’)] ')
    if stripped.endswith((".", ":", ";", ",")) and not stripped.endswith(("...", "…")):
        return False
    # Two or more sentences are a paragraph, not a title.
    return len(re.findall(r"[.!?] +[A-Z“\"]", text)) == 0


def is_list_item(text: str) -> bool:
    """A bullet line: starts with a dash, bullet or asterisk marker followed by a space."""
    return re.match(r"^(?:[—–•·▪*>]|-(?!-)) ?\S", text) is not None and not re.match(
        r"^[—–-]{2,}", text
    )


def _rx(pattern: str, flags: int = re.IGNORECASE) -> Callable[[str], bool]:
    """A rule test from a regular expression matched at the start of the line."""
    compiled = re.compile(pattern, flags)
    return lambda line: compiled.match(line) is not None


def _search(pattern: str, flags: int = re.IGNORECASE) -> Callable[[str], bool]:
    """A rule test from a regular expression found anywhere in the line."""
    compiled = re.compile(pattern, flags)
    return lambda line: compiled.search(line) is not None


# Lower-case words allowed inside a credit's names ("Pool via Reuters", "Ana de Souza").
_NAME_JOINERS = frozenset({"via", "for", "of", "and", "the", "de", "da", "van", "von", "der"})


def _agency_credit(line: str) -> bool:
    """A name/agency credit such as "By Evan Vucci/AP/REX/Shutterstock." or "Jane Doe/Getty"."""
    body = re.sub(r"^(?:By|Photo(?:graph)?s?|Image|Credit)\b:?\s*", "", line, flags=re.I)
    body = body.rstrip(". ")
    if "/" not in body and not re.search(rf"\b(?:via|for) {_AGENCY}$", body):
        # Without a slash only a bare credit counts: capitalised names, then the agency.
        credit = rf"(?:[A-Z][\w.'’-]* ){{0,4}}(?:for |via )?{_AGENCY}"
        return re.fullmatch(credit, body) is not None
    # Every slash-separated part must be a short capitalised name, and one part an agency.
    parts = [part.strip() for part in re.split(r"/| via ", body)]
    if not all(0 < word_count(part) <= 5 for part in parts):
        return False
    if any(w[0].islower() and w not in _NAME_JOINERS for part in parts for w in part.split()):
        return False
    if any(ends_sentence(part) for part in parts[:-1]):
        return False
    return any(re.fullmatch(rf"(?:.* )?{_AGENCY}(?: .*)?", part) for part in parts)


_PHOTO_PREFIX = _rx(
    r"(?:Image|Images|Photo|Photos|Photograph|Photographs|Photographer|Picture|Pictures|Pic"
    r"|Credit|Credits|Photo credit|Image credit|Image source|Illustration|Photo illustration"
    r"|Graphic|Top image|Lead image|Header image|Main image|Featured image|Cover image)"
    r"\s*(?::|by\b|©)\s*\S"
)
_PHOTO_PAREN = _rx(r"\(?\s*(?:AP|AFP|Reuters|EPA|Getty|Xinhua|Bloomberg) ?Photo\s*/.*\)?$", 0)
# A credit glued to the end of its caption by extraction: "...in New York.Reuters".
_GLUED_CREDIT = _search(
    rf"[a-z0-9)][.!?](?:Photo: ?)?(?:[A-Z][\w.'’-]+ ){{0,3}}{_AGENCY}"
    r"(?:/[\w.'’-]+(?: [\w.'’-]+){0,3}){0,3}$",
    0,
)
_PAREN_CREDIT = _search(
    r"\((?:photo|image|credit|picture|photograph)s?(?: credit)?\s*[:/][^)]{2,80}\)\s*\|?$"
)


def _photo_credit(line: str) -> bool:
    """Image credits in their usual forms."""
    if _PHOTO_PREFIX(line) and word_count(line) <= 16 and not ends_sentence(line.rstrip(".")):
        return True
    if re.match(r"^PhotoCredit|^Credit\.\.\.", line):
        return True
    return _PHOTO_PAREN(line) or _agency_credit(line)


def _caption_with_credit(line: str) -> bool:
    """A caption whose credit is glued on ("...in New York.Reuters", "(credit: NASA/X)")."""
    return _PAREN_CREDIT(line) or _GLUED_CREDIT(line)


_ALT_TEXT = _rx(r"(?:Image|Photo|Picture) may contain\b|May be an? (?:image|photo|picture)\b")

_AFFILIATE = _search(
    r"\b(?:may|might|can|could)\s+(?:earn|receive|get|collect|make)\b[^.]{0,60}\b(?:commission"
    r"|share of (?:the )?(?:sales?|revenue)|compensation)"
    r"|\b(?:we|us|our site|this site)\b[^.]{0,40}\b(?:earn|receive|get|collect|make)s?\b[^.]{0,40}"
    r"\b(?:commission|share of (?:the )?(?:sales?|revenue))"
    r"|\bindependently (?:selected|chosen|reviewed|picked)\b"
    r"|\baffiliate (?:links?|commissions?|partnerships?|programs?)\b"
    r"|\bif you (?:buy|purchase) (?:something|anything|a product|through)\b"
)

_NEWSLETTER = _search(
    r"^(?:Sign up|Signup|Subscribe|Register|Get|Join|Want)\b[^.]{0,120}\b(?:newsletters?|inbox"
    r"|e-?mails?|briefing|digest|alerts?)\b"
    r"|^(?:Sign up|Subscribe)(?: now| today| here)?\b(?:\s+(?:for|to)\b|[.!:]|$)"
    r"|\b(?:sign up|subscribe)\b[^.]{0,60}\bnewsletters?\b"
    r"|\bnewsletters?\b[^.]{0,80}\b(?:sign up|subscribe|inbox|delivered)"
    r"|\b(?:delivered|straight|right|directly) (?:to|in|into) your inbox\b"
    r"|^Thanks? (?:you )?for (?:signing up|subscribing)\b"
    r"|^There was an error processing your subscription\b"
    r"|^(?:\S+ ){0,4}Newsletters?$"
    r"|^.{0,80}\byour inbox\b.{0,80}$"
)

_SOCIAL = _search(
    r"^(?:Share|Tweet|Pin|Email|Post)(?: (?:this|it|the|on|via|to|with)\b[\w\s]{0,40})?"
    r"(?:Facebook|Twitter|X|LinkedIn|WhatsApp|Pinterest|Reddit|Email|Flipboard|Threads"
    r"|article|story|page|post|link|a friend)?\s*$"
    r"|^Follow\s.{0,80}\b(?:on|at)\s+(?:Twitter|Facebook|Instagram|YouTube|LinkedIn|TikTok"
    r"|Threads|Flipboard|Bluesky|Mastodon|X\b|@)"
    r"|^Like this (?:story|article)\?"
    r"|Click To Tweet$"
    r"|^(?:Email|Write to|Reach|Contact)\b.{0,80}\b(?:\S+@\S+\.\w+|@\w{2,}|twitter\.com/)"
    r"|^Have a (?:news )?tip\?"
    r"|\bFollow (?:him|her|them|us|me) (?:on|at) (?:Twitter|Facebook|Instagram|X\b|@)"
)

_READ_MORE = _rx(
    r"(?:\[|\()?(?:Read|See|Watch|Listen)(?: (?:more|also|next|it|this|now))"
    r"?(?: on| at| here)?\s*:\s*\S"
    r"|(?:\[|\()?(?:Related|Also read|Also on|Also see|Also|More|Further reading|Recommended"
    r"|Related (?:post|story|article|coverage|content|reading|video|link))s?\s*:\s*\S"
    r"|Also on [\w.-]+\.\w+\b"
    r"|Read (?:the )?(?:full|complete|original|whole|rest of the) (?:story|article|report|piece)"
    r"|(?:Continue|Keep) reading\b"
    r"|Looking for more\?$"
    r"|Click here to (?:read|subscribe|sign up|download the app|get the \w+(?: \w+)? app|follow"
    r"|see|watch|listen|learn more|for more)\b"
    r"|(?-i:.{0,60}\b(?:CLICK HERE|CLICKING HERE)\b.{0,40}$)"
    r"|Follow [\w’' ]{0,40}(?:full|complete|latest) coverage\b"
    r"|Explore further$|More:$|Read more(?:\.{3}|…)?$",
    re.IGNORECASE,
)

_ADVERTISEMENT = _rx(
    r"(?:Advertisement|Advertisements|Advertising|Sponsored(?: content| post| story)?"
    r"|Paid (?:content|post)|Story continues below(?: advertisement)?"
    r"|(?:Article|Story) continues (?:below|after (?:the )?(?:advertisement|ad))"
    r"|Continue reading (?:the main story|below)|Scroll (?:down )?to continue(?: reading)?"
    r"|Skip (?:ad|advert)|AD|Ad)\s*[-–—:]?\s*(?:Scroll to continue(?: with content)?)?\.?$",
    re.IGNORECASE,
)

_COPYRIGHT = _search(
    r"^(?:Copyright\b|©|ⓒ|\(c\)|Copr\.)|\ball rights reserved\b"
    r"|\bmay not be (?:published|reproduced|broadcast|rewritten|redistributed)\b"
)

_REPORTING_CREDIT = _search(
    r"\bcontributed (?:reporting|to this (?:report|story|article))\b"
    r"|^\(?(?:Additional |Further )?[Rr]eporting by\b"
    r"|\b[Ee]diting by [A-Z]"
    r"|^\(?(?:Writing|Compiled|Edited) by [A-Z]",
    0,
)

# "Update:" is left out on purpose: news sites put real reporting behind it.
_CORRECTION = _rx(
    r"(?:Correction|Clarification|Editor['’]s note)s?\s*(?:\([^)]{0,40}\))?\s*[:—–-]\s*\S"
    r"|An earlier version of this (?:article|story|report|post)\b"
    r"|This (?:article|story|post) (?:has been|was) (?:updated|corrected|amended)\b"
)

_TIMESTAMP_START = _rx(
    r"(?:-\s*)?(?:Updated|Published|Posted|Last updated|First published|Modified)\b[\s:,]*\S"
)
_DATE_TOKEN = _search(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\b|\d{1,2}:\d{2}"
    r"|\b\d{4}\b|\d{1,2} ?/ ?\d{1,2}"
)
# Lower-case words a date stamp may hold; a sentence ("Published in 1998, the novel sold
# two million copies.") has more of its own and is kept.
_STAMP_WORDS = frozenset({"on", "at", "by", "in", "a.m.", "p.m.", "am", "pm", "of", "th"})


def _timestamp(line: str) -> bool:
    """A publication or update stamp: "Updated at 1:23 p.m.", "Published: August 7, 2012"."""
    if not (_TIMESTAMP_START(line) and _DATE_TOKEN(line)):
        return False
    lower = [w for w in re.findall(r"[^\W\d_][\w.]*", line[1:]) if w[0].islower()]
    return sum(w.lower() not in _STAMP_WORDS for w in lower) <= 1


_AUTHOR_BIO = _rx(
    r"(?:[A-Z][\w.'’-]+ ){1,3}(?:is|was) (?:a|an|the|[A-Z][\w.]*['’]s)\b[\w ,'’-]{0,60}?"
    r"\b(?:reporter|writer"
    r"|correspondent|editor|columnist|contributor|journalist|producer|curator|author of"
    r"|contributing|staff writer|freelance)\b"
    # ... and says where they work: "at Gadget Desk", "for Breitbart Tech", "IGN's", "covering".
    r".{0,80}(?:\b(?:at|for|with|of) (?:the )?[A-Z]|\bcover(?:s|ing)\b)",
    0,
)

_SOURCE_CREDIT = _rx(r"Sources?\s*:\s*[A-Z][^.!?]{1,60}$")

_PAGE_CHROME = _rx(
    r"(?:Comments?|\d+ comments?|Loading comments\.*|Show comments|View comments|Leave a comment"
    r"|Print(?: (?:this )?article)?|Order reprints|Reprints|Tags|Topics|Filed under"
    r"|Back to top|Skip to (?:main )?content|Close|Fullscreen|Thumbnails|Previous|Next"
    r"|\d+ of \d+|Videos?|Related videos|Most read|Trending now|Share this(?: article)?"
    r"|(?:Reading time|Read time|Tempo de leitura|Tiempo de lectura|Temps de lecture|Lesezeit)"
    r":? .{0,20}|\d+ min(?:ute)?s? read|Listen to this article|Play video"
    r"|This is a modal window\..*|This copy is for your personal, non-commercial use only\..*"
    # Form and widget messages left in the page text.
    r"|(?:An error (?:has )?occurred|Something went wrong)[,.;:]? ?(?:please )?(?:try again.*)?"
    r"|Thank you!?|Thanks!|Sorry!|This (?:article|story) has been sent to.*|Loading\.*)"
    r"\s*[:|]?$"
    r"|(?:Tags|Topics|Filed under)\s*:.{0,300}$",
    re.IGNORECASE,
)

# Bare links are dropped only when they cannot be content: images, e-mail, a social profile.
_BARE_URL = _rx(
    r"(?:https?://|www\.)\S+\.(?:jpe?g|png|gif|webp|svg)(?:\?\S*)?$|[\w.+-]+@[\w-]+\.[\w.]+$"
    r"|(?:https?://)?(?:www\.)?(?:twitter|x|instagram|facebook)\.com/\w+/?$"
)

_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:(?:de|da|van|von|der|la|le|bin|al|du)\s+)?[A-Z][\w.'’-]*){1,3}"
_BYLINE = re.compile(
    rf"^(?i:By):?\s+({_NAME}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*|,\s+and\s+){_NAME})*)"
    r"\s*(?:(?:,|\||—|–|-|\bfor\b|\bof\b|\bat\b|\bin\b)\s*(.*?))?\.?$"
)
# Lower-case words allowed after the names in a byline ("Jane Doe, staff writer").
_BYLINE_TAIL_WORDS = frozenset(
    (
        "and", "of", "the", "for", "at", "in", "on", "staff", "writer", "reporter",
        "correspondent", "editor", "contributor", "senior", "special", "to", "updated",
        "published", "via", "with", "news", "chief", "political", "national", "foreign",
        "am", "pm", "a.m.", "p.m.",
    )
)  # fmt: skip

# Month and weekday names (English, French, Spanish, Portuguese, Italian, German), for
# stamps that are nothing but a date: "sexta-feira, 22 de outubro de 2010 às 20:13".
_CALENDAR_WORDS = frozenset(
    _WORD.findall(
        """jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june
    july august september october november december mon tue tues wed thu thurs fri sat sun
    monday tuesday wednesday thursday friday saturday sunday am pm a.m. p.m. gmt utc bst est
    edt cst cdt pst pdt cet cest ist aest et pt mt ct at on of de às a le el del den der um
    janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro
    enero febrero marzo mayo junio julio septiembre octubre noviembre diciembre janvier février
    mars avril mai juin juillet août septembre octobre novembre décembre gennaio febbraio
    aprile maggio giugno luglio settembre ottobre dicembre januar februar märz juni juli
    oktober dezember segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado
    domingo lunes martes miércoles jueves viernes lundi mardi mercredi jeudi vendredi samedi
    dimanche updated published posted modified"""
    )
)
_MONTHS = frozenset(
    w
    for w in _CALENDAR_WORDS
    if len(w) >= 3 and w not in {"updated", "published", "posted", "modified", "gmt", "utc"}
)
_DATE_SHAPE = re.compile(
    r"(?<!\d)(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?!\d)|(?<!\d)(?:19|20)\d{2}(?!\d)"
)


def _date_stamp(line: str) -> bool:
    """A line that is only a date or time, perhaps with a label and a name after "by"."""
    shape = _DATE_SHAPE.search(line)
    if shape is None:
        return False
    if re.fullmatch(r"(?:19|20)\d{2}", shape.group()) and not any(
        w.lower().rstrip(".") in _MONTHS for w in re.findall(r"[^\W\d_]+\.?", line)
    ):
        return False  # a bare year is a date only next to a month name
    if "│" in line or re.search(r"\d{3,}", _DATE_SHAPE.sub(" ", line)):
        return False  # a table row or a line with figures besides the date is data
    text = re.sub(r"\b(?:by|par|por|von|publicado por)\b:?\s.*$", "", line, flags=re.I)
    words = re.findall(r"[^\W\d_][\w.'’-]*", text)
    other = [w for w in words if w.lower().rstrip(".") not in _CALENDAR_WORDS and len(w) > 1]
    return (
        len(other) <= 1
        and not ends_sentence(text.rstrip(" ."))
        or (len(other) == 0 and bool(words))
    )


_SUBSCRIPTION = _search(
    r"^(?:Subscribe|Join|Become an? (?:member|subscriber)|Get (?:access|unlimited|full access)"
    r"|Start (?:your|a) (?:free )?(?:trial|subscription))\b[^.]{0,120}"
    r"(?:\bfor (?:as little as|only|just)\b|[$£€₹]\s?\d|\bRs\.? ?\d|\bper (?:month|year|week)\b"
    r"|\b\d+ issues\b|\bfree trial\b)"
    r"|\bif you (?:enjoyed|liked|value) (?:this|our)\b.{0,80}"
    r"\b(?:join|subscribe|support|donate)"
    r"|\bdelivered (?:through|to) your (?:letterbox|door)\b"
)

# A teaser link: a headline with a section tag ("... [VIDEO]", "... [INSIGHT]"), or a
# whole headline in capitals set between paragraphs.
_TEASER_TAIL = re.compile(r"\s\[(?:[A-Z]{3,}|Video|Photos?|Gallery|Pics|Watch)\]\s*\|?$")


def _teaser_tag(line: str) -> bool:
    """A section tag ending the line after >= 9 characters from a non-space, on one line."""
    # Was one search for r"\S.{8,}" + tail, which backtracks over the whole line at every
    # start: quadratic, minutes on a megabyte line. Finding the tail first is linear.
    tail = _TEASER_TAIL.search(line)
    if tail is None:
        return False
    head = line[line.rfind("\n", 0, tail.start()) + 1 : tail.start()]
    text = head.lstrip()
    return len(text) >= 9


def _caps_teaser(line: str) -> bool:
    """A linked headline in capitals: >= 7 words, all upper case, not a sentence or question."""
    letters = [ch for ch in line if ch.isalpha()]
    return (
        word_count(line) >= 7
        and len(letters) >= 25
        and all(ch.isupper() for ch in letters)
        and not line.rstrip().endswith((".", "?", ":"))
    )


# "Download: http://..." under a podcast or app box; a bare link alone may be a cited source.
_LINK_LINE = _rx(
    r"(?:Download|Listen|iTunes|Spotify|Stitcher|Apple Podcasts|Google Podcasts|Google Play"
    r"|Subscribe|Watch|RSS|Website|Web|Twitter|Facebook|Instagram|YouTube|More info|Info)"
    r"\s*:\s*(?:https?://|www\.)\S+$"
    # "More AP NBA: https://apnews.com/NBA and https://twitter.com/AP_Sports"
    r"|(?:More|Follow|Read|Watch|Listen)\b[^:]{0,40}:\s*(?:https?://|www\.)\S+"
    r"(?:\s*(?:,|and|&)\s*(?:https?://|www\.)\S+)*$"
)

_INVITE = _rx(
    r"(?:Tell us what (?:you|YOU) think|What do you think\?$|Let us know (?:what you think|in the"
    r" comments)|Leave a (?:comment|reply)|Join the (?:conversation|discussion)"
    r"|(?:How to )?(?:Listen|Subscribe|Download)(?: to| on| live| now| here)?\b.{0,60}\b(?:podcast"
    r"|live at|listen back|YouTube|iTunes|Spotify|Apple Podcasts)\b"
    r"|.{0,120}\bClick here (?:for|to) (?:more|further) (?:information|details)\.?$"
    r"|.{0,80}\bon YouTube (?:for|to) (?:all|more|the latest)\b)",
    re.IGNORECASE,
)

# Order matters: the first rule that matches names the removal.
LINE_RULES: tuple[LineRule, ...] = (
    LineRule("alt-text", _ALT_TEXT, 80),
    LineRule("photo-credit", _photo_credit, 16),
    LineRule("caption", _caption_with_credit, 60),
    LineRule("advertisement", _ADVERTISEMENT, 8),
    LineRule("affiliate-disclaimer", _AFFILIATE, 70),
    LineRule("newsletter", _NEWSLETTER, 45),
    LineRule("social-share", _SOCIAL, 30),
    LineRule("read-more", _READ_MORE, 30),
    LineRule("copyright", _COPYRIGHT, 60),
    LineRule("reporting-credit", _REPORTING_CREDIT, 60),
    LineRule("correction-note", _CORRECTION, 80),
    LineRule("timestamp", _timestamp, 14),
    LineRule("source-credit", _SOURCE_CREDIT, 8),
    LineRule("page-chrome", _PAGE_CHROME, 60),
    LineRule("bare-url", _BARE_URL, 1),
    LineRule("timestamp", _date_stamp, 14),
    LineRule("subscription", _SUBSCRIPTION, 60),
    LineRule("read-more", _teaser_tag, 30),
    LineRule("read-more", _caps_teaser, 25),
    LineRule("bare-url", _LINK_LINE, 12),
    LineRule("page-chrome", _INVITE, 30),
)


_MENU_RULES = frozenset({"page-chrome", "social-share", "advertisement"})


def line_rule(line: str, favor: str = "balanced") -> str | None:
    """Name of the first line rule that drops ``line``, or None to keep it.

    ``favor="recall"`` applies only the fixed-form rules (:data:`QUOTE_SAFE_RULES`).
    """
    words = word_count(line)
    if words == 0:
        return None
    quoted = has_direct_quote(line) or favor == "recall"
    # "- Print Article": a bulleted menu entry is judged by its text, for menu rules only.
    bare = line[1:].lstrip() if is_list_item(line) else None
    for rule in LINE_RULES:
        if words > rule.max_words or (quoted and rule.name not in QUOTE_SAFE_RULES):
            continue
        if rule.strict and favor != "precision":
            continue
        if rule.test(line) or (bare is not None and rule.name in _MENU_RULES and rule.test(bare)):
            return rule.name
    return None


_ORG = r"(?:[A-Z][\w&.'’-]*)(?: (?:[A-Z][\w&.'’-]*|of|and|&)){0,4}"
_ABOUT_COMPANY = re.compile(
    rf"^About {_ORG}:?$"
    rf"|^{_ORG},? (?:is|are) (?:a|an|the|one of the)\b[\w\s,'’-]{{0,60}}?\b(?:providers?|company"
    r"|companies|leaders?|manufacturers?|developers?|suppliers?|firm|organi[sz]ation)\b"
    rf"|^{_ORG},? (?:is|are) headquartered in\b"
)
# What a company's self-description talks about, and a news sentence rarely does.
_COMPANY_FACTS = re.compile(
    r"\b(?:headquartered|employs|employees|founded in|subsidiaries|offices in|listed on"
    r"|solutions|products and services|customers in|for more information)\b",
    re.IGNORECASE,
)


def is_company_boilerplate(line: str) -> bool:
    """A press release's closing "About X" block ("Ascom is a global solutions provider ...")."""
    if word_count(line) > 150 or has_direct_quote(line) or not _ABOUT_COMPANY.match(line):
        return False
    return line.startswith("About ") or _COMPANY_FACTS.search(line) is not None


def is_author_bio(line: str) -> bool:
    """A closing "Jane Doe is a reporter at ..." line (only checked at the end of a body)."""
    return word_count(line) <= 60 and not has_direct_quote(line) and _AUTHOR_BIO(line)


def byline_names(line: str) -> str | None:
    """Author names from a real byline line ("By Jane Doe, Reuters" -> "Jane Doe"), else None."""
    if word_count(line) > 20 or _photo_credit(line):
        return None
    match = _BYLINE.match(line)
    if match is None:
        return None
    tail = (match.group(2) or "").split()
    if any(w[0].islower() and w.lower() not in _BYLINE_TAIL_WORDS for w in tail):
        return None
    names = match.group(1).strip(" ,")
    return names if word_count(names) <= 12 else None


_PROMO_HEADER = _rx(
    r"(?:More (?:great |top |of our |recent |popular |latest )?(?:stories|news|coverage|reading"
    r"|headlines|videos|articles|from|on|in|to (?:read|explore))\b"
    r"|Related(?: \w+)?|Recommended(?: \w+)?|(?:You|We think you) (?:may|might|will|could)"
    r" (?:also )?(?:like|enjoy|be interested)|Most (?:popular|read|viewed|shared|watched|recent)"
    r"|Popular (?:on|in|now|stories|articles)|Trending|Further reading|Also read|Read (?:more|next"
    r"|also)|See (?:also|more)|Don['’]t miss|Top (?:stories|news|headlines)|Latest (?:news|stories"
    r"|headlines|videos)|Editors?['’]?s?['’]? (?:picks|choice)|What to read next"
    r"|Around the web|(?:Sponsored|Promoted|Partner) (?:stories|links|content)|Other \w+ (?:columns"
    r"|stories)|Recent (?:posts|stories|articles|slide ?shows)|Featured (?:stories|slide ?shows)"
    r"|Today on \w+|In case you missed it|ICYMI|Keep reading|Explore more|Read these next)\b",
    re.IGNORECASE,
)


def is_promo_header(line: str) -> bool:
    """A bare heading that introduces a list of links ("More Great Stories from Vanity Fair")."""
    text = line.strip("[]() ").rstrip(":.…")
    if ":" in text:
        # "Related: Some headline" is a one-line link, not a bare header.
        return False
    return word_count(text) <= 10 and is_title_like(text) and _PROMO_HEADER(text)


# Section names that follow "More from" without naming the outlet.
_SECTIONS = frozenset(
    (
        "news", "politics", "opinion", "business", "sports", "sport", "world", "tech",
        "technology", "science", "health", "culture", "entertainment", "travel", "style",
        "life", "lifestyle", "money", "markets", "economy", "us", "u.s.", "uk", "europe",
        "asia", "video", "videos", "photos", "this author", "this section", "our partners",
        "the web", "the author", "around the web", "national", "local", "arts", "food",
        "music", "books", "film", "movies", "tv", "television", "climate", "our", "the",
        "this", "us", "the archive", "our archive", "the site", "across the site",
    )
)  # fmt: skip
# A dot belongs to a name only inside it ("Entermedia.co.kr"), never at its end.
_TOKEN = r"[A-Z0-9](?:[\w&'’-]|\.(?=\w))*"
_OUTLET = rf"((?:The )?{_TOKEN}(?: (?:{_TOKEN}|of|and|&|on|de|du)){{0,5}})"
_OUTLET_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"^(?i:More (?:great |top |of our |recent )?(?:stories |news |coverage |reading )?from )"
        rf"{_OUTLET}\s*[:.!…]*$"
    ),
    re.compile(
        rf"^(?:Copyright|©|ⓒ|\(c\))\s*(?:©\s*|ⓒ\s*)?(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?,?\s*)?"
        rf"{_OUTLET}(?:[.,]|\s+\d{{4}}|\s+All rights|\s*$)"
    ),
    re.compile(
        rf"^(?:Sign up for|Subscribe to|Get)\s+{_OUTLET}['’]s?\s+(?:\w+ ){{0,2}}newsletters?\b"
    ),
)
_CORPORATE_SUFFIX = re.compile(r",?\s+(?:Inc|LLC|Ltd|Limited|Corp|Co|plc|GmbH|S\.A)\.?$")


def outlet_from(line: str) -> str | None:
    """The outlet a line names about itself ("© 2019 The Atlantic" -> "The Atlantic"), else None."""
    if word_count(line) > 60:
        return None
    for pattern in _OUTLET_PATTERNS:
        match = pattern.match(line)
        if match is None:
            continue
        name = _CORPORATE_SUFFIX.sub("", match.group(1).rstrip(".,:;!’'"))
        if not re.search(r"[^\W\d_]", name):
            continue
        if pattern is _OUTLET_PATTERNS[1] and not re.search(r"[©ⓒ]|\(c\)|\b\d{4}\b", line):
            # "Copyright Notice" is a heading; a real notice carries a year or the sign.
            continue
        if name.lower() in _SECTIONS:
            return None
        if name[:1].isupper() or name[:1].isdigit():
            return name
    return None
