#!/usr/bin/env python3
"""Per-step time of a Dream checkpoint in PyTorch on the CPU, for comparison with `dream4j bench` (not part of CI).

A self-contained Dream forward (Qwen2 layers, bidirectional attention, RoPE, SwiGLU, RMSNorm) read straight from the
checkpoint's safetensors, so no `trust_remote_code` and no transformers version matter. Same work as `dream4j bench`:
a canvas of L tokens, the last R rows through lm_head; best and mean of N timed forwards after warm-up.

    pip install torch        # or: apt-get install python3-torch
    ./dream4j bench --model demo --threads 2 --canvas 256               # prints the demo directory and its times
    python3 benchmarks/scripts/pytorch_cpu_step.py --model /tmp/dream4j-tiny-dream-code-1-$USER --threads 2 --canvas 256

Math in fp32 by default (like dream4j's java-cpu backend, which reads bf16 weights and computes in fp32);
--dtype bfloat16 runs PyTorch's bf16 CPU kernels instead. Compare ratios measured in the same session on the same
machine, not figures from different days.
"""
import argparse
import glob
import json
import os
import time

import torch

DTYPES = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32, "I8": torch.int8, "U8": torch.uint8}


def load_file(path):
    """Reads a .safetensors file (8-byte header length, JSON header, raw little-endian data) without the package."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = bytearray(f.read())
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = DTYPES[info["dtype"]]
        size = torch.empty(0, dtype=dt).element_size()
        t = torch.frombuffer(data, dtype=dt, count=(e - b) // size, offset=b) if e > b else torch.empty(0, dtype=dt)
        out[name] = t.reshape(info["shape"])
    return out


def load(model_dir, dtype):
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    w = {}
    for f in sorted(glob.glob(os.path.join(model_dir, "*.safetensors"))):
        w.update(load_file(f))
    for k, v in w.items():
        if v.dtype in (torch.int8, torch.uint8):
            raise SystemExit(f"{k} is quantized ({v.dtype}): point this script at the original bf16 checkpoint")
        w[k] = v.to(dtype)
    if "lm_head.weight" not in w:
        w["lm_head.weight"] = w["model.embed_tokens.weight"]
    return cfg, w


def rope(x, pos, theta, dim):
    inv = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    ang = pos[:, None].float() * inv[None, :]
    cos, sin = torch.cat([ang.cos()] * 2, -1).to(x.dtype), torch.cat([ang.sin()] * 2, -1).to(x.dtype)
    x1, x2 = x[..., : dim // 2], x[..., dim // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


def rms(x, g, eps):
    var = x.float().pow(2).mean(-1, keepdim=True)
    return (x.float() * torch.rsqrt(var + eps)).to(x.dtype) * g


@torch.inference_mode()
def forward(cfg, w, ids, rows):
    h, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim", h // nh)
    eps, theta = cfg["rms_norm_eps"], cfg.get("rope_theta", 10000.0)
    L = ids.shape[0]
    pos = torch.arange(L)
    x = w["model.embed_tokens.weight"][ids]
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        xn = rms(x, w[p + "input_layernorm.weight"], eps)
        q = torch.nn.functional.linear(xn, w[p + "self_attn.q_proj.weight"], w.get(p + "self_attn.q_proj.bias"))
        k = torch.nn.functional.linear(xn, w[p + "self_attn.k_proj.weight"], w.get(p + "self_attn.k_proj.bias"))
        v = torch.nn.functional.linear(xn, w[p + "self_attn.v_proj.weight"], w.get(p + "self_attn.v_proj.bias"))
        q = rope(q.view(L, nh, hd).transpose(0, 1), pos, theta, hd)
        k = rope(k.view(L, nkv, hd).transpose(0, 1), pos, theta, hd)
        v = v.view(L, nkv, hd).transpose(0, 1)
        k = k.repeat_interleave(nh // nkv, 0)
        v = v.repeat_interleave(nh // nkv, 0)
        # Dream: bidirectional attention, no mask (written out: scaled_dot_product_attention needs torch >= 2.0)
        a = torch.softmax((q @ k.transpose(-1, -2)) / (hd ** 0.5), dim=-1) @ v
        x = x + torch.nn.functional.linear(a.transpose(0, 1).reshape(L, nh * hd), w[p + "self_attn.o_proj.weight"])
        xn = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        g = torch.nn.functional.linear(xn, w[p + "mlp.gate_proj.weight"])
        u = torch.nn.functional.linear(xn, w[p + "mlp.up_proj.weight"])
        x = x + torch.nn.functional.linear(torch.nn.functional.silu(g) * u, w[p + "mlp.down_proj.weight"])
    x = rms(x[L - rows:], w["model.norm.weight"], eps)
    return torch.nn.functional.linear(x, w["lm_head.weight"])


def time_forward(cfg, w, length, rows, warmup, iterations):
    ids = torch.tensor([(i * 7919) % min(cfg["vocab_size"], 1000) for i in range(length)])
    for _ in range(warmup):
        forward(cfg, w, ids, rows)
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        forward(cfg, w, ids, rows)
        times.append(time.perf_counter() - t0)
    return min(times), sum(times) / len(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="checkpoint directory (bf16/f16/f32 safetensors)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--canvas", type=int, default=256)
    ap.add_argument("--logit-rows", type=int, default=None, help="rows through lm_head (default: canvas / 2)")
    ap.add_argument("--small-rows", type=int, default=32, help="also time an R-row forward (0 skips)")
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg, w = load(a.model, getattr(torch, a.dtype))
    rows = a.logit_rows or max(1, a.canvas // 2)
    best, mean = time_forward(cfg, w, a.canvas, rows, a.warmup, a.iterations)
    print(f"pytorch {torch.__version__}, {a.dtype} math, threads {a.threads}")
    print(f"forward      best {best:.4f} s, mean {mean:.4f} s over {a.iterations} (canvas {a.canvas}, {rows} lm_head rows)")
    if a.small_rows > 0:
        best, mean = time_forward(cfg, w, a.small_rows, a.small_rows, a.warmup, a.iterations)
        print(f"{a.small_rows}-row step  best {best:.4f} s, mean {mean:.4f} s")


if __name__ == "__main__":
    main()
