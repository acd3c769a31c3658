"""An XSS corpus spread over every article-derived string the pages show.

Each payload, if it ever ran as markup or script, would set ``window.__xss_<n>`` or call
``alert``/``confirm``/``prompt`` with its number; the browser test records both. Payloads
are placed in titles, bodies, quotes (a quoted sentence with a speaker), outlet names,
bylines (HTML author metadata) and article URLs of articles that report one event, so they
form one story with a summary, quotes and an outlet comparison.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

# Hand-written from the usual XSS cheat-sheet families: script tags, event handlers, SVG,
# javascript:/data: URLs, attribute and tag breakouts, template injection, CSS, mutation
# XSS, encoded and look-alike variants, framing.
PAYLOADS: tuple[str, ...] = (
    "<script>window.__xss_1=1</script>",
    "<img src=x onerror=window.__xss_2=1>",
    "<svg onload=window.__xss_3=1>",
    "<svg><script>window.__xss_4=1</script></svg>",
    '"><script>window.__xss_5=1</script>',
    "'><img src=x onerror=window.__xss_6=1>",
    '" onmouseover="window.__xss_7=1" x="',
    "' onfocus='window.__xss_8=1' autofocus='",
    '<a href="javascript:window.__xss_9=1">click me</a>',
    "javascript:window.__xss_10=1",
    "JaVaScRiPt:alert(11)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMik8L3NjcmlwdD4=",
    '<iframe srcdoc="<script>parent.__xss_13=1</script>"></iframe>',
    '<iframe src="javascript:parent.__xss_14=1"></iframe>',
    "{{7*7}} {{ config.items() }} {% print 7*7 %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    '<div style="background:url(javascript:window.__xss_17=1)">styled</div>',
    '<div style="width:expression(window.__xss_18=1)">css expression</div>',
    "<style>@import 'javascript:window.__xss_19=1';</style>",
    "<body onload=window.__xss_20=1>",
    "<input autofocus onfocus=window.__xss_21=1>",
    "<details open ontoggle=window.__xss_22=1>",
    "<video><source onerror=window.__xss_23=1></video>",
    '<object data="javascript:window.__xss_24=1"></object>',
    '<embed src="data:text/html,<script>parent.__xss_25=1</script>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss_26=1>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss_27=1>">',
    "&lt;script&gt;window.__xss_28=1&lt;/script&gt;",
    "%3Cscript%3Ewindow.__xss_29=1%3C/script%3E",
    "\uff1cscript\uff1ewindow.__xss_30=1\uff1c/script\uff1e",
    "<scr<script>ipt>window.__xss_31=1</scr</script>ipt>",
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss_32=1">',
    '<base href="javascript:window.__xss_33=1//">',
    "<link rel=stylesheet href=\"data:text/css,*{background:url('javascript:alert(34)')}\">",
    "</title><script>window.__xss_35=1</script>",
    "</textarea></style><script>window.__xss_36=1</script>",
    '<form action="javascript:window.__xss_37=1"><button>go</button></form>',
    '<a href="&#106;avascript:window.__xss_38=1">entity scheme</a>',
    "<img src=x onerror=alert(39)>",
    "<svg/onload=confirm(40)>",
    "<img src=x onerror=prompt(41)>",
    "javascript://%0Awindow.__xss_42=1",
    '<!--<img src="--><img src=x onerror=window.__xss_43=1//">',
    "<template><script>window.__xss_44=1</script></template><slot onclick=window.__xss_44=1>",
    "\u202e<script>window.__xss_45=1</script>\u202c",
    '<img src=x onerror="&#119;indow.__xss_46=1">',
)

# The event every article reports (varied wording, so none is a near-copy of another).
EVENT = (
    "Dock workers ended a two-week strike at the Harbor City port on Monday.",
    "The port authority and the dockworkers union signed a three-year wage agreement.",
    "Container ships that waited offshore during the strike began to berth by noon.",
    "Freight companies said the backlog at the Harbor City port should clear within ten days.",
    "The strike had halted cargo traffic at the busiest port on the coast.",
    "Union members approved the agreement in a vote on Sunday evening.",
)
SPEAKERS = (
    "Maria Lopez",
    "Daniel Okafor",
    "Helen Brandt",
    "Samuel Ito",
    "Grace Mbeki",
    "Tomas Novak",
    "Priya Raman",
    "Jonas Berg",
)
ARTICLES = 8


@dataclass(frozen=True, slots=True)
class Placement:
    """Which payloads went where (indexes into PAYLOADS)."""

    title: tuple[int, ...]
    outlet: tuple[int, ...]
    body: tuple[int, ...]
    quote: tuple[int, ...]
    byline: tuple[int, ...]
    url: int


def placement(k: int) -> Placement:
    """Article ``k``'s payloads: every payload lands in a body and a quote, most elsewhere too."""
    n = len(PAYLOADS)
    mine = tuple(range(k, n, ARTICLES))
    return Placement(
        title=((k * 5) % n, (k * 5 + 1) % n, (k * 5 + 2) % n),
        outlet=((k * 5 + 3) % n, (k * 5 + 4) % n),
        body=mine,
        quote=tuple(reversed(mine)),
        byline=((k * 3 + 20) % n,),
        url=(9, 10, 11, 41, k * 5 + 2, k * 5 + 8, 8, 13)[k],
    )


def outlet_name(k: int) -> str:
    """The outlet of article ``k``: a name with payloads in it."""
    p = placement(k)
    return f"Gazette {k} " + " ".join(PAYLOADS[i] for i in p.outlet)


def title(k: int) -> str:
    """The headline of article ``k``."""
    p = placement(k)
    inner = " ".join(PAYLOADS[i] for i in p.title)
    return f"Harbor City dock strike ends {inner} after wage deal {k}"


def body(k: int) -> str:
    """Article ``k``'s text: event sentences, payload sentences and quotes with a speaker."""
    p = placement(k)
    lines = [EVENT[(k + j) % len(EVENT)] for j in range(3)]
    for j, i in enumerate(p.body):
        lines.append(f"Officials at the port described note {j} as {PAYLOADS[i]} in the filing.")
    for j, i in enumerate(p.quote):
        speaker = SPEAKERS[(k + j) % len(SPEAKERS)]
        lines.append(
            f"\u201cThe cranes are moving again and {PAYLOADS[i]} is what we wrote on the "
            f"board,\u201d said {speaker}, a union steward at the port."
        )
    lines += [EVENT[(k + j) % len(EVENT)] for j in range(3, 6)]
    return "\n".join(lines)


def url(k: int) -> str:
    """Article ``k``'s URL: a script URL or a payload inside an otherwise normal URL."""
    payload = PAYLOADS[placement(k).url]
    if payload.lower().startswith(("javascript:", "data:")):
        return payload
    if k % 2:
        return f" javascript:window.__xss_url_{k}=1"  # leading space: still not a web URL
    return "https://harbor.example/news/" + payload


def record(k: int) -> dict[str, str]:
    """Article ``k`` as a JSONL record: plain text for even ``k``, an HTML page for odd ``k``."""
    base = {"outlet": outlet_name(k), "published": f"2021-06-{k + 1:02d}", "url": url(k)}
    if k % 2 == 0:
        return {**base, "title": title(k), "text": body(k)}
    author = " ".join(PAYLOADS[i] for i in placement(k).byline)
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in body(k).split("\n"))
    page = (
        "<!DOCTYPE html><html><head>"
        f"<title>{html.escape(title(k))}</title>"
        f'<meta name="author" content="Rosa Diaz {html.escape(author)}">'
        "</head><body><article>"
        f"<h1>{html.escape(title(k))}</h1>"
        f'<p class="byline">By Rosa Diaz {html.escape(author)}</p>'
        f"{paragraphs}</article></body></html>"
    )
    return {**base, "html": page}


def jsonl() -> bytes:
    """The whole corpus as JSONL (one article per line)."""
    return "\n".join(json.dumps(record(k)) for k in range(ARTICLES)).encode("utf-8")
