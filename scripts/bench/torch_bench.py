"""PyTorch twin of scripts/bench/nets.ts: the same `tiny` and ResNet-18 networks, timed on the CPU.

Usage: python3 torch_bench.py '<json config>'  → prints one JSON object on stdout.
Config: {"threads": 2, "batch": 16, "classes": 20, "repeats": 5, "nets": [{"net": "tiny", "size": 64}, ...],
         "layers": [{"size": 64, "inC": 3, "outC": 32, "k": 3, "stride": 2}, ...]}
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(ci, co, k, stride, relu=True):
    layers = [nn.Conv2d(ci, co, k, stride, k // 2, bias=False), nn.BatchNorm2d(co)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class Tiny(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.body = nn.Sequential(conv_bn(3, 32, 3, 2), conv_bn(32, 64, 3, 2), conv_bn(64, 128, 3, 2), conv_bn(128, 128, 3, 1))
        self.fc = nn.Linear(128, classes, bias=False)

    def forward(self, x):
        f = self.body(x)
        return self.fc(f.mean((2, 3))), f


class Block(nn.Module):
    def __init__(self, ci, co, stride):
        super().__init__()
        self.a = conv_bn(ci, co, 3, stride)
        self.b = conv_bn(co, co, 3, 1, relu=False)
        self.down = conv_bn(ci, co, 1, stride, relu=False) if stride != 1 or ci != co else None

    def forward(self, x):
        shortcut = self.down(x) if self.down is not None else x
        return F.relu(self.b(self.a(x)) + shortcut)


class ResNet18(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.stem = conv_bn(3, 64, 7, 2)
        blocks, ci = [], 64
        for co, stride in [(64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)]:
            blocks.append(Block(ci, co, stride))
            ci = co
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, classes, bias=False)

    def forward(self, x):
        f = self.blocks(F.max_pool2d(self.stem(x), 3, 2, 1))
        return self.fc(f.mean((2, 3))), f


def timed(fn, repeats, warmup=1, cpu=False):
    """Median wall ms; with cpu=True, (wall ms, process CPU ms) medians."""
    for _ in range(warmup):
        fn()
    times, cpu_times = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    return (statistics.median(times), statistics.median(cpu_times)) if cpu else statistics.median(times)


def bench_net(kind, size, batch, classes, repeats):
    torch.manual_seed(0)
    net = (Tiny if kind == "tiny" else ResNet18)(classes)
    images = torch.randn(batch, 3, size, size)
    labels = (torch.rand(batch, classes) < 0.2).float()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    def train():
        opt.zero_grad(set_to_none=True)
        logits, _ = net(images)
        F.binary_cross_entropy_with_logits(logits, labels).backward()
        opt.step()

    def infer():
        with torch.no_grad():
            logits, feats = net(images)
            cams = F.relu(torch.einsum("bchw,kc->bkhw", feats, net.fc.weight))
            torch.sigmoid(logits), cams

    net.train()
    train_ms, train_cpu = timed(train, repeats, cpu=True)
    net.eval()
    infer_ms, infer_cpu = timed(infer, repeats, cpu=True)
    return {"net": kind, "size": size, "batch": batch, "trainMs": train_ms, "inferMs": infer_ms,
            "trainCpuMs": train_cpu, "inferCpuMs": infer_cpu,
            "trainImgPerS": batch * 1000 / train_ms, "inferImgPerS": batch * 1000 / infer_ms}


def bench_layer(spec, batch, repeats):
    p = spec["k"] // 2
    x = torch.randn(batch, spec["inC"], spec["size"], spec["size"], requires_grad=True)
    w = torch.randn(spec["outC"], spec["inC"], spec["k"], spec["k"], requires_grad=True)
    y = F.conv2d(x, w, stride=spec["stride"], padding=p)
    dy = torch.randn_like(y)
    with torch.no_grad():
        fwd = timed(lambda: F.conv2d(x, w, stride=spec["stride"], padding=p), repeats)
    dx = timed(lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, stride=spec["stride"], padding=p), repeats)
    dw = timed(lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, stride=spec["stride"], padding=p), repeats)
    return {**spec, "forwardMs": fwd, "dxMs": dx, "dwMs": dw}


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg.get("threads", 2))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "nets": [], "layers": []}
    for spec in cfg.get("layers", []):
        out["layers"].append(bench_layer(spec, cfg["batch"], cfg["repeats"]))
    for n in cfg.get("nets", []):
        out["nets"].append(bench_net(n["net"], n["size"], cfg["batch"], cfg["classes"], cfg["repeats"]))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
