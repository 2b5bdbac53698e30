"""Recipe research harness (PyTorch, 1 thread): train a from-scratch localizer on a VOC-layout
set under a CPU-seconds budget (the schedule is planned over the budget: progress = CPU time
used / budget), then report val BCE against the label prior and the CAM mIoU of the val set
(GT labels, engine pseudo-mask rule: cams min-max normalised, background wins below the threshold).

  /usr/bin/python3 scripts/experiments/torch/recipe.py --data /tmp/heldout --arch tiny --budget 60 \
      --out bench/tmp/recipe.jsonl [--save /tmp/run.pt]
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from torchvision.transforms import RandomResizedCrop

sys.path.insert(0, os.path.dirname(__file__))
from nets import Localizer  # noqa: E402
from vocdata import VocSplit  # noqa: E402
from camtools import cam_miou_sweep, par_miou_sweep, val_cams  # noqa: E402

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1) * 255
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1) * 255


def normalise(x_uint8):
    return (x_uint8.float() - MEAN) / STD


def batch_of(ds, idx, size, crop_min, flip, gen):
    out = torch.empty(len(idx), 3, size, size)
    for j, i in enumerate(idx):
        img = ds.images[i]
        if crop_min >= 1:
            crop = TF.resize(img, [size, size], antialias=False)
        else:
            t, l, h, w = RandomResizedCrop.get_params(img, (crop_min, 1.0), (3 / 4, 4 / 3))
            crop = TF.resized_crop(img, t, l, h, w, [size, size], antialias=False)
        if flip and torch.rand(1, generator=gen).item() < 0.5:
            crop = crop.flip(2)
        out[j] = crop.float()
    return (out - MEAN) / STD, ds.labels[idx]


def erase(model, feats, x, y, omega=100.0, sigma=0.5):
    """EADER's erasing (DESIGN §1): per (image, positive class) pair, Grad-CAM of the GAP+linear head
    (weights W_c as constants: relu(Σ_C W_c·F)), bilinear to the input size, min-max normalised,
    soft mask sigmoid(ω(cam − σ)), erased = image·(1 − mask). Returns erased [P,3,S,S], pair
    image and class indices, and the cams [P,S,S]."""
    b_idx, c_idx = y.nonzero(as_tuple=True)
    w = model.fc.weight[c_idx].detach()  # [P,C]
    cam = torch.relu(torch.einsum('pc,pchw->phw', w, feats[b_idx]))
    cam = F.interpolate(cam[:, None], size=x.shape[-2:], mode='bilinear', align_corners=False)[:, 0]
    lo = cam.flatten(1).min(1)[0].view(-1, 1, 1)
    hi = cam.flatten(1).max(1)[0].view(-1, 1, 1)
    cam = (cam - lo) / (hi - lo).clamp_min(1e-8)
    mask = torch.sigmoid(omega * (cam - sigma))
    return x[b_idx] * (1 - mask[:, None]), b_idx, c_idx, cam


def lr_at(progress, args):
    """Learning-rate factor at progress ∈ [0,1] of the planned budget."""
    p = min(max(progress, 0.0), 1.0)
    if args.sched == 'const':
        return 1.0
    w = args.warmup
    if p < w:
        return args.start_factor + (1 - args.start_factor) * p / w
    q = (p - w) / max(1e-9, 1 - w)
    floor = args.final_factor
    if args.sched == 'cosine':  # one-cycle: warm up, then cosine down to lr·final_factor
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * q))
    if args.sched == 'linear':
        return 1 - (1 - floor) * q
    raise ValueError(args.sched)


def make_opt(model, args):
    params = model.parameters()
    if args.opt == 'adam':
        return torch.optim.Adam(params, lr=args.lr, betas=(args.beta1, 0.999), weight_decay=args.wd)
    if args.opt == 'adamw':
        return torch.optim.AdamW(params, lr=args.lr, betas=(args.beta1, 0.999), weight_decay=args.wd)
    if args.opt == 'sgd':
        return torch.optim.SGD(params, lr=args.lr, momentum=0.9, weight_decay=args.wd, nesterov=False)
    raise ValueError(args.opt)


@torch.no_grad()
def val_bce(model, ds, size, bs=100):
    model.eval()
    tot, n = 0.0, 0
    for s in range(0, len(ds), bs):
        idx = list(range(s, min(len(ds), s + bs)))
        x = torch.stack([TF.resize(ds.images[i], [size, size], antialias=False) for i in idx])
        _, logits = model(normalise(x))
        tot += F.binary_cross_entropy_with_logits(logits, ds.labels[idx], reduction='sum').item() / ds.K
        n += len(idx)
    model.train()
    return tot / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--arch', default='tiny')
    ap.add_argument('--norm', default='bn')
    ap.add_argument('--opt', default='adam')
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--wd', type=float, default=1e-4)
    ap.add_argument('--beta1', type=float, default=0.9)
    ap.add_argument('--sched', default='cosine')
    ap.add_argument('--warmup', type=float, default=0.15)
    ap.add_argument('--start-factor', type=float, default=0.04)
    ap.add_argument('--final-factor', type=float, default=0.02)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--crop-min', type=float, default=0.5)
    ap.add_argument('--no-flip', action='store_true')
    ap.add_argument('--budget', type=float, default=60, help='CPU seconds of training')
    ap.add_argument('--train-limit', type=int, default=None)
    ap.add_argument('--val-limit', type=int, default=None)
    ap.add_argument('--eval-scales', default='1')
    ap.add_argument('--eval-flip', action='store_true')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=None)
    ap.add_argument('--save', default=None, help='save model state and val cams here (.pt)')
    ap.add_argument('--tag', default='')
    ap.add_argument('--adversary', default='none', help="none, or an arch name (EADER's adversary)")
    ap.add_argument('--alpha', type=float, default=0.05)
    ap.add_argument('--beta-cam', type=float, default=1e-5)
    ap.add_argument('--t-loc', type=int, default=20)
    ap.add_argument('--t-adv', type=int, default=20)
    ap.add_argument('--alpha-start', type=float, default=0.0, help='fraction of the budget trained as localizer only before the adversary starts')
    ap.add_argument('--par', action='store_true', help='also score PAR-refined masks (raw and softmax maps)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    train = VocSplit(args.data, 'train', args.train_limit)
    val = VocSplit(args.data, 'val', args.val_limit)
    model = Localizer(args.arch, args.norm, train.K)
    opt = make_opt(model, args)
    adversary = Localizer(args.adversary, args.norm, train.K) if args.adversary != 'none' else None
    adv_opt = make_opt(adversary, args) if adversary else None
    adv_step = 0
    nparams = sum(p.numel() for p in model.parameters())

    cpu0, wall0 = time.process_time(), time.time()
    step, epoch, seen, last_bce = 0, 0, 0, []
    done = False
    while not done:
        order = torch.randperm(len(train), generator=gen).tolist()
        for s in range(0, len(order) - args.batch + 1, args.batch):
            used = time.process_time() - cpu0
            if used >= args.budget:
                done = True
                break
            for o in (opt, adv_opt):
                for g in (o.param_groups if o else []):
                    g['lr'] = args.lr * lr_at(used / args.budget, args)
            x, y = batch_of(train, order[s:s + args.batch], args.size, args.crop_min, not args.no_flip, gen)
            eader = adversary is not None and used >= args.alpha_start * args.budget
            if eader and adv_step % (args.t_loc + args.t_adv) >= args.t_loc:
                with torch.no_grad():
                    feats, _ = model(x)
                    erased, b_idx, _, _ = erase(model, feats, x, y)
                _, adv_logits = adversary(erased)
                adv_loss = F.binary_cross_entropy_with_logits(adv_logits, y[b_idx])
                adv_opt.zero_grad(set_to_none=True)
                adv_loss.backward()
                adv_opt.step()
                adv_step += 1
                step += 1
                continue
            feats, logits = model(x)
            bce = F.binary_cross_entropy_with_logits(logits, y)
            loss = bce
            if eader:
                erased, b_idx, c_idx, cam = erase(model, feats, x, y)
                _, adv_logits = adversary(erased)
                adv_prob = torch.sigmoid(adv_logits)[torch.arange(len(c_idx)), c_idx]
                loss = bce + args.beta_cam * cam.mean() + args.alpha * adv_prob.mean()
                adv_step += 1
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if adv_opt:
                adv_opt.zero_grad(set_to_none=True)  # the localizer step does not train the adversary
            opt.step()
            last_bce.append(bce.item())
            last_bce = last_bce[-50:]
            step += 1
            seen += args.batch
        epoch += 1
    cpu_train, wall_train = time.process_time() - cpu0, time.time() - wall0
    vb = val_bce(model, val, args.size)
    scales = [float(s) for s in args.eval_scales.split(',')]
    cpu1 = time.process_time()
    cams = val_cams(model, val, scales, normalise, args.eval_flip)
    cpu_cam = (time.process_time() - cpu1) / len(val)
    sweep = cam_miou_sweep(cams, val)
    # The paper's claim: the masked area (soft mask of the normalised cam, ω = 100, σ = 0.5) grows with α.
    masked = float(np.mean([float(torch.sigmoid(100 * (torch.from_numpy(m) - 0.5)).mean()) for _, m in cams if m.shape[0] > 0]))
    best_t = max(sweep, key=lambda t: sweep[t])
    row = dict(tag=args.tag, data=os.path.basename(args.data.rstrip('/')), arch=args.arch, norm=args.norm, opt=args.opt, lr=args.lr,
               wd=args.wd, beta1=args.beta1, sched=args.sched, batch=args.batch, size=args.size, crop_min=args.crop_min,
               budget=args.budget, seed=args.seed, eval_scales=scales, eval_flip=args.eval_flip, adversary=args.adversary,
               alpha=args.alpha if args.adversary != 'none' else 0, alpha_start=args.alpha_start, params=nparams, steps=step, epochs=round(seen / len(train), 2),
               train_bce=round(float(np.mean(last_bce)), 4), val_bce=round(vb, 4), prior=round(train.prior_bce(), 4),
               miou30=round(sweep[0.3], 4), miou_best=round(sweep[best_t], 4), best_thr=best_t,
               masked_area=round(masked, 4), cpu_train=round(cpu_train, 1), wall_train=round(wall_train, 1), cam_ms=round(1000 * cpu_cam, 1),
               load=round(os.getloadavg()[0], 1))
    if args.par:
        c0 = time.process_time()
        for mode in ('raw',):  # ToCo's softmax-first variant scored within 0.003 of raw in every run (demo-1)
            ps = par_miou_sweep(cams, val, softmax=(mode == 'softmax'))
            bt = max(ps, key=lambda t: ps[t])
            row[f'par_{mode}30'] = round(ps[0.3], 4)
            row[f'par_{mode}_best'] = round(ps[bt], 4)
            row[f'par_{mode}_thr'] = bt
        row['par_ms'] = round(1000 * (time.process_time() - c0) / len(val), 1)
    print(json.dumps(row), flush=True)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, 'a') as f:
            f.write(json.dumps(row) + '\n')
    if args.save:
        torch.save({'args': vars(args), 'state': model.state_dict(), 'cams': cams}, args.save)


if __name__ == '__main__':
    main()
