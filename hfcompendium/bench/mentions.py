"""Forum mention extraction benchmark: the one-pattern matcher against the per-type regex loop.

A synthetic forum the size of the 2023 Hugging Face forum (11,175 topics, 34,019
posts; times `scale`) and ten times that. Posts mix prose, questions and answers with
model names written every which way ("BERT", "xlm-roberta-base", "Llama 2"), model
ids and URLs, code blocks (`from_pretrained`, class names, pip commands), tracebacks
with file paths, and the ordinary words that look like names (opt in, clip, led to,
4-bit, beam search); lengths follow a long tail, as forum posts do.

`count_topic_mentions` (the project's matcher, one compiled pattern) is timed on both
corpora; `count_mentions_naive` (one regular expression per type) on the 1x corpus
and on a sample of the 10x one, whose time is extrapolated linearly (topics are
independent, so time grows with the text). On every corpus and sample both give the
same counts, asserted here.
"""

from __future__ import annotations

import random
import time

from . import Figure

TOPICS_2023 = 11_175
POSTS_2023 = 34_019
TARGET_SPEEDUP = 10
SAMPLE_TOPICS_10X = 1_500       # topics of the 10x corpus also run through the naive loop

MODEL_WRITINGS = [
    "BERT", "bert", "bert-base-uncased", "google-bert/bert-base-cased", "BertForSequenceClassification",
    "TFBertModel", "DistilBERT", "distilbert-base-uncased", "RoBERTa", "roberta-large", "FacebookAI/roberta-base",
    "XLM-RoBERTa", "xlm-roberta-base", "XLM-R", "GPT-2", "gpt2", "gpt2-medium", "GPT2LMHeadModel", "GPT-J",
    "EleutherAI/gpt-neox-20b", "GPT Neo", "T5", "t5-small", "google/flan-t5-base", "T5ForConditionalGeneration",
    "mT5", "google/mt5-small", "BART", "facebook/bart-large-cnn", "BartTokenizer", "Llama 2", "Llama2",
    "meta-llama/Llama-2-7b-chat-hf", "LLaMA", "LlamaForCausalLM", "Mistral", "mistralai/Mistral-7B-v0.1",
    "Falcon", "tiiuae/falcon-7b", "Whisper", "openai/whisper-small", "WhisperProcessor", "wav2vec2",
    "facebook/wav2vec2-base-960h", "Wav2Vec2ForCTC", "ViT", "google/vit-base-patch16-224", "CLIP",
    "openai/clip-vit-base-patch32", "CLIPModel", "BLOOM", "bigscience/bloom-560m", "bloomz", "OPT-1.3B",
    "facebook/opt-350m", "OPTForCausalLM", "DeBERTa", "microsoft/deberta-v3-base", "deberta-v2-xlarge",
    "ELECTRA", "google/electra-small-discriminator", "ALBERT", "albert-base-v2", "Longformer", "LED",
    "allenai/led-base-16384", "Pegasus", "google/pegasus-xsum", "MarianMT", "Helsinki-NLP/opus-mt-en-de",
    "MarianMTModel", "LayoutLMv3", "microsoft/layoutlmv3-base", "Donut", "naver-clova-ix/donut-base", "BLIP",
    "Salesforce/blip-image-captioning-base", "SAM", "facebook/sam-vit-huge", "DINO v2", "facebook/dinov2-base",
    "Stable Diffusion", "CodeGen", "Salesforce/codegen-350M-mono", "StarCoder", "bigcode/starcoder",
    "Qwen2", "Qwen/Qwen2.5-7B-Instruct", "Gemma", "google/gemma-2b", "Phi-2", "microsoft/phi-2", "Mixtral",
    "SpeechT5", "Speech2Text", "EncoderDecoderModel", "RagRetriever", "Reformer", "BigBird", "Funnel",
    "sentence-transformers/all-MiniLM-L6-v2", "MPNet", "YOLOS", "DETR", "facebook/detr-resnet-50", "Swin",
]
DECOYS = [
    "please opt in to the beta", "/opt/conda/lib/python3.10/site-packages", "--opt-level O2",
    "clip the gradients with clip_grad_norm_", "it led to an error", "git clone https://github.com/org/repo",
    "align the labels with the tokens", "4-bit quantization with bitsandbytes", "beam search with num_beams=4",
    "a RAG pipeline over my documents", "Sam from the support team", "the SuperGLUE benchmark", "a bit slow",
    "https://youtu.be/dQw4w9WgXcQ", "speech to text for my meetings", "an encoder-decoder setup",
]
PROSE = (
    "I am trying to fine-tune the model on my own dataset but the loss does not go down after the first epoch. "
    "Has anyone seen this before? I use the Trainer with a learning rate of 5e-5 and a batch size of 16. "
    "The evaluation accuracy stays around 50 percent, which is chance for two labels. "
    "Thanks for the answer, that fixed it. The problem was the padding side of the tokenizer. "
    "You need to set the pad token before calling generate, otherwise the attention mask is wrong. "
    "Could you share the full traceback and the versions of transformers and torch you use? "
    "I pushed the checkpoint to the Hub and the inference widget shows an error about the config. "
    "Make sure the labels are integers and that num_labels matches your classes. "
    "The memory usage explodes when I increase the sequence length to 4096 tokens. "
    "Try gradient checkpointing and a smaller batch, or use accelerate with DeepSpeed ZeRO stage 3. "
    "Does the dataset streaming mode work with map and filter in the latest version of datasets? "
    "I followed the course chapter on tokenizers and trained a new one from the old vocabulary. "
).split(". ")
CODE = [
    "```python\nfrom transformers import AutoTokenizer, AutoModelForSequenceClassification\n"
    "tokenizer = AutoTokenizer.from_pretrained('{m}')\nmodel = AutoModelForSequenceClassification.from_pretrained("
    "'{m}', num_labels=2)\ninputs = tokenizer(texts, padding=True, truncation=True, return_tensors='pt')\n```",
    "```\nTraceback (most recent call last):\n  File \"train.py\", line 42, in <module>\n    trainer.train()\n"
    "  File \"/usr/local/lib/python3.10/site-packages/transformers/trainer.py\", line 1539, in train\n"
    "  File \"/opt/conda/lib/python3.10/site-packages/torch/nn/modules/module.py\", line 1501, in _call_impl\n"
    "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n```",
    "```bash\npip install -U transformers accelerate datasets\naccelerate launch train.py --model_name {m}\n```",
    "```python\npipe = pipeline('text-generation', model='{m}', device_map='auto', torch_dtype=torch.float16)\n"
    "print(pipe('Hello, my name is', max_new_tokens=50)[0]['generated_text'])\n```",
    "```\nValueError: Unrecognized configuration class <class 'transformers.models.{t}.configuration_{t}.Config'> "
    "for this kind of AutoModel: AutoModelForCausalLM.\n```",
]
TITLES = ["How to fine-tune {m} on a custom dataset?", "Error when loading {m}", "{m} gives different results",
          "Out of memory with {m}", "Which model for {q}?", "Tokenizer problem", "Trainer hangs after one epoch",
          "Inference API returns 503", "Converting {m} to ONNX", "Best way to deploy {m}?"]
QUESTIONS = ["sentiment analysis", "summarization", "translation", "question answering", "image captioning",
             "speech recognition", "text classification in German"]


def make_corpus(topics: int, posts: int, seed: int = 2023) -> dict[int, list[str]]:
    """`topics` topics holding `posts` posts in all (at least one each): {topic id: [title, post, ...]}."""
    rng = random.Random(seed)
    extra = [0] * topics
    # Replies go to topics in proportion to a heavy-tailed popularity: most topics get none or
    # a few, some get dozens (capped, as a forum thread rarely passes a few hundred posts).
    popularity = [min(rng.paretovariate(1.3), 200.0) for _ in range(topics)]
    for topic in rng.choices(range(topics), weights=popularity, k=max(0, posts - topics)):
        extra[topic] += 1
    corpus = {}
    for topic in range(topics):
        model = rng.choice(MODEL_WRITINGS)
        title = rng.choice(TITLES).format(m=model, q=rng.choice(QUESTIONS))
        corpus[100_000 + topic] = [title] + [_post(rng, model) for _ in range(1 + extra[topic])]
    return corpus


def _post(rng: random.Random, model: str) -> str:
    parts = []
    for _ in range(max(1, int(rng.lognormvariate(1.5, 0.8)))):   # median ~4 parts, some very long posts
        roll = rng.random()
        if roll < 0.55:
            parts.append(rng.choice(PROSE) + ".")
        elif roll < 0.75:
            parts.append(f"I tried {rng.choice((model, rng.choice(MODEL_WRITINGS)))} as well.")
        elif roll < 0.85:
            parts.append(f"It works with {rng.choice(DECOYS)}, but not otherwise.")
        elif roll < 0.95:
            name = rng.choice((model, rng.choice(MODEL_WRITINGS)))
            parts.append(rng.choice(CODE).format(m=name, t=name.split("/")[-1].split("-")[0].lower()))
        else:
            parts.append(f"See https://huggingface.co/{rng.choice(MODEL_WRITINGS)} and the docs.")
    return "\n\n".join(parts)


def _timed(function, corpus, types) -> tuple[float, dict]:
    started = time.perf_counter()
    counts = function(corpus, types)
    return time.perf_counter() - started, counts


def run(scale: float = 1.0) -> list[Figure]:
    from ..snapshots.mentions import count_mentions_naive, count_topic_mentions, matcher_for
    from ..snapshots.model_types import valid_model_types

    types = valid_model_types()
    matcher_for(frozenset(types))                 # compile once, outside the timings
    topics, posts = max(50, int(TOPICS_2023 * scale)), max(150, int(POSTS_2023 * scale))
    figures = []
    for factor in (1, 10):
        corpus = make_corpus(topics * factor, posts * factor, seed=2023 + factor)
        characters = sum(len(t) for texts in corpus.values() for t in texts)
        fast, fast_counts = _timed(count_topic_mentions, corpus, types)
        if factor == 1:
            naive, naive_counts = _timed(count_mentions_naive, corpus, types)
            assert naive_counts == fast_counts, "the matcher and the per-type loop disagree"
            naive_note = "measured on the whole corpus"
        else:
            size = min(len(corpus), max(50, int(SAMPLE_TOPICS_10X * scale)))
            sample = {k: corpus[k] for k in sorted(random.Random(factor).sample(list(corpus), size))}
            sample_chars = sum(len(t) for texts in sample.values() for t in texts)
            sample_seconds, sample_counts = _timed(count_mentions_naive, sample, types)
            assert sample_counts == count_topic_mentions(sample, types), "the matcher and the per-type loop disagree"
            naive = sample_seconds * characters / sample_chars
            naive_note = (f"extrapolated linearly in characters from a random sample of {len(sample):,} topics "
                          f"({sample_chars:,} characters, {sample_seconds:.1f} s)")
        speedup = naive / fast
        figures.append(Figure(
            "forum mentions", f"{factor}x forum ({len(corpus):,} topics)", fast, "s", baseline=naive,
            target=f">= {TARGET_SPEEDUP}x faster than the per-type loop", met=speedup >= TARGET_SPEEDUP,
            detail={"topics": len(corpus), "posts": sum(len(t) - 1 for t in corpus.values()),
                    "characters": characters, "types_searched": len(matcher_for(frozenset(types)).type_patterns()),
                    "types_found": len(fast_counts), "naive_seconds": round(naive, 2), "naive": naive_note,
                    "counts_identical": True}))
    return figures
