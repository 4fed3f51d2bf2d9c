"""Which transformers model types a forum topic mentions (the SANER 2024 method, made explicit).

The study matched model-type names case-insensitively in the whole text of each
topic and counted, per month of topic creation, the topics that mention each
type. The rules below make that matching reproducible:

Names and the ways people write them
    Every transformers type name (`CONFIG_MAPPING_NAMES`), lower-cased. A separator
    in a name (`-`, `_`, `.`) may be written as `-`, `_`, `.`, a space, or nothing:
    `xlm-roberta` matches "XLM-RoBERTa", "xlm_roberta", "XLM RoBERTa", "xlmroberta".
    A separator may also stand between a word of three or more letters and a number
    (`gpt2`: "GPT-2", "gpt 2"; `qwen2`: "Qwen 2") and before a trailing version
    (`dinov2`: "DINO v2"). A few forms are listed by hand in `EXTRA_VARIANTS`
    ("DistilBERT"/"distil-bert", "XLM-R", "GPT-J", "Speech2Text", ...). Where names
    share a beginning, a separator allowed at a position for one of them is allowed
    for all of them (they are matched through one shared prefix tree).

Boundaries
    A name must not be preceded by a letter or digit (so `bert` never fires inside
    `distilbert`, nor `t5` inside `mt5`), except for the framework prefixes of class
    names (`TFBertModel`, `FlaxT5Model`). It must not be followed by a letter, unless
    the letters begin a class name (`BertForMaskedLM`, `T5Tokenizer`, `GPT2LMHeadModel`,
    `MarianMTModel`); a digit may follow (`llama2` is a mention of `llama`).

Longest name wins
    At each position the longest matching name is taken and the text after it is
    searched next: "xlm-roberta-base" counts `xlm-roberta` only, "deberta-v2-xlarge"
    `deberta-v2` only, "distilbert" `distilbert` only. A topic that also writes "BERT"
    on its own mentions `bert` too.

Model ids, URLs and code count
    The whole text is searched, code blocks and links included: "bert-base-uncased",
    "huggingface.co/bert-base-uncased" and `from transformers import BertModel` all
    mention `bert`. A model id names a checkpoint of that type, which is what a
    reader asking about it is dealing with. Every name in an id counts:
    "openai/clip-vit-base-patch32" mentions `clip` and `vit`.

Ambiguous names (`AMBIGUOUS`)
    Some names are ordinary words or other things' names: OPT ("opt in", /opt/conda),
    CLIP (gradient clipping), SAM (a person, an optimizer), LED ("led to"), GIT (the
    tool), ALIGN, BiT ("4-bit"), beam (beam search), RAG (the technique), SuperGLUE
    (the benchmark), youtu (youtu.be links), "speech to text", "encoder-decoder",
    "time series transformer", ... The study checked these matches by hand; here a
    match of such a name counts only in a context that names the model: its own
    case-sensitive spelling where one is distinctive (`OPT`, `CLIP`, `SAM`), a class
    name (`CLIPModel`, `OPTForCausalLM`), or a model id (`facebook/opt-350m`,
    `opt-1.3b`: after a "/" and before "-", or before "-<digit>"). A discarded
    ambiguous match does not fall back to a shorter name.

Component configurations
    Types that only configure a part of another model (`clip_text_model`,
    `blip_2_vision_model`, `gemma3_text`, `sam2_video`, ...) are not searched for;
    their words are then read as the parent model ("CLIP text model" mentions `clip`).
    Names that are not lower-case type names (aliases such as `EvollaModel`) are skipped.

Speed: all names are compiled into ONE regular expression shaped as a prefix
tree, so each text is scanned once whatever the number of names.
`count_mentions_naive` is the plain loop of one regular expression per type,
kept as the reference the fast matcher is tested against.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Hashable, Iterable, Mapping, Sequence

SEPARATOR_CLASS = "[-_. ]"
_DROP_SEPARATORS = str.maketrans("", "", "-_. ")
FRAMEWORK_PREFIXES = ("tf", "flax")
# Letters that may follow a name because they begin a transformers class name.
CLASS_SUFFIXES = ("model", "for", "tokenizer", "config", "processor", "imageprocessor", "featureextractor",
                  "lmhead", "pretrained", "encoder", "decoder", "embeddings", "layer", "attention", "retriever", "mt")
# For ambiguous names only these count as class context ("gitconfig" is not the GIT model).
AMBIGUOUS_CLASS_SUFFIXES = ("model", "for", "tokenizer", "processor", "imageprocessor", "featureextractor",
                            "lmhead", "pretrained", "retriever")

EXTRA_VARIANTS: dict[str, tuple[str, ...]] = {
    "distilbert": ("distil-bert",),
    "mobilebert": ("mobile-bert",),
    "squeezebert": ("squeeze-bert",),
    "xlm-roberta": ("xlm-r",),
    "xclip": ("x-clip",),
    "gptj": ("gpt-j",),
    "longt5": ("long-t5",),
    "openai-gpt": ("gpt-1",),
    "speech_to_text": ("speech2text",),
    "bloom": ("bloomz",),
}

# Ambiguous type -> spellings that count on their own, case-sensitively (empty: only class or id context).
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "opt": ("OPT",),
    "clip": ("CLIP",),
    "sam": ("SAM",),
    "led": ("LED",),
    "git": ("GIT",),
    "align": ("ALIGN",),
    "bit": ("BiT",),
    "phi": ("Phi", "PHI"),
    "sew": ("SEW",),
    "luke": ("LUKE",),
    "bros": ("BROS",),
    "ernie": ("ERNIE",),
    "canine": ("CANINE",),
    "bark": ("Bark",),
    "dia": ("Dia",),
    "aria": ("Aria",),
    "helium": ("Helium",),
    "canary": ("Canary",),
    "radio": ("RADIO",),
    "cohere": ("Cohere",),
    "minimax": ("MiniMax",),
    "beam": (),
    "rag": (),
    "ctrl": (),
    "mvp": (),
    "flint": (),
    "youtu": (),
    "superglue": (),
    "dots1": (),
    "encoder-decoder": (),
    "speech_to_text": (),
    "time_series_transformer": (),
}

# Last words that mark a configuration of a model's part rather than a model.
COMPONENT_WORDS = frozenset("""
    model text vision audio encoder decoder qformer vqgan vqmodel patcher codebook hifigan bigvgan perceiver
    perciever talker thinker predictor token2wav dit tokenizer backbone head assistant module video det rec
    streaming multimodal image
""".split())


def key_of(name: str) -> str:
    """A name without case and separators: the form every written variant reduces to."""
    return name.lower().translate(_DROP_SEPARATORS)


def mention_types(types: Iterable[str]) -> list[str]:
    """The type names searched for: lower-case names that are not a component of another type."""
    names = sorted({t for t in types if t == t.lower()})
    keys = {key_of(t) for t in names}
    searched = []
    for name in names:
        words = re.split(r"[-_.]", name)
        parents = ("".join(words[:i]) for i in range(1, len(words)))
        if len(words) > 1 and words[-1] in COMPONENT_WORDS and any(p in keys for p in parents):
            continue
        searched.append(name)
    return searched


def _slots(name: str) -> tuple[str, frozenset[int]]:
    """The key of a written name and the key positions before which a separator may stand."""
    key, slots, run = "", set(), ""
    for token in re.findall(r"[a-z]+|[0-9]+|[-_. ]+", name.lower()):
        if token[0] in "-_. ":
            if key:
                slots.add(len(key))
            run = ""
            continue
        if token.isdigit() and run:
            if run.endswith("v") and len(run) >= 2:
                slots.add(len(key) - 1)        # dinov2 -> "dino v2"
            elif len(run) >= 3:
                slots.add(len(key))            # gpt2 -> "gpt 2"
        run = token if token.isalpha() else ""
        key += token
    return key, frozenset(slots)


@dataclass
class _Node:
    children: dict[str, "_Node"] = field(default_factory=dict)
    separator_before: bool = False
    terminal: bool = False


def _render(node: _Node) -> str:
    parts = [(SEPARATOR_CLASS + "?" if child.separator_before else "") + re.escape(char) + _render(child)
             for char, child in sorted(node.children.items())]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if node.terminal else body


class MentionMatcher:
    """Finds model-type mentions in text with one compiled pattern (see the module notes)."""

    def __init__(self, types: Iterable[str]):
        self.type_of_key: dict[str, str] = {}
        self.ambiguous_keys: dict[str, tuple[str, ...]] = {}
        self.collisions: list[tuple[str, str]] = []
        root = _Node()
        variants: list[tuple[str, frozenset[int], str]] = []
        for name in mention_types(types):
            for written in (name, *EXTRA_VARIANTS.get(name, ())):
                key, slots = _slots(written)
                owner = self.type_of_key.setdefault(key, name)
                if owner != name:
                    self.collisions.append((owner, name))
                    continue
                if written == name and name in AMBIGUOUS:
                    self.ambiguous_keys[key] = AMBIGUOUS[name]
                variants.append((key, slots, name))
        for key, slots, _ in variants:
            node = root
            for position, char in enumerate(key):
                node = node.children.setdefault(char, _Node())
                node.separator_before |= position in slots and position > 0
            node.terminal = True
        self._root = root
        self.pattern = re.compile(wrap_name_pattern(_render(root)), re.IGNORECASE)
        self._variants = variants

    def matches(self, text: str) -> Iterable[tuple[int, int, str]]:
        """(start, end, type) of each counted mention, left to right."""
        type_of_key, ambiguous = self.type_of_key, self.ambiguous_keys
        for match in self.pattern.finditer(text):
            key = key_of(match.group("name"))
            if key in ambiguous and not names_the_model(text, match, ambiguous[key]):
                continue
            yield match.start(), match.end(), type_of_key[key]

    def types_in(self, text: str) -> set[str]:
        type_of_key, ambiguous = self.type_of_key, self.ambiguous_keys
        found = set()
        for match in self.pattern.finditer(text):
            key = key_of(match.group("name"))
            if key in ambiguous and not names_the_model(text, match, ambiguous[key]):
                continue
            found.add(type_of_key[key])
        return found

    def type_patterns(self) -> dict[str, re.Pattern]:
        """One pattern per type, written with the same variants and boundaries (for the reference loop)."""
        flags = {}
        for key, _, _ in self._variants:
            node, marks = self._root, []
            for char in key:
                node = node.children[char]
                marks.append(node.separator_before)
            flags[key] = marks
        by_type: dict[str, list[str]] = {}
        for key, _, name in self._variants:
            written = "".join((SEPARATOR_CLASS + "?" if sep else "") + re.escape(c) for c, sep in zip(key, flags[key]))
            by_type.setdefault(name, []).append((len(key), written))
        return {name: re.compile(wrap_name_pattern("|".join(w for _, w in sorted(forms, reverse=True))),
                                 re.IGNORECASE)
                for name, forms in by_type.items()}


def wrap_name_pattern(names: str) -> str:
    """Boundaries around a name pattern: no letter or digit before (but a framework prefix),
    no letter after (but the start of a class name)."""
    prefixes = "|".join(FRAMEWORK_PREFIXES)
    suffixes = "|".join(sorted(CLASS_SUFFIXES, key=len, reverse=True))
    return rf"(?<![a-z0-9])(?:{prefixes})?(?P<name>{names})(?:(?![a-z])|(?={suffixes}))"


def names_the_model(text: str, match: re.Match, spellings: tuple[str, ...]) -> bool:
    """Whether an ambiguous name's match is in a context that names the model."""
    start, end = match.span("name")
    written = match.group("name")
    after = text[end:end + 20].lower()
    if written in spellings and not after[:1].isalpha():
        return True                                                    # OPT, CLIP, SAM
    if after.startswith(AMBIGUOUS_CLASS_SUFFIXES):
        return True                                                    # CLIPModel, OPTForCausalLM
    if after[:1] == "-" and after[1:2].isdigit():
        return True                                                    # opt-1.3b, phi-2
    before = text[match.start() - 1] if match.start() > 0 else ""
    return before == "/" and after[:1] == "-" and after[1:2].isalnum()  # facebook/opt-350m


@functools.lru_cache(maxsize=8)
def matcher_for(types: frozenset[str]) -> MentionMatcher:
    return MentionMatcher(types)


def _joined(text: str | Sequence[str]) -> str:
    return text if isinstance(text, str) else "\n".join(t for t in text if t)


def _types_or_default(types: Iterable[str] | None) -> frozenset[str]:
    if types is None:
        from .model_types import valid_model_types

        return valid_model_types()
    return frozenset(types)


def topic_mentions(texts_by_topic: Mapping[Hashable, str | Sequence[str]],
                   types: Iterable[str] | None = None) -> dict[Hashable, set[str]]:
    """The set of types each topic mentions (texts: the title and every post, as one string or a list)."""
    matcher = matcher_for(_types_or_default(types))
    return {topic: matcher.types_in(_joined(text)) for topic, text in texts_by_topic.items()}


def count_topic_mentions(texts_by_topic: Mapping[Hashable, str | Sequence[str]],
                         types: Iterable[str] | None = None) -> dict[str, int]:
    """Number of topics mentioning each type, with the single compiled pattern."""
    counts: Counter = Counter()
    for found in topic_mentions(texts_by_topic, types).values():
        counts.update(found)
    return dict(counts)


def count_mentions_naive(texts_by_topic: Mapping[Hashable, str | Sequence[str]],
                         types: Iterable[str] | None = None) -> dict[str, int]:
    """Reference implementation: one regular expression per type, overlaps resolved afterwards.

    Each type's pattern is run over each topic; the matches of all types are then
    resolved leftmost-longest (the longest name wins where matches overlap) and
    ambiguous names are checked for context, exactly as `MentionMatcher` does in one pass.
    """
    matcher = matcher_for(_types_or_default(types))
    patterns = matcher.type_patterns()
    counts: Counter = Counter()
    for text in texts_by_topic.values():
        text = _joined(text)
        spans = []
        for name, pattern in patterns.items():
            spans.extend((m.start(), -m.end(), name, m) for m in pattern.finditer(text))
        spans.sort(key=lambda s: (s[0], s[1]))
        found, reached = set(), 0
        for start, negative_end, name, match in spans:
            if start < reached:
                continue
            reached = -negative_end
            spellings = matcher.ambiguous_keys.get(key_of(match.group("name")))
            if spellings is not None and not names_the_model(text, match, spellings):
                continue
            found.add(name)
        counts.update(found)
    return dict(counts)
