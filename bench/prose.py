"""Generated press-release prose for the benchmarks (no shared or third-party text).

``press_release(words, seed)`` returns a Markdown document of about ``words`` words built
from sentence templates: headings, front matter, links, emphasis and lists, with a few
risky phrases mixed in so every rule type does real work.
"""

from __future__ import annotations

import random

COMPANIES = [
    "Acme AI",
    "Northwind Labs",
    "Globex Research",
    "Initech Systems",
    "Umbrella Analytics",
]
PRODUCTS = ["Sentinel-7", "Harbor", "Lumen 2", "Atlas Pro", "Quill", "Beacon"]
CITIES = ["SAN FRANCISCO", "LONDON", "TORONTO", "BERLIN", "SINGAPORE"]
AUDIENCES = [
    "security teams",
    "hospital administrators",
    "small businesses",
    "city planners",
    "customer support agents",
    "researchers",
    "teachers",
    "software developers",
]
TASKS = [
    "review code they maintain",
    "summarise long contracts",
    "triage support tickets",
    "draft grant applications",
    "translate product manuals",
    "plan delivery routes",
    "find errors in spreadsheets",
    "answer questions about internal policies",
]
PERCENT = ["12%", "18%", "24%", "31%", "38%", "45%"]

PLAIN = [
    "{company} today announced {product}, a model that helps {audience} {task}.",
    "In our evaluation, {product} helped {audience} {task} {pct} faster than the previous version.",
    "We worked with {audience} for six months before launch to understand how they {task}.",
    "{product} is available today in preview, and general availability follows in the spring.",
    "Customers can try {product} at no cost for thirty days through the [developer console](https://example.com/console).",
    "The system card describes the evaluations we ran, including third-party red-teaming.",
    "Pricing starts at $20 per seat per month, with discounts for non-profit organisations.",
    "Early partners reported that {product} reduced the time needed to {task} by {pct}.",
    "We publish the results of our *safety evaluations* alongside each major release.",
    "Our usage policy prohibits harmful uses, and we monitor usage and suspend accounts that break it.",
    "{company} will share more details at its developer conference next month.",
    "The model runs in the customer's own cloud region, and data is not used for training.",
    "Feedback from {audience} shaped the **new review interface** and the export options.",
    "Independent auditors reviewed our data handling practices earlier this year.",
    "{product} supports fourteen languages at launch, with more planned for later this year.",
]
RISKY = [
    "Our AI is **totally secure** and cannot be hacked.",
    "{product} can find vulnerabilities in any software without human help.",
    "We believe this is the most dangerous technology in human history.",
    "The system poses serious risks of large-scale fraud.",
    "{product} is the world's first truly sentient AI analyst.",
    "It never makes mistakes, and it is 100% accurate on every task.",
    "Users found a jailbreak that bypasses our safety filters within a day.",
    "It could help an attacker plan a cyberattack on critical infrastructure.",
]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        company=rng.choice(COMPANIES),
        product=rng.choice(PRODUCTS),
        audience=rng.choice(AUDIENCES),
        task=rng.choice(TASKS),
        pct=rng.choice(PERCENT),
    )


def press_release(words: int = 1000, seed: int = 0, risky_every: int = 9) -> str:
    """A Markdown press release of about ``words`` words (deterministic for a seed)."""
    rng = random.Random(seed)
    product = rng.choice(PRODUCTS)
    parts = [
        "---",
        f'title: "Introducing {product}"',
        'embargo: "2026-12-01T09:00:00Z"',
        "---",
        "",
        f"# Introducing {product}",
        "",
        f"**{rng.choice(CITIES)}, December 1, 2026** — {rng.choice(COMPANIES)} today announced {product}.",
        "",
    ]
    count = sum(len(p.split()) for p in parts)
    paragraph: list[str] = []
    n = 0
    while count < words:
        n += 1
        pool = RISKY if n % risky_every == 0 else PLAIN
        sentence = _fill(rng.choice(pool), rng)
        paragraph.append(sentence)
        count += len(sentence.split())
        if len(paragraph) >= rng.randint(3, 5):
            parts += [_wrap(" ".join(paragraph)), ""]
            paragraph = []
            if rng.random() < 0.15:
                parts += [
                    "## " + rng.choice(["Availability", "How it works", "Safety", "Partners"]),
                    "",
                ]
            elif rng.random() < 0.1:
                parts += [
                    f"- {_fill(rng.choice(PLAIN), rng)}",
                    f"- {_fill(rng.choice(PLAIN), rng)}",
                    "",
                ]
    if paragraph:
        parts += [_wrap(" ".join(paragraph)), ""]
    return "\n".join(parts)


def _wrap(text: str, width: int = 100) -> str:
    """Hard-wrap like an editor would, so phrases cross soft line breaks."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    print(press_release())
