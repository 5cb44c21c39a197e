"""A generated corpus of many reports with syndicated copies, for the workspace's size
and bound tests: a few invented stories (every name is fictional), each sent out by a
wire and carried by many outlets with small edits (headline, dateline credit, a
sentence trimmed), as a syndicated crisis corpus looks."""

from __future__ import annotations

from pathlib import Path

STORIES = [
    (
        "Shelling hits Velgrad market",
        "Ostravia Wire",
        "VELGRAD, Valdoria (Ostravia Wire) - Artillery struck the central market of Velgrad "
        "on Monday, March 3, 2025, the regional health ministry said.\n\n"
        "At least 14 people were killed and 31 were injured, the regional health ministry "
        "said in a statement.\n\n"
        '"We saw the shells land on the stalls," said Irena Posk, a trader at the market.\n\n'
        "The Velgrad city council said 20 people had been killed.\n\n"
        "The Kessarian defence ministry denied that its forces had fired on the town.\n",
    ),
    (
        "Toll rises after Velgrad strike",
        "Dornik Press Agency",
        "VELGRAD (Dornik Press Agency) - The number of people killed in the shelling of the "
        "Velgrad market rose to 17 on Wednesday, March 5, 2025, the regional health ministry "
        "said.\n\n"
        "Rescue teams were still searching the rubble, said Marek Tollan, a civil defence "
        "officer.\n\n"
        '"The toll may rise further," Tollan said.\n',
    ),
    (
        "Drone strike on Lisk bridge",
        "Meridian Wire",
        "LISK, Valdoria (Meridian Wire) - A drone struck the river bridge in Lisk on Tuesday, "
        "March 4, 2025, the Valdorian interior ministry said.\n\n"
        "Two people were killed and five were wounded, the interior ministry said.\n\n"
        "Kessarian officials said nobody had been hurt in the strike.\n\n"
        '"The bridge was a military target," said Oren Malik, a Kessarian army spokesman.\n',
    ),
    (
        "Aid convoy reaches Tarnov",
        "Crossroads News",
        "TARNOV (Crossroads News) - An aid convoy of 12 trucks reached Tarnov on Thursday, "
        "March 6, 2025, the Red Lantern Society said.\n\n"
        '"People have had no clean water for a week," said Hana Bresk, the society\'s '
        "coordinator in Tarnov.\n",
    ),
]
OUTLETS = [
    "Harbor Times",
    "Lakeside Gazette",
    "Northern Ledger",
    "Valley Courier",
    "Coastal Post",
    "Highland Herald",
    "River Daily",
    "Plains Observer",
    "Summit Tribune",
    "Bay Chronicle",
]


def write_corpus(folder: Path, n: int = 200) -> list[Path]:
    """`n` reports under `folder`: the stories in turn, each copy carried by an outlet
    under its own headline and time stamp, the wire's credit kept in the dateline, and every third copy
    with its last paragraph cut (as outlets trim wire copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        headline, _wire, body = STORIES[i % len(STORIES)]
        outlet = OUTLETS[(i // len(STORIES)) % len(OUTLETS)]
        copy = i // len(STORIES)
        paragraphs = body.strip().split("\n\n")
        if copy % 3 == 2 and len(paragraphs) > 2:
            paragraphs = paragraphs[:-1]
        title = headline if copy == 0 else f"{headline} ({outlet})"
        stamp = (
            f"Updated {copy % 24:02d}:{(copy * 7) % 60:02d} GMT, copy {copy}"  # every copy differs
        )
        text = f"{title}\n\n{stamp}\n\n" + "\n\n".join(paragraphs) + "\n"
        path = folder / f"{i:03d}_{outlet.lower().replace(' ', '_')}.txt"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out
