"""Model-type mention matching: the documented rules, and the fast matcher against the per-type reference."""

from __future__ import annotations

import re

import pytest

from hfcompendium.snapshots.mentions import (
    MentionMatcher,
    count_mentions_naive,
    count_topic_mentions,
    mention_types,
    topic_mentions,
)
from hfcompendium.snapshots.model_types import valid_model_types

TYPES = valid_model_types()


@pytest.fixture(scope="module")
def matcher() -> MentionMatcher:
    return MentionMatcher(TYPES)


CASES = [
    # plain names, case, punctuation
    ("I fine-tuned BERT on my data.", {"bert"}),
    ("bErT (BERT), BERT's tokenizer; BERT,GPT2", {"bert", "gpt2"}),
    ("Bertrand Russell wrote about logic", set()),
    # longest name wins, no name inside another word
    ("distilbert-base-uncased is small", {"distilbert"}),
    ("DistilBERT and BERT compared", {"distilbert", "bert"}),
    ("Distil-BERT, distil bert", {"distilbert"}),
    ("mt5-small for translation", {"mt5"}),
    ("flan-t5-base works", {"t5"}),
    ("deberta-v2-xlarge vs microsoft/deberta-v3-base", {"deberta-v2", "deberta"}),
    ("xlm-roberta-xl is huge", {"xlm-roberta-xl"}),
    # written variants
    ("xlm-roberta-base, XLM RoBERTa, xlmroberta, xlm_roberta, XLM-R", {"xlm-roberta"}),
    ("GPT-2, gpt 2, gpt2-medium", {"gpt2"}),
    ("GPT-J and GPT-NeoX and GPT Neo", {"gptj", "gpt_neox", "gpt_neo"}),
    ("Llama2, LLaMA-2 and llama 3", {"llama"}),
    ("Llama 4 scout", {"llama4"}),
    ("Qwen2.5-VL reads images", {"qwen2_5_vl"}),
    ("DINO v2 features; wav2vec 2.0 audio", {"dinov2", "wav2vec2"}),
    # class names and framework prefixes
    ("model = BertForSequenceClassification.from_pretrained(x)", {"bert"}),
    ("TFBertModel and FlaxT5ForConditionalGeneration", {"bert", "t5"}),
    ("GPT2LMHeadModel, T5Tokenizer, MarianMTModel", {"gpt2", "t5", "marian"}),
    ("CLIP text model embeddings", {"clip"}),
    # model ids, urls, code blocks
    ("see https://huggingface.co/bert-base-uncased for details", {"bert"}),
    ("```python\nmodel = AutoModel.from_pretrained('roberta-base')\n```", {"roberta"}),
    ('File "/usr/lib/python3/site-packages/transformers/models/whisper/modeling_whisper.py"', {"whisper"}),
    # ambiguous names: only where they name the model
    ("please opt in; /opt/conda/bin/python; --opt-level O2", set()),
    ("OPT-1.3B, facebook/opt-350m, OPTForCausalLM and opt-1.3b", {"opt"}),
    ("clip the gradients with clip_grad_norm_", set()),
    ("openai/clip-vit-base-patch32 and CLIPProcessor", {"clip", "vit"}),
    ("Sam answered; SAM segments; facebook/sam-vit-huge", {"sam", "vit"}),
    ("thanks Sam", set()),
    ("beam search is a bit slow in 4-bit", set()),
    ("it led to errors, git clone the repo, align the labels", set()),
    ("GIT captions images, LED summarises long text", {"git", "led"}),
    ("watch https://youtu.be/abc and the SuperGLUE benchmark", set()),
    ("speech to text and an encoder-decoder model", set()),
    ("Speech2Text and EncoderDecoderModel", {"speech_to_text", "encoder-decoder"}),
    ("RAG pipelines are popular; RagRetriever loads an index", {"rag"}),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_documented_cases(matcher, text, expected):
    assert matcher.types_in(text) == expected


def test_fast_and_naive_counts_are_identical_on_a_tricky_corpus():
    corpus = {number: text for number, (text, _) in enumerate(CASES)}
    corpus["lists"] = ["Title: T5 or BART?", "I tried bart-large-cnn.", "And t5-small, T5 again."]
    corpus["empty"] = ""
    corpus["none"] = ["", None, "nothing to see"]
    fast = count_topic_mentions(corpus, TYPES)
    assert fast == count_mentions_naive(corpus, TYPES)
    assert fast["bert"] == sum("bert" in found for found in topic_mentions(corpus, TYPES).values())
    assert fast["t5"] >= 2 and fast["bart"] == 1


def test_a_topic_counts_once_per_type_however_often_it_names_it():
    texts = {1: ["BERT here", "BERT there", "bert everywhere"], 2: "no model", 3: "bert-base-cased"}
    assert count_topic_mentions(texts, TYPES) == {"bert": 2}


def test_a_small_type_list_gives_identical_counts_too():
    types = ["bert", "distilbert", "roberta", "xlm-roberta", "opt", "t5", "mt5", "gpt2"]
    corpus = {n: text for n, (text, _) in enumerate(CASES)}
    fast = count_topic_mentions(corpus, types)
    assert fast == count_mentions_naive(corpus, types)
    assert set(fast) <= set(types)


def test_one_compiled_pattern_and_no_name_collisions(matcher):
    assert isinstance(matcher.pattern, re.Pattern)
    assert matcher.collisions == []
    assert set(matcher.type_patterns()) == set(mention_types(TYPES))


def test_component_configurations_and_aliases_are_not_searched():
    searched = set(mention_types(TYPES))
    assert {"bert", "clip", "data2vec-text", "gpt_neox_japanese", "deberta-v2", "speech_to_text"} <= searched
    assert not {"clip_text_model", "blip_2_vision_model", "gemma3_text", "mimi_decoder"} & searched
    assert not any(t != t.lower() for t in searched)


def test_matches_report_where_each_mention_is(matcher):
    text = "Compare BERT with facebook/opt-350m, not /opt/conda."
    assert [(text[start:end], name) for start, end, name in matcher.matches(text)] == [
        ("BERT", "bert"), ("opt", "opt")]
