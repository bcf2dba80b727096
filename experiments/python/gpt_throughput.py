"""Training throughput of the classroom/small GPT in Python PyTorch, for `limuon-lab bench train`.

The model mirrors engine/src/models/gpt.cpp layer for layer (separate q, k, v projections, pre-LayerNorm
blocks, GELU MLP, learned positions, head tied to the token embedding, causal mask by masked_fill) and
trains with torch.optim.AdamW, as the C++ side does, on the same LibTorch (Debian's python3-torch).
Prints one line: "python tokens/s <value>".
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # vocab, context, layers, width, heads
    "classroom": (256, 64, 2, 80, 4),
    "small": (256, 128, 4, 256, 8),
}


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(width, width)
        self.v = nn.Linear(width, width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        b, t, w = x.shape
        hd = w // self.heads
        q = self.q(x).view(b, t, self.heads, hd).transpose(1, 2)
        k = self.k(x).view(b, t, self.heads, hd).transpose(1, 2)
        v = self.v(x).view(b, t, self.heads, hd).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(hd)
        future = torch.ones(t, t, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(future, float("-inf"))
        mixed = torch.matmul(torch.softmax(scores, -1), v)
        return self.proj(mixed.transpose(1, 2).contiguous().view(b, t, w))


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.proj = nn.Linear(4 * width, width)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.proj(F.gelu(self.fc(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, width, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width)

    def forward(self, tokens):
        t = tokens.shape[1]
        x = self.wte(tokens) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        return F.linear(self.ln_f(x), self.wte.weight)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="classroom", choices=sorted(PRESETS))
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    vocab, context, layers, width, heads = PRESETS[a.model]
    model = Gpt(vocab, context, layers, width, heads)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.0)
    data = torch.randint(vocab, (a.warmup + a.steps, a.batch, context + 1))

    def step(i):
        batch = data[i]
        opt.zero_grad()
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab), batch[:, 1:].reshape(-1))
        loss.backward()
        opt.step()

    for i in range(a.warmup):
        step(i)
    start = time.perf_counter()
    for i in range(a.warmup, a.warmup + a.steps):
        step(i)
    seconds = time.perf_counter() - start
    print(f"python tokens/s {a.steps * a.batch * context / seconds:.1f}")


if __name__ == "__main__":
    main()
