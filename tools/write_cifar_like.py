#!/usr/bin/env python3
"""Writes a CIFAR-10-format data set (the official binary layout: cifar-10-batches-bin/data_batch_1..5.bin and
test_batch.bin, each record one label byte then 3x32x32 pixel bytes, channels first) of synthetic images, for
measuring Isthmus at the paper's input size where the real CIFAR-10 cannot be downloaded. Each class has its own
colour and stripe pattern under uniform noise, so networks learn it, but the numbers it gives say nothing about CIFAR.

Usage: python3 tools/write_cifar_like.py ROOT [--train 10000] [--test 1000] [--seed 0]
Then: ISTHMUS_DATA=ROOT ./isthmus train --data cifar10 ...
"""
import argparse, os, random


def image(rng, label):
    base = [(label * 25) % 256, (label * 70 + 40) % 256, (255 - label * 20) % 256]
    out = bytearray(3072)
    for ch in range(3):
        for r in range(32):
            stripe = 60 if (r // (label % 4 + 1)) % 2 == 0 else -60
            for c in range(32):
                v = base[ch] + (stripe if (c + label) % (label % 3 + 2) == 0 else 0) + rng.randint(-70, 70)
                out[ch * 1024 + r * 32 + c] = min(255, max(0, v))
    return bytes(out)


def write(path, rng, count, first):
    with open(path, "wb") as f:
        for i in range(count):
            label = rng.randrange(10)
            f.write(bytes([label]) + image(rng, label))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("root")
    p.add_argument("--train", type=int, default=10000, help="training images, split over 5 batches")
    p.add_argument("--test", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = random.Random(a.seed)
    folder = os.path.join(a.root, "cifar-10-batches-bin")
    os.makedirs(folder, exist_ok=True)
    per = a.train // 5
    for b in range(5):
        write(os.path.join(folder, f"data_batch_{b + 1}.bin"), rng, per, b * per)
    write(os.path.join(folder, "test_batch.bin"), rng, a.test, 0)
    print(f"wrote {5 * per} training and {a.test} test images to {folder}")


if __name__ == "__main__":
    main()
