"""PAR (AFA/ToCo pixel-adaptive refinement) written directly in torch ops, as a second opinion on
src-shared/pseudo/par.ts, and the fixture its spec compares against:
  /usr/bin/python3 scripts/experiments/torch/par_ref.py --fixture src-shared/pseudo/par-reference.json
Also importable: par_refine(img [3,H,W], maps [C,H,W]) -> [C,H,W]."""
import argparse, json, math
import torch
import torch.nn.functional as F

DIRS = [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]


def shifted(x, d):
    """x [C,H,W] -> [C,8,H,W]: the 8 neighbours at dilation d, replicate padding."""
    C, H, W = x.shape
    p = F.pad(x[None], [d, d, d, d], mode='replicate')[0]
    return torch.stack([p[:, d + dy * d:d + dy * d + H, d + dx * d:d + dx * d + W] for dx, dy in DIRS], 1)


def neighbours(x, dilations):
    return torch.cat([shifted(x, d) for d in dilations], 1)  # [C,N,H,W]


def affinity(img, dilations, w1=0.3, w2=0.01):
    img = img.double()
    nb = neighbours(img, dilations)  # [3,N,H,W]
    std = nb.std(1, keepdim=True)  # unbiased, over the neighbours
    a = -((img[:, None] - nb).abs() / (std + 1e-8) / w1) ** 2
    a = a.mean(0)  # [N,H,W]
    dist = torch.tensor([d * (math.sqrt(2) if dx and dy else 1.0) for d in dilations for dx, dy in DIRS], dtype=torch.float64)
    p = -(dist / (dist.std() + 1e-8) / w1) ** 2
    return a.softmax(0) + w2 * p.softmax(0)[:, None, None]


def par_refine(img, maps, dilations=(1, 2, 4, 8, 12, 24), iterations=10, w1=0.3, w2=0.01):
    W = affinity(img, dilations, w1, w2)
    m = maps.double()
    for _ in range(iterations):
        m = (neighbours(m, dilations) * W[None]).sum(1)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--fixture', required=True)
    args = ap.parse_args()
    g = torch.Generator().manual_seed(7)
    cases = []
    for (H, W, C, dil, it) in [(7, 9, 3, [1, 2, 4], 3), (11, 13, 2, [1, 2, 4, 8, 12, 24], 10)]:
        img = torch.randint(0, 256, (3, H, W), generator=g).double()
        img[:, :, W // 2:] = (img[:, :, W // 2:] * 0.2 + 180).round()  # a colour edge down the middle
        maps = (torch.rand(C, H, W, generator=g).double() * 1e6).round() / 1e6
        out = par_refine(img, maps, dil, it)
        cases.append(dict(width=W, height=H, dilations=dil, iterations=it,
                          guide=img.permute(1, 2, 0).flatten().int().tolist(),
                          maps=[[round(v, 6) for v in m.flatten().tolist()] for m in maps],
                          refined=[[round(v, 8) for v in m.flatten().tolist()] for m in out]))
    with open(args.fixture, 'w') as f:
        json.dump({'generator': 'scripts/experiments/torch/par_ref.py', 'cases': cases}, f)
        f.write('\n')


if __name__ == '__main__':
    main()
