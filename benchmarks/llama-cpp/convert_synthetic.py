#!/usr/bin/env python3
"""Run llama.cpp's convert_hf_to_gguf.py on a `dream4j synth-checkpoint` directory.

    python3 convert_synthetic.py LLAMA_CPP_SRC CHECKPOINT_DIR [converter arguments...]

The synthetic checkpoint's tokenizer is a 448-token byte-level BPE with Qwen2's pre-tokenizer regex, padded to the
model's vocabulary. The converter recognizes a tokenizer only by hashing what a known one (Qwen2's, with 151k
tokens) makes of a test string, so it stops with "BPE pre-tokenizer was not recognized". This wrapper answers
"qwen2" for that look-up (the regex is Qwen2's) and runs the converter unchanged otherwise; the weights, the
architecture (DreamModel) and all other metadata go through the converter's own code.
"""
import pathlib
import runpy
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
src = pathlib.Path(sys.argv[1]).resolve()
sys.path.insert(0, str(src))
sys.path.insert(0, str(src / "gguf-py"))

patched = False
try:  # newer trees split the converter into the conversion/ package
    from conversion import base as _base
    holders = [_base.TextModel]
except ImportError:
    import importlib.util
    spec = importlib.util.spec_from_file_location("convert_hf_to_gguf", src / "convert_hf_to_gguf.py")
    _base = importlib.util.module_from_spec(spec)
    sys.modules["convert_hf_to_gguf"] = _base
    spec.loader.exec_module(_base)
    holders = [_base.TextModel]
for holder in holders:
    if hasattr(holder, "get_vocab_base_pre"):
        holder.get_vocab_base_pre = lambda self, tokenizer: "qwen2"
        patched = True
if not patched:
    sys.exit(f"{src}: no TextModel.get_vocab_base_pre to adapt; this llama.cpp tree is not supported by the wrapper")

sys.argv = [str(src / "convert_hf_to_gguf.py")] + sys.argv[2:]
if "convert_hf_to_gguf" in sys.modules:  # old layout: the module is loaded already, call its entry point
    sys.modules["convert_hf_to_gguf"].main()
else:
    runpy.run_path(sys.argv[0], run_name="__main__")
