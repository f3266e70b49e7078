#!/usr/bin/env python3
"""A pre-activation ResNet-20-style network for 28x28 grey images, written and scripted in PyTorch, and a check that
scores Isthmus's checkpoints of it the way PyTorch itself does.

    /usr/bin/python3 tools/resnet20.py write resnet20.pt [WIDTH]
        Scripts the network (torch.jit.script) and saves it; WIDTH is the first stage's channels (default 16: stages
        16-32-64, He et al. 2016's ResNet-20 layout of 3 stages x 3 pre-activation blocks). Isthmus reads it with
        --model torchscript:resnet20.pt.
    /usr/bin/python3 tools/resnet20.py train resnet20.pt DATA_DIR OUT.pt [SEED]
        Trains the scripted network's eager twin in PyTorch itself as `isthmus train --subset 10000 --epochs 3` does
        (SGD, rate 0.05 on Isthmus's standard schedule, momentum 0.9, weight decay 5e-4, batches of 128 drawn by
        torch.randperm from the first 10,000 training images) and writes torch.save(model.state_dict()) to OUT.pt:
        a checkpoint trained elsewhere, for `isthmus ensemble --members`, `fge --from`, `plane --points`.
    /usr/bin/python3 tools/resnet20.py check resnet20.pt DATA_DIR WEIGHTS [WEIGHTS...] [--bn-batches N]
        For each checkpoint Isthmus wrote (model.safetensors of a train run, or any .safetensors/.pt state dict):
        load_state_dict(strict=True) into the module, recompute batch-norm statistics as Isthmus does
        (reset, train mode, cumulative average over the first N batches of 1,000 training images, no augmentation;
        default: the whole training split), and print the test error in %. DATA_DIR holds Fashion-MNIST's idx files.

Normalisation is Isthmus's for Fashion-MNIST (mean 0.2860, std 0.3530).
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_check import load_file  # noqa: E402  (safetensors reader without the safetensors package)


class PreActBlock(nn.Module):
    """He et al. 2016b: y = x + conv(relu(bn(conv(relu(bn(x)))))), a 1x1 projection when the shape changes."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.shortcut = nn.Conv2d(cin, cout, 1, stride=stride, bias=False) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if not isinstance(self.shortcut, nn.Identity) else x
        y = self.conv1(out)
        y = self.conv2(F.relu(self.bn2(y)))
        return shortcut + y


class PreResNet20(nn.Module):
    def __init__(self, width: int = 16, classes: int = 10):
        super().__init__()
        w = [width, 2 * width, 4 * width]
        self.conv = nn.Conv2d(1, w[0], 3, padding=1, bias=False)
        blocks = []
        cin = w[0]
        for stage, cout in enumerate(w):
            for i in range(3):
                blocks.append(PreActBlock(cin, cout, 2 if stage > 0 and i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.bn = nn.BatchNorm2d(cin)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.blocks(self.conv(x))
        x = F.relu(self.bn(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def images(path):
    x = torch.from_numpy(idx(path).astype(np.float32) / 255.0).unsqueeze(1)
    return (x - 0.2860) / 0.3530


def check(model_path, data_dir, weights, bn_batches):
    scripted = torch.jit.load(model_path)
    # The eager twin of the scripted module (same code, same state-dict names): TorchScript freezes batch norm's
    # momentum as a constant, and the cumulative average needs momentum = None.
    net = PreResNet20(scripted.conv.weight.shape[0])
    net.load_state_dict(scripted.state_dict(), strict=True)
    x_train = images(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))
    x_test = images(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    y_test = torch.from_numpy(idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    for w in weights:
        state = load_file(w) if w.endswith(".safetensors") else torch.load(w, map_location="cpu")
        net.load_state_dict(state, strict=True)
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.reset_running_stats()
                m.momentum = None
        net.train()
        n = len(x_train) // 1000 if bn_batches is None else bn_batches
        with torch.no_grad():
            for i in range(n):
                net(x_train[i * 1000:(i + 1) * 1000])
            net.eval()
            wrong = sum(int((net(x_test[i:i + 1000]).argmax(1) != y_test[i:i + 1000]).sum()) for i in range(0, len(x_test), 1000))
        print(f"{w}: test error {100.0 * wrong / len(x_test):.2f} %")


def train(model_path, data_dir, out, seed, epochs=3, subset=10000, batch=128):
    torch.manual_seed(seed)
    scripted = torch.jit.load(model_path)
    net = PreResNet20(scripted.conv.weight.shape[0])
    x = images(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))[:subset]
    y = torch.from_numpy(idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"))[:subset].astype(np.int64))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    for e in range(epochs):
        # Isthmus's standard schedule, per epoch counted from 1: full rate to half-way, linear to 1 % at 90 %, then 1 %.
        t = (e + 1) / epochs
        factor = 1.0 if t <= 0.5 else (1.0 - 0.99 * (t - 0.5) / 0.4 if t <= 0.9 else 0.01)
        for g in opt.param_groups:
            g["lr"] = 0.05 * factor
        net.train()
        perm, total = torch.randperm(len(x)), 0.0
        for i in range(0, len(x), batch):
            b = perm[i:i + batch]
            loss = F.cross_entropy(net(x[b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        print(f"epoch {e + 1}: rate {0.05 * factor:.6g}, train loss {total / len(x):.4f}", flush=True)
    torch.save(net.state_dict(), out)


def main(argv):
    if len(argv) >= 2 and argv[0] == "write":
        torch.manual_seed(0)
        width = int(argv[2]) if len(argv) > 2 else 16
        torch.jit.script(PreResNet20(width)).save(argv[1])
        return
    if len(argv) >= 4 and argv[0] == "train":
        train(argv[1], argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 3)
        return
    if len(argv) >= 4 and argv[0] == "check":
        bn = None
        if "--bn-batches" in argv:
            k = argv.index("--bn-batches")
            bn = int(argv[k + 1])
            argv = argv[:k] + argv[k + 2:]
        check(argv[1], argv[2], argv[3:], bn)
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
