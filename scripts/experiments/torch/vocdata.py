"""A VOC-layout dataset (ours: JPEGImages, SegmentationClass, ImageSets/Segmentation, classes.txt)
in memory: uint8 CHW tensors, multi-hot labels (from the mask), GT masks. For the recipe research."""
import os
import numpy as np
import torch
from PIL import Image


def year_dir(root):
    for cand in (os.path.join(root, 'VOCdevkit', 'VOC2012'), root):
        if os.path.isdir(os.path.join(cand, 'JPEGImages')):
            return cand
    raise SystemExit(f'{root}: no VOCdevkit/VOC2012 or JPEGImages folder')


class VocSplit:
    def __init__(self, root, split, limit=None):
        y = year_dir(root)
        self.classes = [l.strip() for l in open(os.path.join(y, 'classes.txt')) if l.strip()]
        K = len(self.classes) - 1
        ids = open(os.path.join(y, 'ImageSets', 'Segmentation', f'{split}.txt')).read().split()
        if limit:
            ids = ids[:limit]
        self.ids, self.images, self.masks = ids, [], []
        self.labels = torch.zeros(len(ids), K)
        for n, i in enumerate(ids):
            rgb = np.asarray(Image.open(os.path.join(y, 'JPEGImages', i + '.jpg')).convert('RGB'))
            mask = np.asarray(Image.open(os.path.join(y, 'SegmentationClass', i + '.png')))
            self.images.append(torch.from_numpy(rgb.copy()).permute(2, 0, 1).contiguous())  # [3,H,W] uint8
            self.masks.append(mask.astype(np.uint8))
            for c in np.unique(mask):
                if 0 < c <= K:
                    self.labels[n, c - 1] = 1
        self.K = K

    def __len__(self):
        return len(self.ids)

    def prior_bce(self):
        """BCE of predicting each class's training frequency: the 'learned nothing' line."""
        p = self.labels.mean(0).clamp(1e-6, 1 - 1e-6)
        return float(-(p * p.log() + (1 - p) * (1 - p).log()).mean())
