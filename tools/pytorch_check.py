#!/usr/bin/env python3
"""Load an Isthmus MLP checkpoint into plain PyTorch and score it on the MNIST test set.

Shows that Isthmus checkpoints are ordinary safetensors with PyTorch state-dict names: the file is parsed
exactly as the safetensors format specifies (8-byte little-endian header length, JSON header, raw
little-endian data), loaded with `load_state_dict(strict=True)` into `nn.Sequential`, and run.
If the `safetensors` package is installed it is used instead of the built-in parser.

    /usr/bin/python3 tools/pytorch_check.py runs/a/model.safetensors data/mnist 800,800
"""
import json
import struct
import sys

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32,
          "F16": torch.float16, "BF16": torch.bfloat16, "U8": torch.uint8, "I8": torch.int8, "BOOL": torch.bool}


def load_file(path):
    try:
        from safetensors.torch import load_file as official
        return official(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=DTYPES[entry["dtype"]])
        out[name] = t.reshape(entry["shape"])
    return out


def idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).reshape(count, 1, rows, cols)
    return torch.frombuffer(bytearray(data[8:]), dtype=torch.uint8).long()


def main():
    path, mnist, widths = sys.argv[1], sys.argv[2], [int(w) for w in sys.argv[3].split(",")]
    state = load_file(path)
    sizes = [784] + widths + [10]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(nn.Flatten(), *layers)
    # Isthmus names the Linear layers layers.0, layers.2, ... like nn.Sequential without the Flatten.
    model.load_state_dict({k.replace("layers.", "", 1).replace(k.split(".")[1], str(int(k.split(".")[1]) + 1), 1): v
                           for k, v in state.items()}, strict=True)
    images = (idx(f"{mnist}/t10k-images-idx3-ubyte").float() / 255 - 0.1307) / 0.3081
    labels = idx(f"{mnist}/t10k-labels-idx1-ubyte")
    with torch.no_grad():
        logits = model(images)
    error = (logits.argmax(1) != labels).float().mean().item() * 100
    nll = nn.functional.cross_entropy(logits, labels).item()
    print(json.dumps({"tensors": len(state), "test_error": round(error, 4), "test_nll": round(nll, 6)}))


if __name__ == "__main__":
    main()
