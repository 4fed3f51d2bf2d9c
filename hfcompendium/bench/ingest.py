"""Hub snapshot ingestion benchmark: raw `/api/models` JSON lines to the snapshot's parquet tables.

A synthetic capture of 2.5 million models (times `scale`) is written in the layout
a capture leaves (`raw/models.jsonl` plus its checkpoint, see `snapshots.journal`):
records shaped like the Hub's `/api/models?expand[]=...` answers, with the
creation-date sentinel, `base_model:` tags, configs with known, unknown and missing
model types, empty and full model cards (some with `base_model`, some with a bulky
`model-index`), chat templates in `config.tokenizer_config`, and a few repeated ids.

Each conversion runs in a fresh child process that reports its own peak resident
memory (`ru_maxrss` of itself plus that of any worker it waited for: an upper bound
of the peak of the whole process tree), so neither the generator nor the parent
counts. Timing starts after the imports and ends when every table is closed.

- project: `hub_tables.convert_journal(Journal, HubTablesWriter)`, exactly what
  `hfcompendium snapshot hub` runs after the crawl (with its default number of decoding
  workers: one per further core), and again with no worker process;
- baseline: `pandas.read_json(path, lines=True)` of the whole file, then the monthly
  count per model type (`createdAt` month, `config.model_type`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import Figure

FULL_RECORDS = 2_500_000
TARGET_RATE = 200_000          # records per second
TARGET_MEMORY = 1 << 30        # bytes
SENTINEL = "2022-03-02T23:29:04.000Z"
# The baseline holds the whole file as Python objects (some 7 kB a record): beyond this many
# records it is measured on the first records only (stated in the figure).
BASELINE_MAX_RECORDS = 250_000

# ----------------------------------------------------------------------------- synthetic capture

KNOWN_TYPES = [("llama", "LlamaForCausalLM", "text-generation"), ("qwen2", "Qwen2ForCausalLM", "text-generation"),
               ("mistral", "MistralForCausalLM", "text-generation"), ("gemma2", "Gemma2ForCausalLM", "text-generation"),
               ("bert", "BertForSequenceClassification", "text-classification"),
               ("roberta", "RobertaForTokenClassification", "token-classification"),
               ("distilbert", "DistilBertForSequenceClassification", "text-classification"),
               ("xlm-roberta", "XLMRobertaForMaskedLM", "fill-mask"), ("t5", "T5ForConditionalGeneration", "text2text-generation"),
               ("whisper", "WhisperForConditionalGeneration", "automatic-speech-recognition"),
               ("wav2vec2", "Wav2Vec2ForCTC", "automatic-speech-recognition"), ("vit", "ViTForImageClassification", "image-classification"),
               ("gpt2", "GPT2LMHeadModel", "text-generation"), ("phi3", "Phi3ForCausalLM", "text-generation"),
               ("marian", "MarianMTModel", "translation"), ("deberta-v2", "DebertaV2ForSequenceClassification", "text-classification"),
               ("clip", "CLIPModel", "zero-shot-image-classification"), ("bart", "BartForConditionalGeneration", "summarization")]
UNKNOWN_TYPES = ["my_custom_type", "chatglm", "internlm2", "minicpmv", "custom_arch_v3"]
OTHER_LIBRARIES = [("diffusers", "text-to-image"), ("peft", "text-generation"), ("gguf", "text-generation"),
                   ("sentence-transformers", "sentence-similarity"), ("timm", "image-classification"),
                   ("mlx", "text-generation"), ("stable-baselines3", "reinforcement-learning"), ("ml-agents", None),
                   ("keras", None), ("onnx", None)]
WORDS = ("tiny small base large xl instruct chat finetuned lora merged quant awq gptq sft dpo orpo v1 v2 v3 fr de es "
         "ja zh ko ar hi multilingual squad imdb ner sentiment summarizer coder math medical legal finance news "
         "distilled pruned experiment run trial ckpt final best").split()
LICENSES = ("apache-2.0", "mit", "cc-by-4.0", "llama3", "other", "openrail", "gemma", "cc-by-nc-4.0", "unknown")
LANGUAGES = ("en", "fr", "de", "es", "zh", "ja", "ko", "ar", "hi", "ru", "pt", "it", "multilingual")
DATASETS = ("imdb", "squad", "glue", "common_voice", "wikipedia", "c4", "the_pile", "openassistant/oasst1",
            "HuggingFaceH4/ultrachat_200k", "mozilla-foundation/common_voice_11_0")
RELATIONS = ("finetune", "finetune", "finetune", "adapter", "adapter", "quantized", "quantized", "merge")
BASES = [f"{org}/{name}" for org, name in (
    ("meta-llama", "Llama-3.1-8B-Instruct"), ("meta-llama", "Llama-2-7b-hf"), ("mistralai", "Mistral-7B-v0.1"),
    ("Qwen", "Qwen2.5-7B-Instruct"), ("Qwen", "Qwen2.5-0.5B"), ("google", "gemma-2-9b-it"),
    ("google-bert", "bert-base-uncased"), ("FacebookAI", "roberta-base"), ("distilbert", "distilbert-base-uncased"),
    ("openai", "whisper-small"), ("google", "vit-base-patch16-224"), ("microsoft", "phi-3-mini-4k-instruct"),
    ("unsloth", "llama-3-8b-bnb-4bit"), ("stabilityai", "stable-diffusion-xl-base-1.0"),
    ("black-forest-labs", "FLUX.1-dev"), ("google-t5", "t5-small"))]
CHAT_TEMPLATE = ("{% for message in messages %}{% if message['role'] == 'system' %}{{ '<|system|>\\n' + "
                 "message['content'] + eos_token }}{% elif message['role'] == 'user' %}{{ '<|user|>\\n' + "
                 "message['content'] + eos_token }}{% elif message['role'] == 'assistant' %}{{ '<|assistant|>\\n'"
                 " + message['content'] + eos_token }}{% endif %}{% if loop.last and add_generation_prompt %}"
                 "{{ '<|assistant|>' }}{% endif %}{% endfor %}") * 3


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _month_weights() -> tuple[list[str], list[float]]:
    """Creation months from 2022-03 to 2026-06, growing some 4 % a month (as uploads did)."""
    months, weights = [], []
    year, month, weight = 2022, 3, 1.0
    while (year, month) <= (2026, 6):
        months.append(f"{year:04d}-{month:02d}")
        weights.append(weight)
        weight *= 1.04
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months, weights


class RecordMaker:
    """Synthetic `/api/models` records as JSON lines (deterministic for a seed)."""

    def __init__(self, seed: int = 2024):
        self.random = random.Random(seed)
        self.months, self.month_weights = _month_weights()
        self.authors = [f"{self._word()}-{self.random.randrange(36 ** 4):x}" for _ in range(20_000)]
        self.made = 0
        self.previous_ids: list[str] = []

    def _word(self) -> str:
        return self.random.choice(WORDS)

    def _time(self, month: str) -> str:
        r = self.random
        return f"{month}-{r.randint(1, 28):02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}.000Z"

    def line(self) -> str:
        r = self.random
        self.made += 1
        if self.previous_ids and r.random() < 0.0005:     # a listing that shifted while paged
            model_id = r.choice(self.previous_ids)
        else:
            author = self.authors[min(int(r.paretovariate(1.2)) - 1, len(self.authors) - 1)]
            model_id = f"{author}/{self._word()}-{self._word()}-{self.made:x}"
            if len(self.previous_ids) < 1000:
                self.previous_ids.append(model_id)
        author = model_id.split("/")[0]
        month = r.choices(self.months, self.month_weights)[0]
        created = SENTINEL if r.random() < 0.05 else self._time(month)
        modified = self._time(max(month, r.choice(self.months)))
        downloads = int(r.paretovariate(0.9)) - 1 if r.random() < 0.6 else 0
        record: dict = {"_id": f"{r.getrandbits(96):024x}", "id": model_id, "author": author}
        kind = r.random()
        tags: list[str] = []
        card: dict | None = None
        config: dict | None = None
        if kind < 0.55:                                   # transformers
            model_type, architecture, pipeline = r.choice(KNOWN_TYPES)
            if r.random() < 0.04:
                model_type = r.choice(UNKNOWN_TYPES)
                architecture = "CustomModel"
            library = "transformers"
            config = {"architectures": [architecture], "model_type": model_type}
            if pipeline == "text-generation" or r.random() < 0.3:
                tokenizer = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": None, "unk_token": "<unk>"}
                if pipeline == "text-generation" and r.random() < 0.6:
                    tokenizer["chat_template"] = CHAT_TEMPLATE[: r.randrange(400, len(CHAT_TEMPLATE))]
                config["tokenizer_config"] = tokenizer
            if r.random() < 0.1:
                config["quantization_config"] = {"bits": 4, "quant_method": r.choice(("gptq", "awq", "bitsandbytes"))}
            if r.random() < 0.03:
                del config["model_type"]                  # a config without a type
            tags += ["transformers", "safetensors", model_type]
        elif kind < 0.80:
            library, pipeline = r.choice(OTHER_LIBRARIES)
            if library == "diffusers":
                config = {"diffusers": {"_class_name": r.choice(("StableDiffusionPipeline", "FluxPipeline"))}}
            elif library == "peft":
                config = {"peft": {"base_model_name_or_path": r.choice(BASES), "task_type": "CAUSAL_LM"}}
            elif r.random() < 0.5:
                config = {}
            tags.append(library)
        else:                                             # no library, often no config or card at all
            library, pipeline = None, None
        if pipeline:
            tags.append(pipeline)
        tags += [f"license:{r.choice(LICENSES)}", "region:us"]
        if r.random() < 0.3:
            tags += [r.choice(LANGUAGES) for _ in range(r.randint(1, 4))]
        if r.random() < 0.15:
            tags.append(f"dataset:{r.choice(DATASETS)}")
        if r.random() < 0.4:
            tags += ["endpoints_compatible", "autotrain_compatible", "text-generation-inference"][: r.randint(1, 3)]
        bases = []
        if r.random() < 0.35:
            bases = [r.choice(BASES) for _ in range(1 if r.random() < 0.92 else r.randint(2, 3))]
            relation = r.choice(RELATIONS) if len(bases) == 1 else "merge"
            tags += [f"base_model:{b}" for b in bases] + [f"base_model:{relation}:{b}" for b in bases]
        shape = r.random()
        if shape < 0.15:
            card = None                                   # no card: field absent
        elif shape < 0.25:
            card = {}
        else:
            card = {"license": r.choice(LICENSES)}
            if r.random() < 0.5:
                card["language"] = [r.choice(LANGUAGES) for _ in range(r.randint(1, 3))]
            if r.random() < 0.5:
                card["tags"] = [self._word() for _ in range(r.randint(1, 6))]
            if r.random() < 0.3:
                card["datasets"] = [r.choice(DATASETS)]
            if bases and r.random() < 0.8:
                card["base_model"] = bases[0] if len(bases) == 1 else bases
            if r.random() < 0.08:
                card["model-index"] = [{"name": model_id.split("/")[1], "results": [
                    {"task": {"type": pipeline or "text-generation", "name": "Task"},
                     "dataset": {"name": d, "type": d, "split": "test"},
                     "metrics": [{"type": m, "value": round(r.random() * 100, 2), "name": m.title()}
                                 for m in ("accuracy", "f1", "precision", "recall")]}
                    for d in DATASETS[: r.randint(1, 5)]]}]
            if r.random() < 0.1:
                card["widget"] = [{"text": "The goal of life is [MASK]."}]
        if card is not None:
            record["cardData"] = card
        if config is not None:
            record["config"] = config
        record["createdAt"] = created
        record["downloads"] = downloads
        if r.random() < 0.95:
            record["downloadsAllTime"] = downloads * r.randint(1, 40)
        record["gated"] = False if r.random() < 0.97 else r.choice(("auto", "manual"))
        record["lastModified"] = max(modified, created) if created != SENTINEL else modified
        if library:
            record["library_name"] = library
        record["likes"] = int(r.paretovariate(1.5)) - 1 if r.random() < 0.3 else 0
        if pipeline:
            record["pipeline_tag"] = pipeline
        record["private"] = False
        record["sha"] = f"{r.getrandbits(160):040x}"
        record["tags"] = tags
        return _dumps(record)


def write_capture(raw_dir: Path, records: int, seed: int = 2024) -> int:
    """Write `records` synthetic lines as a finished capture's `models.jsonl` and checkpoint; returns bytes."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    maker = RecordMaker(seed)
    lines_path = raw_dir / "models.jsonl"
    with open(lines_path, "w", encoding="utf-8") as handle:
        done = 0
        while done < records:
            n = min(10_000, records - done)
            handle.write("\n".join(maker.line() for _ in range(n)) + "\n")
            done += n
    size = lines_path.stat().st_size
    state = {"parameters": {"endpoint": "https://huggingface.co", "sort": "createdAt", "direction": 1,
                            "page_size": 1000, "limit": None}, "captured_at": "2026-06-30T00:00:00Z",
             "next_url": None, "count": records, "pages": -(-records // 1000), "done": True, "bytes": size}
    (raw_dir / "models.checkpoint.json").write_text(json.dumps(state))
    return size


# ----------------------------------------------------------------------------- measured children

# Each child prints one JSON line. Peak memory: the child's own ru_maxrss plus, for the
# workers it started, the largest worker's ru_maxrss times their number (an upper bound
# of the peak of the whole process tree, whose members peak at different times).
PROJECT = """
import json, resource, sys, time
from pathlib import Path
from hfcompendium.snapshots import hub_tables
from hfcompendium.snapshots.journal import Journal
from hfcompendium.snapshots.model_types import valid_model_types
raw, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
types = valid_model_types()
workers = hub_tables.default_workers() if workers is None else workers
journal = Journal(raw, "models")
if journal.complete_bytes() < hub_tables.PARALLEL_MIN_BYTES:
    workers = 0                                   # too small a capture: converted in this process alone
def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
cpu_before, started = cpu(), time.perf_counter()
writer = hub_tables.HubTablesWriter(out, types)
files = hub_tables.convert_journal(journal, writer, workers=workers)
seconds = time.perf_counter() - started
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu() - cpu_before, "workers": workers,
                  "peak_bytes": (own.ru_maxrss + workers * kids.ru_maxrss) * 1024,
                  "main_peak_bytes": own.ru_maxrss * 1024, "worker_peak_bytes": kids.ru_maxrss * 1024,
                  "records": writer.notes["records_read"], "models": writer.notes["models"],
                  "sizes": {t: Path(f).stat().st_size for t, f in files.items()}}))
"""

BASELINE = """
import json, resource, sys, time
import pandas as pd
from hfcompendium.snapshots.model_types import valid_model_types
path, limit = sys.argv[1], int(sys.argv[2])
valid = valid_model_types()
started = time.perf_counter()
frame = pd.read_json(path, lines=True, nrows=limit)
months = pd.to_datetime(frame["createdAt"], utc=True, errors="coerce").dt.strftime("%Y-%m")
types = frame["config"].map(lambda c: c.get("model_type") if isinstance(c, dict) else None)
counted = pd.DataFrame({"model_type": types, "month": months}).dropna()
monthly = counted[counted["model_type"].isin(valid)].groupby(["model_type", "month"]).size()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "records": len(frame), "monthly_rows": len(monthly)}))
"""


def _child(script: str, *args: str) -> dict:
    completed = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                               env={**os.environ, "TRANSFORMERS_VERBOSITY": "error"})
    if completed.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) jiffies of all CPUs since boot, where /proc/stat exists."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return values[3], sum(values)


def _convert(raw: Path, out: Path, workers: int | None) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    before = _cpu_times()
    result = _child(PROJECT, str(raw), str(out), json.dumps(workers))
    after = _cpu_times()
    if before and after and after[1] > before[1]:
        # Idle CPU left during the run: near 0 % means the machine, not the conversion, set the pace.
        result["machine_idle_share"] = round((after[0] - before[0]) / (after[1] - before[1]), 3)
    return result


def run(scale: float = 1.0) -> list[Figure]:
    records = max(2_000, int(FULL_RECORDS * scale))
    scratch = Path(tempfile.mkdtemp(prefix="hfcompendium-bench-ingest-"))
    raw, lines = scratch / "raw", scratch / "raw" / "models.jsonl"
    try:
        started = time.perf_counter()
        size = write_capture(raw, records)
        generated = time.perf_counter() - started
        ours = _convert(raw, scratch / "tables", None)             # as `snapshot hub` runs it
        alone = _convert(raw, scratch / "tables", 0)               # no worker processes
        # The baseline keeps every record as Python objects (some 7 kB each): it is measured
        # on the first BASELINE_MAX_RECORDS records, and on a tenth of those to fit its memory.
        limit = min(records, BASELINE_MAX_RECORDS)
        base = _child(BASELINE, str(lines), str(limit))
        small = _child(BASELINE, str(lines), str(max(1_000, limit // 10)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rate, alone_rate = ours["records"] / ours["seconds"], alone["records"] / alone["seconds"]
    base_rate = base["records"] / base["seconds"]
    per_record = (base["peak_bytes"] - small["peak_bytes"]) / max(1, base["records"] - small["records"])
    base_peak = base["peak_bytes"] + per_record * (records - base["records"])
    mib = 1 << 20
    common = {"records": records, "raw_bytes": size, "mean_line_bytes": round(size / records),
              "generated_in_s": round(generated, 1), "models_written": ours["models"],
              "table_bytes": ours["sizes"], "cpu_count": os.cpu_count(),
              "load_average_1min": round(os.getloadavg()[0], 2)}
    baseline_note = {
        "baseline": "pandas.read_json(lines=True) + monthly count per valid model type, in a child process",
        "baseline_records": base["records"], "baseline_seconds": round(base["seconds"], 2),
        "baseline_peak_measured_mib": round(base["peak_bytes"] / mib),
        "baseline_peak_at_tenth_mib": round(small["peak_bytes"] / mib),
    }
    if base["records"] < records:
        baseline_note["baseline_note"] = (
            f"measured on the first {base['records']:,} records (the whole file would need some "
            f"{base_peak / (1 << 30):.1f} GiB); its peak memory is extrapolated linearly from the runs on "
            f"{small['records']:,} and {base['records']:,} records")
    workers = {
        "workers": ours["workers"], "seconds": round(ours["seconds"], 2), "cpu_seconds": round(ours["cpu_seconds"], 2),
        "records_per_cpu_second": round(ours["records"] / ours["cpu_seconds"]),
        "main_peak_mib": round(ours["main_peak_bytes"] / mib), "worker_peak_mib": round(ours["worker_peak_bytes"] / mib),
        "without_workers_records_per_s": round(alone_rate), "without_workers_seconds": round(alone["seconds"], 2),
        "without_workers_records_per_cpu_second": round(alone["records"] / alone["cpu_seconds"]),
        "without_workers_peak_mib": round(alone["peak_bytes"] / mib),
        "machine_idle_share_during_run": ours.get("machine_idle_share"),
        "machine_idle_share_without_workers": alone.get("machine_idle_share"),
    }
    return [
        Figure("hub ingest", f"records/s ({records:,} raw lines)", rate, "rec/s", baseline=base_rate,
               target=f">= {TARGET_RATE:,} rec/s", met=rate >= TARGET_RATE, higher_is_better=True,
               detail={**common, **workers, **baseline_note}),
        Figure("hub ingest", "records/s, no worker processes", alone_rate, "rec/s", baseline=base_rate,
               target=f">= {TARGET_RATE:,} rec/s", met=alone_rate >= TARGET_RATE, higher_is_better=True,
               detail={"cpu_seconds": round(alone["cpu_seconds"], 2), "seconds": round(alone["seconds"], 2)}),
        Figure("hub ingest", "peak memory of the conversion", ours["peak_bytes"] / mib, "MiB",
               baseline=base_peak / mib, target="< 1 GiB", met=ours["peak_bytes"] < TARGET_MEMORY,
               detail={**workers, **baseline_note}),
    ]
