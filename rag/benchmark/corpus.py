"""A corpus the project writes, with its relevance judgments: equipment manuals, one Markdown
file per machine, each with Specifications, Maintenance, Safety and Warranty sections.

Queries come in three kinds, so each retriever has something it is good at: the machine's
code and the section's words (keywords win), a paraphrase naming the machine by brand and
kind without the section's words (meaning wins), and a question about a fact in words that
appear in many manuals (only the combination ranks the right one first). A query's relevant
item is the one (document, section) that answers it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

BRANDS = [
    "Halvorsen", "Kessler", "Morandi", "Tanaka", "Oduya", "Brightwell", "Lindqvist", "Castell",
    "Petrov", "Okafor", "Vasquez", "Nakamura", "Dubois", "Fairbanks", "Ivanova", "Montague",
    "Abernathy", "Szabo", "Quintero", "Rasmussen",
]  # fmt: skip
KINDS = {
    "pump": ("fluid", "impeller", "seal kit"),
    "compressor": ("air", "piston rings", "intake filter"),
    "turbine": ("steam", "blade set", "bearing oil"),
    "boiler": ("water", "burner nozzle", "pressure gauge"),
    "conveyor": ("load", "drive belt", "roller bearings"),
    "mixer": ("batch", "paddle shaft", "gearbox oil"),
}
GEAR = [
    "safety goggles",
    "hearing protection",
    "heat-resistant gloves",
    "a face shield",
    "steel-toe boots",
]
HAZARDS = ["hot surfaces", "rotating parts", "stored pressure", "high voltage", "pinch points"]


@dataclass(frozen=True)
class Manual:
    name: str  # the file name, e.g. "halvorsen-pump-hp12.md"
    text: str


@dataclass(frozen=True)
class Query:
    text: str
    relevant: tuple[str, str]  # (document name, section heading)
    kind: str  # "keyword", "paraphrase" or "fact"


def corpus(machines: int = 60, seed: int = 11) -> tuple[list[Manual], list[Query]]:
    rng = random.Random(seed)
    manuals, queries = [], []
    for index in range(machines):
        brand = BRANDS[index % len(BRANDS)]
        kind = list(KINDS)[(index + 2 * (index // len(BRANDS))) % len(KINDS)]  # brand + kind unique
        medium, part, consumable = KINDS[kind]
        code = f"{brand[:2].upper()}-{100 + index * 7}"
        name = f"{brand.lower()}-{kind}-{code.lower()}.md"
        hours = rng.choice([250, 400, 500, 750, 1000, 1500, 2000])
        rating = rng.randint(5, 90)
        months = rng.choice([12, 18, 24, 36, 48, 60])
        gear, hazard = rng.choice(GEAR), rng.choice(HAZARDS)
        weight = rng.randint(80, 2400)
        manuals.append(
            Manual(
                name,
                f"# {brand} {kind} {code}\n\n"
                f"## Specifications\n\nThe {brand} {kind} {code} moves {medium} at up to {rating} units "
                f"per minute and weighs {weight} kilograms. It runs on a three-phase supply.\n\n"
                f"## Maintenance\n\nService the {code} every {hours} operating hours: replace the "
                f"{consumable}, inspect the {part} for wear, and record the service in the log book.\n\n"
                f"## Safety\n\nBefore opening the housing, isolate the supply and wait for {hazard} to "
                f"become safe. Wear {gear} whenever the {code} is serviced.\n\n"
                f"## Warranty\n\n{brand} covers the {code} for {months} months from installation, "
                f"provided the service log shows every interval kept.\n",
            )
        )
        queries += [
            Query(f"{code} warranty months", (name, "Warranty"), "keyword"),
            Query(f"{code} service interval hours", (name, "Maintenance"), "keyword"),
            Query(
                f"How long is the guarantee on the {brand} {kind}?",
                (name, "Warranty"),
                "paraphrase",
            ),
            Query(
                f"What protective equipment do I need when working on the {brand} {kind}?",
                (name, "Safety"),
                "paraphrase",
            ),
            Query(f"How heavy is the {brand} {kind} {code}?", (name, "Specifications"), "fact"),
        ]
    return manuals, queries
