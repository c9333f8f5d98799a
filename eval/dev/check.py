"""Check the dev gold set: JSON parses, and every evidence / alias / boilerplate line is exact.

Usage: python eval/dev/check.py  (exit status 1 on any problem)
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TOP_KEYS = {"doc", "outlet", "kind", "published", "boilerplate", "comments_begin",
            "reuses", "entities", "events", "claims"}
KINDS = {"news", "blog_repost_with_comments", "machine_translation", "rewrite_of_other_article"}
RELATIONS = {"copies_with_edits", "quotes", "same_underlying_report"}
PRECISIONS = {"city", "region", "country"}


def check_window(where: str, window: dict, problems: list[str]) -> None:
    for bound in ("earliest", "latest"):
        value = window.get(bound)
        if value is not None and not DATE.match(value):
            problems.append(f"{where}: {bound} {value!r} is not YYYY-MM-DD")
    if window.get("earliest") and window.get("latest") and window["earliest"] > window["latest"]:
        problems.append(f"{where}: earliest after latest")


def article_text(text: str, gold: dict) -> str:
    """The text before the comment thread (boilerplate lines are still in it)."""
    begin = gold.get("comments_begin")
    if begin is None:
        return text
    lines = text.split("\n")
    return "\n".join(lines[: lines.index(begin)])


def check_doc(gold_path: Path, input_dir: Path, doc_names: set[str]) -> list[str]:
    problems: list[str] = []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    name = gold_path.stem
    text_path = input_dir / f"{name}.txt"
    if not text_path.exists():
        return [f"{name}: no input {text_path}"]
    text = text_path.read_text(encoding="utf-8")
    lines = text.split("\n")
    missing = TOP_KEYS - gold.keys()
    if missing:
        problems.append(f"{name}: missing keys {sorted(missing)}")
    if gold.get("doc") != name:
        problems.append(f"{name}: doc field is {gold.get('doc')!r}")
    if gold.get("kind") not in KINDS:
        problems.append(f"{name}: kind {gold.get('kind')!r}")
    check_window(f"{name} published", gold["published"], problems)
    for line in gold["boilerplate"]:
        if line not in lines:
            problems.append(f"{name}: boilerplate line not in file: {line!r}")
    begin = gold["comments_begin"]
    if begin is not None and begin not in lines:
        problems.append(f"{name}: comments_begin not a line: {begin!r}")
    body = article_text(text, gold)
    for reuse in gold["reuses"]:
        if reuse["other"] not in doc_names:
            problems.append(f"{name}: reuse of unknown doc {reuse['other']!r}")
        if reuse["relation"] not in RELATIONS:
            problems.append(f"{name}: relation {reuse['relation']!r}")
    entity_ids = set()
    for entity in gold["entities"]:
        entity_ids.add(entity["id"])
        for alias in entity["aliases"]:
            if alias not in body:
                problems.append(f"{name} {entity['id']}: alias not in article text: {alias!r}")
    if len(entity_ids) != len(gold["entities"]):
        problems.append(f"{name}: duplicate entity ids")
    for event in gold["events"]:
        where = f"{name} {event['id']}"
        if event["evidence"] not in body:
            problems.append(f"{where}: evidence not in article text: {event['evidence'][:60]!r}")
        check_window(where, event["date"], problems)
        if event["date"]["text"] is not None and event["date"]["text"] not in body:
            problems.append(f"{where}: date text not in article: {event['date']['text']!r}")
        loc = event["location"]
        if loc["precision"] not in PRECISIONS:
            problems.append(f"{where}: precision {loc['precision']!r}")
        if loc["precision"] == "country" and (loc["lat"] is not None or loc["lon"] is not None):
            problems.append(f"{where}: country precision with coordinates")
        for actor in ("actor1", "actor2"):
            value = event[actor]
            if isinstance(value, str) and re.fullmatch(r"E\d+", value) and value not in entity_ids:
                problems.append(f"{where}: {actor} {value} is not an entity id")
    for claim in gold["claims"]:
        where = f"{name} {claim['id']}"
        if claim["evidence"] not in body:
            problems.append(f"{where}: evidence not in article text: {claim['evidence'][:60]!r}")
        if claim["value"]["text"] not in claim["evidence"]:
            problems.append(f"{where}: value text {claim['value']['text']!r} not in its evidence")
        check_window(where, claim["when"], problems)
        if claim["when"]["text"] is not None and claim["when"]["text"] not in body:
            problems.append(f"{where}: when text not in article: {claim['when']['text']!r}")
        low, high = claim["value"]["low"], claim["value"]["high"]
        if low is None and high is None:
            problems.append(f"{where}: value has neither low nor high")
        if low is not None and high is not None and low > high:
            problems.append(f"{where}: low > high")
    # Boilerplate lines hold no facts: evidence must not sit inside one.
    for record in gold["events"] + gold["claims"]:
        for line in gold["boilerplate"]:
            if line.strip() and record["evidence"] in line and record["evidence"] not in body.replace(line, ""):
                problems.append(f"{name} {record['id']}: evidence only in boilerplate")
    return problems


def main() -> int:
    gold_dir, input_dir = HERE / "gold", HERE / "inputs"
    gold_paths = sorted(gold_dir.glob("*.json"))
    doc_names = {path.stem for path in input_dir.glob("*.txt")}
    problems: list[str] = []
    for path in gold_paths:
        try:
            problems += check_doc(path, input_dir, doc_names)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            problems.append(f"{path.name}: {type(error).__name__}: {error}")
    unpaired = doc_names - {path.stem for path in gold_paths}
    problems += [f"{name}: input without gold" for name in sorted(unpaired)]
    for problem in problems:
        sys.stdout.write(problem + "\n")
    sys.stdout.write(f"{len(gold_paths)} gold files, {len(problems)} problems\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
