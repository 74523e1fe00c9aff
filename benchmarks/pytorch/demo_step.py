#!/usr/bin/env python3
"""One Dream denoising-step forward in plain PyTorch on CPU, to set beside `dream4j bench`.

Manual comparison, not CI: needs `torch`, `safetensors` and `numpy` (CPU wheels are enough). It loads a Dream
checkpoint directory (default: the demo model shipped in `demo-model/src/main/resources`), builds the Qwen2-shaped
forward that Dream uses (RMSNorm, q/k/v with bias, RoPE, grouped-query attention over the whole canvas without a
causal mask, SwiGLU MLP, lm_head over the last `--logit-rows` rows, like `dream4j bench`), and times it.

Per configuration it prints the best and median wall time of one forward and the process CPU time per forward
(`time.process_time` over the timed iterations divided by their count), so that on a loaded machine the CPU figure
can be compared with `/usr/bin/time` figures of the Java side.

    python3 benchmarks/pytorch/demo_step.py --canvas 64,256 --threads 1,2
    ./dream4j bench --model demo --canvas 64 --threads 1    # and --canvas 256, --threads 2
"""
import argparse
import json
import pathlib
import statistics
import sys
import time

try:
    import torch
    from safetensors.torch import load_file
except ImportError as e:  # the script is optional tooling: say what is missing instead of a stack trace
    sys.exit(f"demo_step.py needs torch and safetensors ({e}); install CPU wheels, e.g. pip install torch safetensors")

DEMO = pathlib.Path(__file__).resolve().parents[2] / "demo-model/src/main/resources/dev/dream4j/demo/tiny-dream-code"


class Dream:
    """The Qwen2 layout Dream checkpoints use (`model.layers.N.self_attn.q_proj.weight`, ...)."""

    def __init__(self, directory: pathlib.Path, dtype: torch.dtype):
        cfg = json.loads((directory / "config.json").read_text())
        self.layers = cfg["num_hidden_layers"]
        self.hidden = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg.get("num_key_value_heads", self.heads)
        self.head_dim = cfg.get("head_dim", self.hidden // self.heads)
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        self.theta = cfg.get("rope_theta", 10000.0)
        tensors = {}
        files = sorted(directory.glob("*.safetensors"))
        if not files:
            sys.exit(f"no *.safetensors in {directory}")
        for f in files:
            tensors.update(load_file(str(f)))
        self.w = {k: v.to(dtype).contiguous() for k, v in tensors.items()}
        if "lm_head.weight" not in self.w:  # tied embeddings
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]
        self.dtype = dtype

    def rms(self, x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * weight

    def rope_tables(self, length):
        inv = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32) / self.head_dim))
        freqs = torch.outer(torch.arange(length, dtype=torch.float32), inv)
        emb = torch.cat([freqs, freqs], dim=-1)
        return emb.cos().to(self.dtype), emb.sin().to(self.dtype)

    @staticmethod
    def rotate(x, cos, sin):
        half = x.shape[-1] // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        return x * cos + rotated * sin

    @torch.inference_mode()
    def forward(self, ids: torch.Tensor, logit_rows: int):
        w = self.w
        length = ids.shape[0]
        cos, sin = self.rope_tables(length)
        x = w["model.embed_tokens.weight"][ids]
        for i in range(self.layers):
            p = f"model.layers.{i}."
            h = self.rms(x, w[p + "input_layernorm.weight"])
            q = torch.nn.functional.linear(h, w[p + "self_attn.q_proj.weight"], w.get(p + "self_attn.q_proj.bias"))
            k = torch.nn.functional.linear(h, w[p + "self_attn.k_proj.weight"], w.get(p + "self_attn.k_proj.bias"))
            v = torch.nn.functional.linear(h, w[p + "self_attn.v_proj.weight"], w.get(p + "self_attn.v_proj.bias"))
            q = self.rotate(q.view(length, self.heads, self.head_dim).transpose(0, 1), cos, sin)
            k = self.rotate(k.view(length, self.kv_heads, self.head_dim).transpose(0, 1), cos, sin)
            v = v.view(length, self.kv_heads, self.head_dim).transpose(0, 1)
            group = self.heads // self.kv_heads
            k = k.repeat_interleave(group, dim=0)
            v = v.repeat_interleave(group, dim=0)
            # Dream attends over the whole canvas: no causal mask.
            a = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=False)
            a = a.transpose(0, 1).reshape(length, self.heads * self.head_dim)
            x = x + torch.nn.functional.linear(a, w[p + "self_attn.o_proj.weight"])
            h = self.rms(x, w[p + "post_attention_layernorm.weight"])
            g = torch.nn.functional.linear(h, w[p + "mlp.gate_proj.weight"])
            u = torch.nn.functional.linear(h, w[p + "mlp.up_proj.weight"])
            x = x + torch.nn.functional.linear(torch.nn.functional.silu(g) * u, w[p + "mlp.down_proj.weight"])
        x = self.rms(x[length - logit_rows:], w["model.norm.weight"])
        return torch.nn.functional.linear(x, w["lm_head.weight"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=pathlib.Path, default=DEMO, help="Dream checkpoint directory (default: the demo model)")
    ap.add_argument("--canvas", default="64,256", help="comma-separated canvas lengths")
    ap.add_argument("--threads", default="1,2", help="comma-separated torch.set_num_threads values")
    ap.add_argument("--logit-rows", type=int, help="rows through lm_head (default: the second half, as dream4j bench)")
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"],
                    help="compute dtype (dream4j's java-cpu computes in fp32 from bf16 weights)")
    args = ap.parse_args()
    if not (args.model / "config.json").is_file():
        sys.exit(f"{args.model}: no config.json (pass --model DIR with a Dream checkpoint)")
    model = Dream(args.model, getattr(torch, args.dtype))
    vocab = model.w["model.embed_tokens.weight"].shape[0]
    print(f"torch {torch.__version__}, {args.dtype}, model {args.model} ({model.layers} layers, hidden {model.hidden})")
    print(f"{'threads':>7} {'canvas':>6} {'rows':>5} {'best s':>9} {'median s':>9} {'cpu s/step':>10}")
    for threads in (int(t) for t in args.threads.split(",")):
        torch.set_num_threads(threads)
        for canvas in (int(c) for c in args.canvas.split(",")):
            rows = args.logit_rows or max(1, canvas // 2)
            if not 1 <= rows <= canvas:
                sys.exit(f"--logit-rows {rows} must be within 1..{canvas}")
            ids = torch.randint(0, vocab, (canvas,), generator=torch.Generator().manual_seed(1))
            for _ in range(args.warmup):
                model.forward(ids, rows)
            walls = []
            cpu0 = time.process_time()
            for _ in range(args.iterations):
                t0 = time.perf_counter()
                model.forward(ids, rows)
                walls.append(time.perf_counter() - t0)
            cpu = (time.process_time() - cpu0) / args.iterations
            print(f"{threads:>7} {canvas:>6} {rows:>5} {min(walls):>9.5f} {statistics.median(walls):>9.5f} {cpu:>10.5f}")


if __name__ == "__main__":
    main()
