"""Cams of a val set at each image's own size (multi-scale mean, re-normalised by its max, as
src-main/engine/infer.ts), the engine's pseudo-mask rule, and mIoU (confusion matrix, 255
ignored, nanmean over classes present in GT or prediction, background included)."""
import numpy as np
import torch
import torch.nn.functional as F

THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 19)]


@torch.no_grad()
def val_cams(model, ds, scales, normalise, flip=False):
    """Per image: (classes [P] engine indices, cams [P,H,W] float32 in [0,1]). Restores the model's mode."""
    was_training = model.training
    model.eval()
    out = []
    for img, lab in zip(ds.images, ds.labels):
        classes = lab.nonzero().flatten().tolist()
        H, W = img.shape[1:]
        acc = torch.zeros(len(classes), H, W)
        for s in scales:
            h, w = max(8, round(H * s)), max(8, round(W * s))
            x = normalise(F.interpolate(img[None].float(), size=(h, w), mode='bilinear', align_corners=False))
            for mirrored in ([False, True] if flip else [False]):
                cam = model.cams(x.flip(3) if mirrored else x, classes)[None]  # [1,P,h',w']
                if mirrored:
                    cam = cam.flip(3)
                cam = F.interpolate(cam, size=(H, W), mode='bilinear', align_corners=False)[0]
                lo = cam.flatten(1).min(1)[0].view(-1, 1, 1)
                hi = cam.flatten(1).max(1)[0].view(-1, 1, 1)
                acc += (cam - lo) / (hi - lo).clamp_min(1e-8)
        m = acc.flatten(1).max(1)[0].view(-1, 1, 1)
        acc = torch.where(m > 0, acc / m.clamp_min(1e-12), acc)
        out.append((classes, acc.numpy().astype(np.float32)))
    model.train(was_training)
    return out


def pseudo_mask(classes, cams, thr):
    """Engine rule: a pixel is the best class whose cam ≥ thr, else background (0)."""
    if len(classes) == 0:
        return np.zeros(cams.shape[1:], np.uint8)
    best = cams.argmax(0)
    top = cams.max(0)
    lab = np.asarray(classes, np.int64)[best] + 1
    return np.where(top >= thr, lab, 0).astype(np.uint8)


def confusion(pred, gt, n):
    keep = gt != 255
    return np.bincount(n * gt[keep].astype(np.int64) + pred[keep], minlength=n * n).reshape(n, n)


def miou_of(conf):
    tp = np.diag(conf).astype(np.float64)
    denom = conf.sum(0) + conf.sum(1) - tp
    iou = np.where(denom > 0, tp / np.maximum(denom, 1), np.nan)
    return float(np.nanmean(iou)), iou


def masks_miou(masks, ds):
    n = ds.K + 1
    conf = np.zeros((n, n), np.int64)
    for m, gt in zip(masks, ds.masks):
        conf += confusion(m, gt, n)
    return miou_of(conf)[0]


def cam_miou_sweep(cams, ds, thresholds=THRESHOLDS):
    return {t: masks_miou([pseudo_mask(c, m, t) for c, m in cams], ds) for t in thresholds}


PAR_THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6]


@torch.no_grad()
def par_miou_sweep(cams, ds, thresholds=PAR_THRESHOLDS, softmax=False, iterations=10, dilations=(1, 2, 4, 8, 12, 24)):
    """mIoU after PAR (src-shared/pseudo/par.ts's formula, par_ref.py) for each background value:
    maps = [thr, cam_1..cam_P] (optionally a softmax over them first, as ToCo), refined, argmax."""
    from par_ref import affinity, neighbours
    n = ds.K + 1
    confs = {t: np.zeros((n, n), np.int64) for t in thresholds}
    for (classes, cam), img, gt in zip(cams, ds.images, ds.masks):
        P, H, W = cam.shape
        Wt = affinity(img.double(), dilations).float()  # [N,H,W]
        c = torch.from_numpy(cam)
        stack = torch.stack([torch.cat([torch.full((1, H, W), t), c]) for t in thresholds])  # [T,1+P,H,W]
        if softmax:
            stack = stack.softmax(1)
        m = stack.reshape(-1, H, W)
        for _ in range(iterations):
            m = (neighbours(m, dilations) * Wt[None]).sum(1)
        m = m.reshape(len(thresholds), 1 + P, H, W).argmax(1).numpy()
        lut = np.asarray([0] + [k + 1 for k in classes], np.uint8)
        for ti, t in enumerate(thresholds):
            confs[t] += confusion(lut[m[ti]], gt, n)
    return {t: miou_of(confs[t])[0] for t in thresholds}
