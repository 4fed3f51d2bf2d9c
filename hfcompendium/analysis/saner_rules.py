"""Rules (data, not code) that map the free text of the SANER 2024 replication package to categories.

The replication package publishes free text where the paper reports categories: the root cause
of each accepted answer (`Root_Causes.csv`) and the open code of each coded forum post
(`All_Codes.csv`). The rules below make our mapping explicit and reviewable. Each rule is a
case-insensitive regular expression searched in the text; the FIRST rule that matches decides.
`hfcompendium.analysis.saner` applies them and reports, for every rule, how many rows it caught,
and which rows were matched by rules that disagree.

The rules were written by reading the texts, with the paper's Table II and Table I in view, so a
match of the totals is a consistency check of the mapping, not independent evidence.
"""

from __future__ import annotations

# --- Discourse categories (forum tags) --------------------------------------------------------

# Tag spellings are compared after lower-casing and removing everything but letters and digits
# ("beginners" = "Beginners", "Flax/JAX projects" = "Flax/JAX Projects"). These keys are further
# merged with another key:
TAG_KEY_ALIASES = {
    "inferenceendpointonthehub": "inferenceendpointsonthehub",   # singular spelling in Root_Causes.csv
}

# --- Codebook category names -----------------------------------------------------------------

# Category names are compared after lower-casing, writing "&" as "and" and removing everything but
# letters and digits. The Overview sheet calls two benefit categories differently from the codebook:
CATEGORY_KEY_ALIASES = {
    "expertopinionandsolutions": "expertopinionandclarification",
}

# --- Table II: root causes --------------------------------------------------------------------

# The rows of Table II in the paper's order: (group, row). Rows of the groups "External platforms
# and libraries" and "Other/unknown" have no subcategory in the paper; their row repeats the group.
TABLE2_ROWS = [
    ("User-related", "Lack of familiarity with HF and its libraries"),
    ("User-related", "Lack of practical and programming knowledge"),
    ("User-related", "Lack of API usage knowledge"),
    ("User-related", "Lack of theoretical knowledge"),
    ("HF-related", "Lacking feature by HF"),
    ("HF-related", "Lacking documentation"),
    ("HF-related", "HF bugs"),
    ("External platforms and libraries", "External platforms and libraries"),
    ("Other/unknown", "Other/unknown"),
]

# Typos in Root_Causes.csv that would hide a keyword; fixed before the rules are applied.
ROOT_CAUSE_SPELLING = {
    r"\bknowlege\b": "knowledge",
    r"\bkowledge\b": "knowledge",
    r"\blackig\b": "lacking",
    r"\bsuport\b": "support",
}

# A root cause that names two causes ("A + B", "A/Lack of B"); such rows are flagged for review.
ROOT_CAUSE_TWO_CAUSES = r"\s\+\s|/\s*lack"

# Ordered rules: (rule id, pattern, Table II row, why).
ROOT_CAUSE_RULES = [
    ("none_found", r"^\s*(-+|not clear)\s*$", "Other/unknown",
     "no root cause was identified ('---' or 'Not clear')"),
    ("third_party_owner", r"\bmodel owner\b", "Other/unknown",
     "caused by the owner of a Hub model, neither the user nor HF nor an external platform"),
    ("external_platform", r"\b(by|in) external platform\b", "External platforms and libraries",
     "the cause lies in an external platform (a setting in it, or a feature it lacks)"),
    ("hf_bug", r"\bbug\b|\bissue caused by hf\b", "HF bugs",
     "a bug in an HF library or service"),
    ("hf_documentation", r"documentation|not updated|guidance/samples", "Lacking documentation",
     "missing, unclear or outdated HF documentation, tutorials or samples"),
    ("user_theory", r"theoretical", "Lack of theoretical knowledge",
     "the user lacks theoretical (machine-learning) knowledge"),
    ("user_practice", r"practical|programming", "Lack of practical and programming knowledge",
     "the user lacks practical experience or programming skill (including programming mistakes)"),
    ("hf_feature", r"^(lack(ing)? of (feature )?support|lacking feature|feature (unavailable|lacking)"
                   r"|no predefined feature|limitation by hf|backward incompatible)", "Lacking feature by HF",
     "the root cause starts by naming something HF does not offer (a feature, support, compatibility)"),
    ("user_hf_library", r"\baccelerate\b", "Lack of familiarity with HF and its libraries",
     "the user does not know how to use an HF library named in the text (Accelerate)"),
    ("user_api", r"\bapis?\b", "Lack of API usage knowledge",
     "the user does not know an API (of HF or of a framework used with it)"),
    ("user_familiarity", r"familiarity|awareness|attention|knowledge", "Lack of familiarity with HF and its libraries",
     "any other knowledge gap of the user about HF, its libraries, the Hub or Spaces"),
]

# --- Open codes -> codebook (sub)categories (an approximation) ---------------------------------

# Ordered rules: (rule id, pattern, codebook category, codebook subcategory or None).
# Benefit rules come first: many codes describe an answer ("HF member explaining ..."), which the
# paper counts as a benefit of the community, not as a challenge.
CODE_RULES = [
    # benefits: people from other domains, announcements, calls for collaboration
    ("b_other_domains", r"non-cs|non-coder|from (business|insurance|medical)|medical newcomer|\bartist|transitioning from|other domains",
     "People from Other Domains", None),
    ("b_event", r"invitation to|community event|community week|hugGAN", "Announcements", "Invitation to Community Events"),
    ("b_announce", r"announc|sharing community content|releas(e|ing) of their new|sharing new hf data", "Announcements", "Other Announcements"),
    ("b_call_language", r"(collaboration|participate|team|project).*(language|german|spanish|russian|dutch)|new language.*(collaboration|project)|pretrain.*(spanish|dutch|russian)|training gpt2 for russian",
     "Call for collaboration", "Training for New Languages"),
    ("b_call_other", r"calling on community|collaboration for a task|project proposition|create a team|new project|stay in touch|share progress|virtual community|for the collaboration",
     "Call for collaboration", "Other Collaboration"),
    # benefits: acknowledgement of help
    ("b_feedback", r"feedback on|not satisfied|not helpful|doesn't work and repeats|solution worked|worked after|was successful|confirm(s|ing)? (that )?(the )?(self-)?solution",
     "Acknowledgement of help", "Feedback on Solution"),
    ("b_thanks", r"\bthank|acknowledg(es|ing|e|ement)?( of)? (the )?(help|solution|answer|explanation|understanding|correctness|response)|confirmatory|\back\.|acknowledgement of help",
     "Acknowledgement of help", "Thanks for Solution"),
    # benefits: collaboration to solve issues
    ("b_hf_members", r"(hf member|expert|hf team member|hf member) tagging|tagging (another|other|fellow)? ?hf|tagging hf expert",
     "Collaboration to Solve Issues", "HF Members Collaboration"),
    ("b_self_solution", r"self-?solution|self-resolved|came back with|found (the|their|out)|user (implemented|solved)|shared their solution|own solution|rewriting the (whole|final)|solution posted|asker (found|comes back|sharing their findings)|problem fixed by attempts|managing to put together|user concluding|original asker (providing|explaining)",
     "Collaboration to Solve Issues", "Self-Solutions Shared"),
    ("b_user_user", r"mentee|fellow user|another user|community member|user (offering|sharing (their|the link)|suggest)|users? (pointing to|referencing)|anothr user|first user",
     "Collaboration to Solve Issues", "User-User collaboration"),
    ("b_insights", r"insight|thoughts|sharing (their|his|her) (idea|experience|opinion)|shares their (thoughts|idea)|expresses? (the )?(importance|good support)|encouraging words",
     "Collaboration to Solve Issues", "Sharing Ideas and Insights"),
    ("b_expert_user", r"(asking|asks) (for|about) (the )?(more )?details|per (hf member|expert|fellow user)'?s? request|asking for (sample code|explanation for a specific part)|discussion between hf member and user|providing details|hf member asking|expert asking",
     "Collaboration to Solve Issues", "Expert-User Collaboration"),
    ("b_user_suggests", r"^(potential|possible) solution|workaround|suggest(s|ing)? (a|an)? ?(alternative|solution|setting|another)|offering technique|proposed solution|link for a possible solution|finding potential solutions",
     "Collaboration to Solve Issues", "Users Suggesting Solutions"),
    # benefits: expert opinion and clarification
    ("b_expert_links_external", r"(expert|hf member|hf expert).*(external (link|resource|library)|stack ?overflow|youtube|personal blog)|sharing a library|external link for",
     "Expert Opinion and Clarification", "Sharing External Resources"),
    ("b_expert_links", r"(expert|hf member|hf expert|community member|hf team member).*(link|refer|documentation|tutorial|blog|notebook|example)|shared fixing guide|referring to|sharing documentation|shared link|link (shared|pointing)",
     "Expert Opinion and Clarification", "Shared Link to Resources/Guidelines"),
    ("b_expert_datasets", r"(expert|hf member|hf expert|hf team|opinion).*(dataset|data loading|data)", "Expert Opinion and Clarification", "on Datasets"),
    ("b_expert_external", r"(expert|hf member|hf expert|gradio member).*(external|sagemaker|aws|gradio|heroku|streamlit|docker|kaggle)",
     "Expert Opinion and Clarification", "on External Platforms"),
    ("b_expert_feature", r"(expert|hf member|hf expert|hf team|hf software engineer).*(feature|availab|implement|fix|limitation|promis|support|plan|launched|going to improve|bug)",
     "Expert Opinion and Clarification", "on Availability of Features"),
    ("b_expert_api", r"(expert|hf member|hf expert).*(\bapi|parameter|function|setting|configur|command)",
     "Expert Opinion and Clarification", "on API usage"),
    ("b_expert_training", r"(expert|hf member|hf expert|opinion).*(train|fine-?tun|inference|loss|gradient|batch|memory|speed|gpu|token)",
     "Expert Opinion and Clarification", "on Training and Inference"),
    ("b_expert_models", r"(expert|hf member|hf expert|opinion|collaborator).*(model|output|explanation|theory|weights|structure)",
     "Expert Opinion and Clarification", "on Models, their Functionality and Output"),
    ("b_expert_other", r"^(expert|hf member|hf expert|hf team|hf software engineer|gradio member|model owner|collaborator|opinion expert|expert opinion|reinforced explanation|explanation by|hf member)|expert opinion|expert (providing|explaining|offering|clarification)|hf member (explain|clarif|provid|suggest|declar|point)",
     "Expert Opinion and Clarification", "Other Solutions"),
    # challenges: output, other issues, then memory and performance before the broad "specific task" rule
    ("c_output", r"unexpected (output|behaviou?r|loss|inference|error)|unwanted output|incomprehensible output|doubt on output|doubt about|gibberish|different (values|results|reults|outputs)|outcome mismatch|faulty|repetit|interpretation of the model|justification for the results|expressing doubt|bad results|higher training loss",
     "Incomprehensible output", None),
    ("c_convert", r"convert|onnx|export", "Model Usage and Understanding", "Model Converting (ONNX Library)"),
    ("c_amazon", r"amazon|sagemaker|\baws\b|\bs3\b", "External Platforms & Libraries", "Amazon"),
    ("c_gradio", r"gradio", "External Platforms & Libraries", "Gradio"),
    ("c_kaggle_data", r"kaggle.*data|data.*kaggle|external dataset", "Dataset Acquisition & Usage", "External Datasets"),
    ("c_kaggle", r"kaggle", "External Platforms & Libraries", "Kaggle"),
    ("c_databricks", r"databricks", "External Platforms & Libraries", "Databricks"),
    ("c_colab", r"colab", "External Platforms & Libraries", "Google Colab"),
    ("c_dl_framework", r"pytorch|tensorflow|\btf\b|keras|\btorch\b|dl framework|flax|jax", "External Platforms & Libraries", "DL framework"),
    ("c_external", r"external (platform|library|framework)|streamlit|docker|opencv|librosa|seaborn|spacy|openai|slurm|postgresql|\bjs library", "External Platforms & Libraries", "External Platform/Library"),
    ("c_large_files", r"large (file|model)|upload|> ?5gb|git[- ]lfs|size of the|model size", "Memory & Performance", "Large Files"),
    ("c_memory", r"memory|\bram\b|storage|disk|oom", "Memory & Performance", "Memory"),
    ("c_gpu", r"\bgpus?\b|\bcpus?\b|\btpu\b|multiprocess|distributed|accelerat|deepspeed|parallel|processors|optimi[sz]", "Memory & Performance", "GPU & Optimization"),
    ("c_speed", r"speed|slow|takes? (too )?(much|long)|throughput|timeout|hangs|crash", "Memory & Performance", "Speed"),
    ("c_other", r"pronunciation|complain|logging warning|progress bar|social networks|git repository of the solution|obsession|chatbots",
     "Other Issues", None),
    ("c_specific_solution", r"specific (task|problem|scenario|usecase|use case|nlp problem)|for a task|a task \[|approach to solve|for a special task|solution for a specific|asking for (a |the )?solution|advice (on|for) (how to solve|designing)|model and method for|non-nlp task",
     "Specific Solution Need", None),
    ("c_onboarding", r"newcomer|novice|new to (the community|hf)|get(ting)? started|\binstall|mentoring|first repo|contributing to model hub|where to start",
     "Onboarding", None),
    ("c_privacy", r"privac|security|trojan|access list|\bprivate\b|permission|authentication", "Privacy & Security", None),
    ("c_support", r"lack of support|priorit(y|ies) (on|to)|receipt of email|received the email|no response", "Lack of Support", None),
    ("c_spaces", r"\bspaces?\b", "Spaces", None),
    ("c_pricing", r"pricing|\bpaid\b|\bprice|free second model|paying", "Website & Pricing", "Pricing"),
    ("c_not_found", r"\b404\b|not found|no longer available|unavailability of a model|cannot find|max_retries|clienterror|client ?error", "Website & Pricing", "File not found"),
    ("c_website", r"website|widget|data viewer|badge", "Website & Pricing", "Website"),
    ("c_endpoints", r"endpoint|inference api", "Inference & Deployment", "Inference Endpoints"),
    ("c_deploy", r"deploy|production|heroku", "Inference & Deployment", "Deployment & Production"),
    ("c_pipeline", r"pipeline", "Inference & Deployment", "Inference Pipeline"),
    ("c_rest_api", r"rest api|api url|api key", "API Usage", "REST API"),
    ("c_api", r"\bapis?\b|which function|calling a function|argument value|call the model", "API Usage", "API usage"),
    ("c_request_feature", r"request(ing)? (for )?(a )?(feature|model|custom model)|asking for a specific (model|functionn?ality)|wanting a feature|feature .*to be added|for feature|want(s|ing)? a feature|availability of (a )?feature|if a specific feature|a feature like",
     "HF Libraries' Features", "Request Feature Model"),
    ("c_hf_source", r"implementation of (the )?(function|trainer|hf)|source code|hf code|existing implementation|hf library|transformers library|\bfeature\b|is (already )?implemented|supported framework|maintenance mode|register a new model",
     "HF Libraries' Features", "Implementation of HF Source code/Existing Feature"),
    ("c_lack_doc", r"documentation|lack of clarity|readme|lacking instruction", "Tutorial & Documentation", "Lack of Documentation"),
    ("c_tutorials", r"tutorial|official example|examples?\b|notebook|course|sample code|guide|resources?\b|blog", "Tutorial & Documentation", "Official Examples and Tutorials"),
    ("c_special_dataset", r"(asking for|availability of|need) (a )?(special )?datasets?|dataset for (a )?(special|specific)|asking for dataset", "Dataset Acquisition & Usage", "Asking for a Special Dataset for a Certain Task"),
    ("c_custom_dataset", r"custom(i[sz]ed)? data|dataset customi[sz]ation|creat(e|ing) (a )?dataset|dataset card|new hf data|labeling data", "Dataset Acquisition & Usage", "Custom Datasets"),
    ("c_data_prep", r"data (input|format|preparation)|input data|input format|format(ting)? .*(data|input)|preparing (a )?data|prepar(e|ing) dataset|split(ting)? (training )?data|train split|feature types|labels?\b|padding|task template",
     "Dataset Acquisition & Usage", "Data Preparation"),
    ("c_load_dataset", r"(load|sav|stor|download|stream|read|writ)\w* .*data|dataloader|data loading", "Dataset Acquisition & Usage", "Loading/Saving Datasets"),
    ("c_other_dataset", r"dataset", "Dataset Acquisition & Usage", "Other Dataset Issues"),
    ("c_pretrain", r"pre-?train", "Training Pipeline", "Pretraining"),
    ("c_tokenization", r"tokeni[sz]|tonekizer|vocab|special tokens?|\btokens?\b|wordpiece|bpe", "Training Pipeline", "Tokenization"),
    ("c_finetune", r"fine-?tun|finetun", "Training Pipeline", "Fine-Tuning"),
    ("c_training", r"train|loss|epoch|hyperparameter|batch|gradient|learning rate|evaluation steps", "Training Pipeline", "Training"),
    ("c_model_card", r"model card|\bcards?\b|model information|contributors for a model", "Model Usage and Understanding", "Model card"),
    ("c_config", r"config|parameter", "Model Usage and Understanding", "Model Configuration"),
    ("c_load_save", r"(load|sav|reload|push|import)\w*.*(model|weights|checkpoint|tokenizer)|checkpoint|weights|model.*(pushed|hub)|\.bin\b|format", "Model Usage and Understanding", "Loading/Saving Models"),
    ("c_custom_model", r"custom(i[sz])?\w* (model|head|class|loss|input)|model customi[sz]ation|customi[sz]e model|custom(i[sz]ing)? (a )?model|adding the feature|add(ing)? .*layer|architecture|dissecting",
     "Model Usage and Understanding", "Customizing Model"),
    ("c_evaluate", r"evaluat|compar|benchmark|performance|metrics|accuracy", "Model Usage and Understanding", "Model Evaluation & Comparison"),
    ("c_understand", r"model|understand|comprehen|functioning|encoder|decoder|embedding|attention|logits|softmax|mlp|weights|error|issue|question|asking",
     "Model Usage and Understanding", "Understanding Model Function"),
]

# Figure 2 of the paper: the subcategories the text quotes, as (figure label, codebook category,
# codebook subcategory or None). "Documentation" is read as the codebook's "Lack of Documentation".
FIGURE2_SUBCATEGORIES = [
    ("Understanding model", "Model Usage and Understanding", "Understanding Model Function"),
    ("Custom models", "Model Usage and Understanding", "Customizing Model"),
    ("Converting models", "Model Usage and Understanding", "Model Converting (ONNX Library)"),
    ("Training", "Training Pipeline", "Training"),
    ("Documentation", "Tutorial & Documentation", "Lack of Documentation"),
    ("Custom datasets", "Dataset Acquisition & Usage", "Custom Datasets"),
    ("Specific solution need", "Specific Solution Need", None),
    ("Incomprehensible output", "Incomprehensible output", None),
    ("HF source code / existing feature", "HF Libraries' Features", "Implementation of HF Source code/Existing Feature"),
    ("Request feature/model", "HF Libraries' Features", "Request Feature Model"),
    ("API usage", "API Usage", "API usage"),
]
