"""Process-wide environment for running with no network.

Imported (via ``core/__init__``) before any Hugging Face, Chroma or Gradio module, because
those libraries read these variables at import time.
"""

import os

_OFFLINE_ENV = {
    # Hugging Face: never try the hub; the model comes from a local package path.
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # Gradio and Chroma phone home unless told not to.
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}

for _key, _value in _OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

# llama-index uses its bundled tiktoken/NLTK data only while these are unset; a stray value
# from the shell would make it try to download instead.
for _key in ("TIKTOKEN_CACHE_DIR", "NLTK_DATA"):
    os.environ.pop(_key, None)
