#!/usr/bin/python3
"""Step time and peak memory of the zoo's networks in PyTorch and in Isthmus, side by side (docs/performance.md).

For developers only: neither CI nor users need Python. Needs Debian's python3-torch with libopenblas0-pthread, run
under /usr/bin/python3 from the repository root:

    /usr/bin/python3 tools/memory_vs_pytorch.py                  # every row; prints a Markdown table
    /usr/bin/python3 tools/memory_vs_pytorch.py --only preresnet164 --steps 2

Each measurement runs in a fresh process on synthetic data of CIFAR-10's shape (token ids for the language model):
one untimed warm-up step, then --steps timed training steps (forward, cross-entropy, backward, SGD with momentum 0.9
and weight decay 5e-4), then one evaluation pass without gradients. Peak memory is the process's resident high-water
mark (VmHWM, reset through /proc/self/clear_refs before each phase, after free heap pages are given back with
malloc_trim), the same measure `isthmus bench deep` takes.
The PyTorch models below are written to match src/Isthmus/Nn/Models layer for layer (names, shapes, in-place ReLUs).
"""
import argparse, json, os, statistics, subprocess, sys, time

# (row name, isthmus model options, batch, eval batch, eval examples); steps come from --steps (WRN: at most 2).
ROWS = [
    ("convfc", ["--model", "convfc"], 128, 1000, 1000),
    ("convfc --bn", ["--model", "convfc", "--bn"], 128, 1000, 1000),
    ("vgg16", ["--model", "vgg16"], 64, 500, 500),
    ("vgg16 --bn", ["--model", "vgg16", "--bn"], 64, 500, 500),
    ("preresnet110", ["--model", "preresnet110"], 64, 500, 500),
    ("preresnet164", ["--model", "preresnet164"], 64, 500, 500),
    ("wrn28x10", ["--model", "wrn28x10"], 64, 200, 200),
    ("lstm-lm", ["--model", "lstm-lm"], 20, 10, 100),
]


def trim():
    """Give free heap pages back, as Isthmus does at phase boundaries (Platform.NativeMemory.Trim)."""
    import ctypes
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def peak_reset():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    return 0


def build(name, bn):
    import torch
    from torch import nn

    class PreBlock(nn.Module):
        def __init__(self, cin, planes, stride, bottleneck):
            super().__init__()
            convs = [(cin, planes, 1, 1), (planes, planes, 3, stride), (planes, 4 * planes, 1, 1)] if bottleneck \
                else [(cin, planes, 3, stride), (planes, planes, 3, 1)]
            self.bns = nn.ModuleList(nn.BatchNorm2d(i) for i, _, _, _ in convs)
            self.convs = nn.ModuleList(nn.Conv2d(i, o, k, s, k // 2, bias=False) for i, o, k, s in convs)
            out = convs[-1][1]
            self.downsample = nn.Conv2d(cin, out, 1, stride, bias=False) if stride != 1 or cin != out else None

        def forward(self, x):
            residual = x if self.downsample is None else self.downsample(x)
            y = x
            for bn_, conv in zip(self.bns, self.convs):
                y = conv(torch.relu_(bn_(y)))
            return y + residual

    class PreResNet(nn.Module):
        def __init__(self, depth, bottleneck):
            super().__init__()
            n = (depth - 2) // (9 if bottleneck else 6)
            self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
            blocks, cin = [], 16
            for stage, planes in enumerate([16, 32, 64]):
                for i in range(n):
                    blocks.append(PreBlock(cin, planes, 2 if stage > 0 and i == 0 else 1, bottleneck))
                    cin = planes * (4 if bottleneck else 1)
            self.blocks = nn.Sequential(*blocks)
            self.bn = nn.BatchNorm2d(cin)
            self.fc = nn.Linear(cin, 10)

        def forward(self, x):
            x = torch.relu_(self.bn(self.blocks(self.conv1(x))))
            return self.fc(x.mean([2, 3]))

    class WideBlock(nn.Module):
        def __init__(self, cin, planes, stride):
            super().__init__()
            self.bn1, self.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, planes, 3, padding=1)
            self.bn2, self.conv2 = nn.BatchNorm2d(planes), nn.Conv2d(planes, planes, 3, stride, 1)
            self.shortcut = nn.Conv2d(cin, planes, 1, stride) if stride != 1 or cin != planes else None

        def forward(self, x):
            y = self.conv1(torch.relu_(self.bn1(x)))
            y = self.conv2(torch.relu_(self.bn2(y)))
            return y + (x if self.shortcut is None else self.shortcut(x))

    class WideResNet(nn.Module):
        def __init__(self, depth=28, k=10):
            super().__init__()
            n = (depth - 4) // 6
            self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
            blocks, cin = [], 16
            for stage, planes in enumerate([16 * k, 32 * k, 64 * k]):
                for i in range(n):
                    blocks.append(WideBlock(cin, planes, 2 if stage > 0 and i == 0 else 1))
                    cin = planes
            self.blocks = nn.Sequential(*blocks)
            self.bn1 = nn.BatchNorm2d(cin)
            self.linear = nn.Linear(cin, 10)

        def forward(self, x):
            x = torch.relu_(self.bn1(self.blocks(self.conv1(x))))
            return self.linear(x.mean([2, 3]))

    def conv_unit(cin, cout, k, pad):
        return [nn.Conv2d(cin, cout, k, padding=pad)] + ([nn.BatchNorm2d(cout)] if bn else []) + [nn.ReLU(inplace=True)]

    if name == "vgg16":
        layers, cin = [], 3
        for block in [[64, 64], [128, 128], [256] * 3, [512] * 3, [512] * 3]:
            for c in block:
                layers += conv_unit(cin, c, 3, 1)
                cin = c
            layers.append(nn.MaxPool2d(2, 2))
        return nn.Sequential(*layers, nn.Flatten(), nn.Dropout(), nn.Linear(512, 512), nn.ReLU(True), nn.Dropout(),
                             nn.Linear(512, 512), nn.ReLU(True), nn.Linear(512, 10))
    if name == "convfc":
        layers, cin = [], 3
        for c in [32, 64, 128]:
            layers += conv_unit(cin, c, 5, 2) + [nn.MaxPool2d(3, 2)]
            cin = c
        return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * 3 * 3, 1000), nn.ReLU(True),
                             nn.Linear(1000, 1000), nn.ReLU(True), nn.Linear(1000, 10))
    if name == "preresnet110":
        return PreResNet(110, False)
    if name == "preresnet164":
        return PreResNet(164, True)
    if name == "wrn28x10":
        return WideResNet()
    raise SystemExit(f"no PyTorch model for {name}")


class LanguageModel:
    """The zoo's lstm-lm (Zaremba et al.'s medium model, as PyTorch's word_language_model) on torch.nn.LSTM."""

    def __new__(cls, vocab=10000, hidden=650, layers=2, dropout=0.5):
        import torch
        from torch import nn

        class Lm(nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = nn.Embedding(vocab, hidden)
                self.drop = nn.Dropout(dropout)
                self.rnn = nn.LSTM(hidden, hidden, layers, dropout=dropout)  # between layers, as the zoo model
                self.decoder = nn.Linear(hidden, vocab)
                self.state = None

            def forward(self, x):
                if self.state is not None:
                    self.state = tuple(s.detach() for s in self.state)
                y, self.state = self.rnn(self.drop(self.encoder(x)), self.state)
                return self.decoder(self.drop(y).reshape(-1, hidden))
        return Lm()


def measure_torch(name, bn, batch, steps, eval_batch, eval_examples, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    text = name == "lstm-lm"
    net = LanguageModel() if text else build(name, bn)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    g = torch.Generator().manual_seed(7)
    if text:
        bptt = 35
        chunks = max(1, eval_examples // eval_batch)
        xs = torch.randint(10000, ((steps + 1) * bptt, batch), generator=g)
        ex = torch.randint(10000, (chunks * bptt, eval_batch), generator=g)
        train_batch = lambda i: (xs[i * bptt:(i + 1) * bptt], torch.randint(10000, (bptt * batch,), generator=g))
        eval_batches = [(ex[i * bptt:(i + 1) * bptt], torch.randint(10000, (bptt * eval_batch,), generator=g)) for i in range(chunks)]
    else:
        xs = torch.randn((steps + 1) * batch, 3, 32, 32, generator=g)
        ys = torch.randint(10, ((steps + 1) * batch,), generator=g)
        ex = torch.randn(eval_examples, 3, 32, 32, generator=g)
        ey = torch.randint(10, (eval_examples,), generator=g)
        train_batch = lambda i: (xs[i * batch:(i + 1) * batch], ys[i * batch:(i + 1) * batch])
        eval_batches = [(ex[i:i + eval_batch], ey[i:i + eval_batch]) for i in range(0, eval_examples, eval_batch)]

    def step(i):
        net.train()
        x, y = train_batch(i)
        loss = torch.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    step(0)
    first_peak = status("VmHWM:")
    trim()
    baseline = status("VmRSS:")
    peak_reset()
    t = time.perf_counter()
    for i in range(1, steps + 1):
        step(i)
    step_s = (time.perf_counter() - t) / steps
    train_peak = status("VmHWM:")
    net.eval()
    if text:
        net.state = None
    trim()
    peak_reset()
    t = time.perf_counter()
    with torch.inference_mode():
        for x, y in eval_batches:
            torch.nn.functional.cross_entropy(net(x), y, reduction="sum")
    eval_s = time.perf_counter() - t
    eval_peak = status("VmHWM:")
    return dict(step_s=step_s, eval_s=eval_s, baseline_mb=baseline / 1e6, train_peak_mb=train_peak / 1e6,
                eval_peak_mb=eval_peak / 1e6, process_peak_mb=max(first_peak, train_peak, eval_peak) / 1e6, parameters=sum(p.numel() for p in net.parameters()))


def run_isthmus(cli, options, batch, steps, eval_batch, eval_examples, threads):
    out = subprocess.run([*cli.split(), "bench", "deep", *options, "--batch-size", str(batch), "--steps", str(steps),
                          "--eval-batch-size", str(eval_batch), "--eval-examples", str(eval_examples),
                          "--threads", str(threads), "--json", "--quiet"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run_torch(name, bn, batch, steps, eval_batch, eval_examples, threads):
    args = [sys.executable, __file__, "--torch-one", name, "--batch", str(batch), "--steps", str(steps),
            "--eval-batch", str(eval_batch), "--eval-examples", str(eval_examples), "--threads", str(threads)]
    out = subprocess.run(args + (["--bn"] if bn else []), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", help="comma-separated row names (e.g. preresnet164,wrn28x10)")
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--batch-size", type=int, help="training batch of every row (default: each row's own)")
    p.add_argument("--eval-batch-size", type=int, help="evaluation batch of every row, also its examples (default: each row's own)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--repeats", type=int, default=1, help="alternate PyTorch and Isthmus runs N times per row; "
                   "medians, and the range of the N paired ratios (for a loaded machine)")
    p.add_argument("--json", help="also write the rows to this file")
    p.add_argument("--isthmus", default="./isthmus", help="command that runs the Isthmus CLI (default ./isthmus)")
    p.add_argument("--torch-one", help=argparse.SUPPRESS)
    p.add_argument("--bn", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    p.add_argument("--eval-batch", type=int, help=argparse.SUPPRESS)
    p.add_argument("--eval-examples", type=int, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.torch_one:
        print(json.dumps(measure_torch(a.torch_one, a.bn, a.batch, a.steps, a.eval_batch, a.eval_examples, a.threads)))
        return
    only = set(a.only.split(",")) if a.only else None
    rows = []
    print("| model | params | batch / eval batch | step s: PyTorch / Isthmus (×) | eval pass s: PyTorch / Isthmus (×) "
          "| peak training MB: PyTorch / Isthmus (×) | peak evaluation MB: PyTorch / Isthmus (×) |")
    print("|---|---|---|---|---|---|---|")
    for name, options, batch, eval_batch, eval_examples in ROWS:
        if only and name not in only:
            continue
        steps = min(a.steps, 2) if name == "wrn28x10" else a.steps
        batch = a.batch_size or batch
        if a.eval_batch_size:
            eval_batch = eval_examples = a.eval_batch_size
        model = options[1]
        ts, its = [], []
        for _ in range(a.repeats):  # alternate the two so that a change in the machine's load falls on both
            ts.append(run_torch(model, "--bn" in options, batch, steps, eval_batch, eval_examples, a.threads))
            its.append(run_isthmus(a.isthmus, options, batch, steps, eval_batch, eval_examples, a.threads))
        t = {k: statistics.median(r[k] for r in ts) for k in ts[0]}
        i = {k: statistics.median(r[k] for r in its) for k in its[0] if isinstance(its[0][k], (int, float))}
        rows.append(dict(name=name, batch=batch, eval_batch=eval_batch, eval_examples=eval_examples, steps=steps, torch=ts, isthmus=its))

        def pair(k, f):
            ratios = sorted(b[k] / q[k] for q, b in zip(ts, its))
            spread = f", {ratios[0]:.2f}–{ratios[-1]:.2f}" if len(ratios) > 1 else ""
            return f"{t[k]:{f}} / {i[k]:{f}} ({statistics.median(ratios):.2f}×{spread})"
        print(f"| {name} | {i['parameters'] / 1e6:.2f} M | {batch} / {eval_batch} | {pair('step_s', '.3f')} | {pair('eval_s', '.2f')} "
              f"| {pair('train_peak_mb', '.0f')} | {pair('eval_peak_mb', '.0f')} |", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
