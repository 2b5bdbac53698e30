"""Affinity random walk (IRN/PSA-style) prototype at this scale, on a localizer saved by
recipe.py --save: seeds from the train cams (fg ≥ fg_thr, bg < bg_thr, the band between ignored),
a small affinity head on the FROZEN backbone's features (1×1 convs from every stage, resized to
the walk's stride, concatenated, 1×1 conv to D dims; affinity a_ij = exp(−mean|f_i − f_j|) as
PSA), trained so pairs within `train_radius` have affinity 1 when their seeds agree and 0 when they
differ (PSA's balanced loss: bg-pos, fg-pos, neg). Then the walk on the val cams: A^β with
neighbours within `radius` (self included), column-normalised (T = A^β / colsum), x ← x·T for
`steps` sparse steps over shifted slices (never a dense N×N matrix), each class map
normalised by its max, background a constant (swept), argmax.

  /usr/bin/python3 scripts/experiments/torch/rw.py --model /tmp/m.pt --data /tmp/heldout --budget 30
"""
import argparse, json, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from camtools import confusion, miou_of, val_cams, cam_miou_sweep  # noqa: E402
from nets import Localizer  # noqa: E402
from recipe import normalise  # noqa: E402
from vocdata import VocSplit  # noqa: E402


def stage_features(model, x):
    """Every ReLU output of the plain backbone: the stages' feature maps."""
    feats, h = [], x
    for layer in model.backbone.body:
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            feats.append(h)
    return feats


class AffinityHead(nn.Module):
    def __init__(self, channels, dim=32, width=16):
        super().__init__()
        self.proj = nn.ModuleList([nn.Conv2d(c, width, 1) for c in channels])
        self.out = nn.Sequential(nn.ReLU(), nn.Conv2d(width * len(channels), dim, 1))

    def forward(self, feats, size):
        ups = [F.interpolate(p(f), size=size, mode='bilinear', align_corners=False) for p, f in zip(self.proj, feats)]
        return self.out(torch.cat(ups, 1))  # [B,D,h,w]


def offsets(radius, half=False):
    out = []
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dx * dx + dy * dy > radius * radius:
                continue
            if half and (dy < 0 or (dy == 0 and dx <= 0)):
                continue
            out.append((dy, dx))
    return out


def shift(x, dy, dx, fill):
    """x[..., y+dy, x+dx] with `fill` outside: [...,h,w]."""
    h, w = x.shape[-2:]
    out = torch.full_like(x, fill)
    ys, yd = (slice(dy, h), slice(0, h - dy)) if dy >= 0 else (slice(0, h + dy), slice(-dy, h))
    xs, xd = (slice(dx, w), slice(0, w - dx)) if dx >= 0 else (slice(0, w + dx), slice(-dx, w))
    out[..., yd, xd] = x[..., ys, xs]
    return out


def seeds_of(cams_small, fg_thr, bg_thr):
    """cams [P,h,w] in [0,1] → seed labels [h,w]: 0 bg, k+1 the k-th cam, 255 ignored."""
    if cams_small.shape[0] == 0:
        return torch.zeros(cams_small.shape[1:], dtype=torch.long)
    top, arg = cams_small.max(0)
    lab = torch.full(top.shape, 255, dtype=torch.long)
    lab[top < bg_thr] = 0
    fg = top >= fg_thr
    lab[fg] = arg[fg] + 1
    return lab


def pair_loss(f, lab, radius):
    """PSA loss over pairs within radius on one batch: f [B,D,h,w], lab [B,h,w]."""
    bgp, fgp, neg = [], [], []
    for dy, dx in offsets(radius, half=True):
        fj = shift(f, dy, dx, 0.0)
        lj = shift(lab, dy, dx, 255)
        aff = torch.exp(-(f - fj).abs().mean(1))  # [B,h,w]
        valid = (lab != 255) & (lj != 255)
        same = valid & (lab == lj)
        diff = valid & (lab != lj)
        bgp.append(aff[same & (lab == 0)])
        fgp.append(aff[same & (lab > 0)])
        neg.append(aff[diff])
    cat = lambda xs: torch.cat(xs) if xs else torch.zeros(0)
    bgp, fgp, neg = cat(bgp), cat(fgp), cat(neg)
    term = lambda v, fn: fn(v).mean() if v.numel() else torch.zeros(())
    loss = term(bgp, lambda a: -torch.log(a + 1e-5)) / 4 + term(fgp, lambda a: -torch.log(a + 1e-5)) / 4 + term(neg, lambda a: -torch.log(1 + 1e-5 - a)) / 2
    return loss, (bgp.numel(), fgp.numel(), neg.numel())


def random_walk(f, x, radius, beta, steps):
    """f [D,h,w] features, x [P,h,w] cams → x after `steps` walks with T = A^β / colsum (sparse)."""
    offs = offsets(radius)
    # A^β for every offset: [O,h,w], 0 outside the image
    A = torch.stack([torch.exp(-(f - shift(f, dy, dx, float('inf'))).abs().mean(0)).nan_to_num(0.0) ** beta for dy, dx in offs])
    # Column normalisation: node j's incoming weights A_ij over its neighbours i sum to 1.
    # (x·T)_j = Σ_i x_i A_ij / Σ_k A_kj, A symmetric, so j averages its neighbours with weights A_ij.
    A = A / A.sum(0, keepdim=True).clamp_min(1e-12)
    for _ in range(steps):
        x = sum(A[o] * shift(x, dy, dx, 0.0) for o, (dy, dx) in enumerate(offs))
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--stride', type=int, default=4)
    ap.add_argument('--fg', type=float, default=0.3)
    ap.add_argument('--bg', type=float, default=0.05)
    ap.add_argument('--train-radius', type=int, default=5)
    ap.add_argument('--radius', type=int, default=5)
    ap.add_argument('--beta', type=float, default=10)
    ap.add_argument('--steps', type=int, default=256)
    ap.add_argument('--budget', type=float, default=30, help='CPU seconds to train the head')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--val-limit', type=int, default=None)
    ap.add_argument('--out', default=None)
    ap.add_argument('--tag', default='')
    ap.add_argument('--par-first', action='store_true', help='PAR-refine the val cams before the walk')
    ap.add_argument('--scales', default='1')
    ap.add_argument('--flip', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    saved = torch.load(args.model)
    margs = saved['args']
    train = VocSplit(args.data, 'train')
    val = VocSplit(args.data, 'val', args.val_limit)
    model = Localizer(margs['arch'], margs['norm'], train.K)
    model.load_state_dict(saved['state'])
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    S = margs['size']
    with torch.no_grad():
        chans = [f.shape[1] for f in stage_features(model, torch.zeros(1, 3, S, S))]
    head = AffinityHead(chans)
    opt = torch.optim.Adam(head.parameters(), lr=args.lr)

    # Seeds from the train cams (image labels only), at the walk's resolution.
    c0 = time.process_time()
    tcams = val_cams(model, train, [1.0], normalise)
    seeds = []
    for (classes, cam), img in zip(tcams, train.images):
        h, w = img.shape[1] // args.stride, img.shape[2] // args.stride
        small = F.interpolate(torch.from_numpy(cam)[None], size=(h, w), mode='bilinear', align_corners=False)[0]
        seeds.append(seeds_of(small, args.fg, args.bg))
    cpu_seeds = time.process_time() - c0

    # Train the head under a CPU budget (images at their own size; the held-out set is one size).
    c0 = time.process_time()
    steps, losses = 0, []
    while time.process_time() - c0 < args.budget:
        idx = torch.randint(0, len(train), (args.batch,)).tolist()
        # Crops of S×S at multiples of the stride, so image and seed grid stay aligned.
        xs, labs, g = [], [], S // args.stride
        for i in idx:
            img, sd = train.images[i], seeds[i]
            ty = args.stride * int(torch.randint(0, (img.shape[1] - S) // args.stride + 1, (1,)))
            tx = args.stride * int(torch.randint(0, (img.shape[2] - S) // args.stride + 1, (1,)))
            xs.append(img[:, ty:ty + S, tx:tx + S])
            labs.append(sd[ty // args.stride:ty // args.stride + g, tx // args.stride:tx // args.stride + g])
        x = normalise(torch.stack(xs))
        lab = torch.stack(labs)
        if torch.rand(1).item() < 0.5:
            x, lab = x.flip(3), lab.flip(2)
        with torch.no_grad():
            feats = stage_features(model, x)
        f = head(feats, lab.shape[-2:])
        loss, counts = pair_loss(f, lab, args.train_radius)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        steps += 1
    cpu_head = time.process_time() - c0

    # Walk the val cams.
    vcams = val_cams(model, val, [float(v) for v in args.scales.split(',')], normalise, args.flip)
    if args.par_first:
        from par_ref import par_refine
        gain = 1.01 ** 10  # PAR scales every map by (1 + w2) per iteration
        vcams = [(c, (par_refine(img.double(), torch.from_numpy(m)).float() / gain).numpy()) for (c, m), img in zip(vcams, val.images)]
    bgs = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8]
    n = val.K + 1
    confs = {b: np.zeros((n, n), np.int64) for b in bgs}
    c0 = time.process_time()
    with torch.no_grad():
        for (classes, cam), img, gt in zip(vcams, val.images, val.masks):
            H, W = img.shape[1:]
            h, w = H // args.stride, W // args.stride
            f = head(stage_features(model, normalise(img[None])), (h, w))[0]
            x = F.interpolate(torch.from_numpy(cam)[None], size=(h, w), mode='bilinear', align_corners=False)[0]
            rw = random_walk(f, x, args.radius, args.beta, args.steps)
            up = F.interpolate(rw[None], size=(H, W), mode='bilinear', align_corners=False)[0]
            up = up / up.flatten(1).max(1)[0].clamp_min(1e-12).view(-1, 1, 1)
            lut = np.asarray([0] + [k + 1 for k in classes], np.uint8)
            for b in bgs:
                stack = torch.cat([torch.full((1, H, W), b), up])
                confs[b] += confusion(lut[stack.argmax(0).numpy()], gt, n)
    cpu_walk = (time.process_time() - c0) / len(val)
    rw_miou = {b: round(miou_of(confs[b])[0], 4) for b in bgs}
    cam_sweep = cam_miou_sweep(vcams, val)
    best_b = max(rw_miou, key=lambda b: rw_miou[b])
    best_t = max(cam_sweep, key=lambda t: cam_sweep[t])
    row = dict(tag=args.tag, model=args.model, par_first=args.par_first, scales=args.scales, flip=args.flip, stride=args.stride, fg=args.fg, bg=args.bg, radius=args.radius, beta=args.beta,
               steps=args.steps, head_steps=steps, head_loss=round(float(np.mean(losses[-50:])), 4), cpu_seeds=round(cpu_seeds, 1),
               cpu_head=round(cpu_head, 1), walk_ms=round(1000 * cpu_walk, 1), cam_best=round(cam_sweep[best_t], 4), cam_thr=best_t,
               cam30=round(cam_sweep[0.3], 4), rw_best=rw_miou[best_b], rw_bg=best_b, rw25=rw_miou[0.25], rw_sweep=rw_miou,
               load=round(os.getloadavg()[0], 1))
    print(json.dumps(row), flush=True)
    if args.out:
        with open(args.out, 'a') as fh:
            fh.write(json.dumps(row) + '\n')


if __name__ == '__main__':
    main()
